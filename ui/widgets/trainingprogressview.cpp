#include "ui/widgets/trainingprogressview.h"

#include "core/training/trainingreport.h"
#include "ui/document/trainingcontroller.h"
#include "ui/plots/trainingplots.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QSplitter>
#include <QVBoxLayout>

#include <algorithm>
#include <climits>

namespace graft::ui {

namespace {

QString duration(qint64 ms)
{
    const qint64 s = (ms + 500) / 1000;
    return s >= 3600 ? QStringLiteral("%1:%2:%3")
                           .arg(s / 3600)
                           .arg(s / 60 % 60, 2, 10, QLatin1Char('0'))
                           .arg(s % 60, 2, 10, QLatin1Char('0'))
                     : QStringLiteral("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
}

} // namespace

TrainingProgressView::TrainingProgressView(TrainingController *controller, QWidget *parent)
    : QWidget(parent), m_controller(controller), m_progress(new QProgressBar(this)), m_buttons(new QHBoxLayout),
      m_status(new QLabel(this)), m_plots(new TrainingPlots(this)), m_log(new QPlainTextEdit(this))
{
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(2000);

    auto *row = new QHBoxLayout;
    row->addWidget(m_progress, 1);
    row->addLayout(m_buttons);
    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_plots);
    splitter->addWidget(m_log);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(row);
    layout->addWidget(m_status);
    layout->addWidget(splitter, 1);

    connect(controller, &TrainingController::prepared, this, &TrainingProgressView::prepared);
    connect(controller, &TrainingController::batchFinished, this, &TrainingProgressView::batchFinished);
    connect(controller, &TrainingController::epochFinished, this, &TrainingProgressView::epochFinished);
    connect(controller, &TrainingController::noted, this, &TrainingProgressView::log);
    connect(controller, &TrainingController::progressFlushed, m_plots, &TrainingPlots::redraw);
    connect(controller, &TrainingController::paused, this, &TrainingProgressView::paused);
    connect(controller, &TrainingController::succeeded, this, &TrainingProgressView::succeeded);
    connect(controller, &TrainingController::failed, this, &TrainingProgressView::failed);
}

void TrainingProgressView::reset(bool compareScratch)
{
    m_plots->clear();
    m_plots->setScratchVisible(compareScratch);
    m_log->clear();
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_status->setText(tr("Preparing the new head…"));
}

void TrainingProgressView::setStatus(const QString &text)
{
    m_status->setText(text);
}

void TrainingProgressView::addButton(QWidget *button)
{
    m_buttons->addWidget(button);
}

QString TrainingProgressView::statusText() const
{
    return m_status->text();
}

QString TrainingProgressView::logText() const
{
    return m_log->toPlainText();
}

void TrainingProgressView::log(int run, const QString &line)
{
    m_log->appendPlainText(run == 1 ? tr("[scratch] %1").arg(line) : line);
}

void TrainingProgressView::prepared(const PreparedRun &run)
{
    m_classNames = run.classNames;
    m_epochs = run.epochs;
    m_runs = run.compareScratch ? 2 : 1;
    m_batchesPerEpoch = std::max(1, (run.trainSamples + run.batchSize - 1) / std::max(1, run.batchSize));
    for (int r = 0; r < 2; ++r) {
        m_firstEpoch[r] = run.initialEpoch;
        m_firstEpochKnown[r] = false;
    }
    m_progress->setRange(0, int(std::min<qint64>(runBatches(0) * m_runs, INT_MAX)));
    m_progress->setValue(0);
    log(0, tr("Training %1 classes on %2 samples, %3 batches per epoch.")
               .arg(run.classNames.size())
               .arg(run.trainSamples)
               .arg(m_batchesPerEpoch));
}

qint64 TrainingProgressView::runBatches(int run) const
{
    return qint64(std::max(1, m_epochs - m_firstEpoch[run])) * m_batchesPerEpoch;
}

void TrainingProgressView::batchFinished(int run, const BatchProgress &p)
{
    m_plots->addBatch(run, p);
    run = std::clamp(run, 0, 1);
    if (p.batches > 0)
        m_batchesPerEpoch = p.batches;
    if (p.epochs > 0)
        m_epochs = p.epochs;
    if (!m_firstEpochKnown[run]) { // a resumed run starts after its checkpoint's epoch, not at initial_epoch
        m_firstEpoch[run] = p.epoch;
        m_firstEpochKnown[run] = true;
    }
    const qint64 total = runBatches(0) + (m_runs > 1 ? runBatches(1) : 0);
    const qint64 done =
        (run == 1 ? runBatches(0) : 0) + qint64(p.epoch - m_firstEpoch[run]) * m_batchesPerEpoch + p.batch;
    m_progress->setRange(0, int(std::min<qint64>(total, INT_MAX)));
    m_progress->setValue(int(std::clamp<qint64>(done, 0, std::min<qint64>(total, INT_MAX))));
    const TrainingController::State state = m_controller->state();
    if (state == TrainingController::State::Paused || state == TrainingController::State::Stopping)
        return; // the status says what the run is waiting for
    const QString left = done > 0 ? duration(m_controller->elapsed() * (total - done) / done) : tr("?");
    m_status->setText(tr("%1epoch %2/%3 · batch %4/%5 · loss %6 · %7 left")
                          .arg(run == 1 ? tr("scratch: ") : QString())
                          .arg(p.epoch + 1)
                          .arg(m_epochs)
                          .arg(p.batch)
                          .arg(p.batches)
                          .arg(p.loss, 0, 'f', 4)
                          .arg(left));
}

void TrainingProgressView::epochFinished(int run, const EpochRecord &record)
{
    m_plots->addEpoch(run, record);
    log(run, TrainingReport::epochLine(record, m_epochs));
}

void TrainingProgressView::paused(int run, const BatchProgress &after)
{
    if (m_controller->state() != TrainingController::State::Paused)
        return; // resumed or stopped before this arrived
    const QString prefix = run == 1 ? tr("scratch: ") : QString();
    m_status->setText(after.batch > 0
                          ? tr("%1Paused after batch %2 of epoch %3").arg(prefix).arg(after.batch).arg(after.epoch + 1)
                          : tr("%1Paused before the first batch").arg(prefix));
}

void TrainingProgressView::succeeded(const FineTuneOutcome &outcome)
{
    m_plots->redraw();
    m_progress->setValue(m_progress->maximum());
    const TrainingResult &r = outcome.fineTuned;
    m_status->setText(tr("%1 after %2 epoch(s), %3 s")
                          .arg(stopReasonText(r.stopReason))
                          .arg(r.history.size())
                          .arg(r.seconds, 0, 'f', 1));
    log(0, TrainingReport::summary(r, m_classNames).trimmed());
    if (outcome.scratch)
        log(0, TrainingReport::comparison(outcome).trimmed());
}

void TrainingProgressView::failed(const QString &message)
{
    m_plots->redraw();
    m_status->setText(tr("Training failed: %1").arg(message));
    log(0, m_status->text());
}

} // namespace graft::ui
