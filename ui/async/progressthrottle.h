#pragma once

#include "core/training/trainingtypes.h"

#include <QMutex>
#include <QObject>
#include <QString>
#include <QVector>

class QTimer;

namespace graft::ui {

/**
 * What a training run reports from its own thread (batch progress, finished epochs, notes), handed
 * to the GUI thread at most every timing::liveProgressInterval: the one throttle between a run and
 * its live plots, progress bar and log. A small model ends thousands of batches and hundreds of
 * epochs a second; queueing a signal for each would flood the GUI thread and replot the plots for
 * every point. Pushes only buffer (under a brief lock) and arm a timer; when it fires the buffer is
 * delivered in the order it was pushed, then flushed() says a delivery is complete (views redraw
 * once). Batches are coalesced: of a run's batches in one epoch only the latest is kept, so the
 * last batch of every epoch is always delivered. Epochs and notes are all delivered.
 */
class ProgressThrottle final : public QObject
{
    Q_OBJECT
public:
    explicit ProgressThrottle(QObject *parent = nullptr);
    ~ProgressThrottle() override;

    // Any thread.
    void pushBatch(int run, const BatchProgress &progress);
    void pushEpoch(int run, const EpochRecord &record);
    void pushNote(int run, const QString &message);

    /** GUI thread: delivers what is buffered now (before a run's pause or end is reported). */
    void flush();
    /** GUI thread: forgets what is buffered (a new run starts). */
    void clear();

Q_SIGNALS:
    void batchFinished(int run, const graft::BatchProgress &progress);
    void epochFinished(int run, const graft::EpochRecord &record);
    void noted(int run, const QString &message);
    /** A delivery ended: whatever draws the points can redraw once. */
    void flushed();

private:
    struct Event
    {
        enum class Kind { Batch, Epoch, Note } kind;
        int run = 0;
        BatchProgress batch;
        EpochRecord epoch;
        QString note;
    };
    /** With m_mutex held: makes sure the GUI thread's timer will deliver what was just pushed. */
    void schedule();

    QMutex m_mutex;
    QVector<Event> m_events;
    bool m_scheduled = false; ///< a delivery is armed (or its arming is on its way to the GUI thread)
    QTimer *m_timer;
};

} // namespace graft::ui
