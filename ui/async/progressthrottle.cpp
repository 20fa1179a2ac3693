#include "ui/async/progressthrottle.h"

#include "ui/common/timings.h"

#include <QMutexLocker>
#include <QTimer>

namespace graft::ui {

ProgressThrottle::ProgressThrottle(QObject *parent) : QObject(parent), m_timer(new QTimer(this))
{
    m_timer->setSingleShot(true);
    m_timer->setInterval(timing::liveProgressInterval);
    connect(m_timer, &QTimer::timeout, this, &ProgressThrottle::flush);
}

ProgressThrottle::~ProgressThrottle() = default;

void ProgressThrottle::pushBatch(int run, const BatchProgress &progress)
{
    const QMutexLocker lock(&m_mutex);
    if (!m_events.isEmpty()) {
        Event &last = m_events.last();
        if (last.kind == Event::Kind::Batch && last.run == run && last.batch.epoch == progress.epoch) {
            last.batch = progress; // the running means include the batches it replaces
            return;
        }
    }
    m_events.append({Event::Kind::Batch, run, progress, {}, {}});
    schedule();
}

void ProgressThrottle::pushEpoch(int run, const EpochRecord &record)
{
    const QMutexLocker lock(&m_mutex);
    m_events.append({Event::Kind::Epoch, run, {}, record, {}});
    schedule();
}

void ProgressThrottle::pushNote(int run, const QString &message)
{
    const QMutexLocker lock(&m_mutex);
    m_events.append({Event::Kind::Note, run, {}, {}, message});
    schedule();
}

void ProgressThrottle::schedule()
{
    if (m_scheduled)
        return;
    m_scheduled = true;
    // Timers start on their own thread; the pusher may be the training thread.
    QMetaObject::invokeMethod(
        this,
        [this] {
            if (!m_timer->isActive())
                m_timer->start();
        },
        Qt::QueuedConnection);
}

void ProgressThrottle::flush()
{
    m_timer->stop();
    QVector<Event> events;
    {
        const QMutexLocker lock(&m_mutex);
        events.swap(m_events);
        m_scheduled = false;
    }
    if (events.isEmpty())
        return;
    for (const Event &event : std::as_const(events)) {
        switch (event.kind) {
        case Event::Kind::Batch: Q_EMIT batchFinished(event.run, event.batch); break;
        case Event::Kind::Epoch: Q_EMIT epochFinished(event.run, event.epoch); break;
        case Event::Kind::Note: Q_EMIT noted(event.run, event.note); break;
        }
    }
    Q_EMIT flushed();
}

void ProgressThrottle::clear()
{
    m_timer->stop();
    const QMutexLocker lock(&m_mutex);
    m_events.clear();
    m_scheduled = false;
}

} // namespace graft::ui
