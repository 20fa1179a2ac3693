#include "ui/wizard/trainpage.h"

#include "core/training/trainingreport.h"
#include "ui/document/trainingcontroller.h"
#include "ui/plots/trainingplots.h"
#include "ui/wizard/finetunewizard.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QVBoxLayout>

#include <climits>

namespace graft::ui::wizard {

TrainPage::TrainPage(FineTuneWizard *wizard)
    : m_wizard(wizard), m_controller(new TrainingController(this)), m_plots(new TrainingPlots(this)),
      m_progress(new QProgressBar(this)), m_status(new QLabel(this)), m_log(new QPlainTextEdit(this)),
      m_stop(new QPushButton(tr("S&top"), this)), m_again(new QPushButton(tr("Train &Again"), this))
{
    setTitle(tr("Training"));
    setSubTitle(tr("Fine-tuning on a worker thread. Stop keeps the weights of the batches so far."));
    m_stop->setToolTip(tr("Stop after the current batch; the model trained so far can still be exported."));
    m_again->setToolTip(tr("Start the run again from the remapped model with the same settings."));
    m_status->setWordWrap(true);
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(1000);
    m_progress->setRange(0, 1);
    m_progress->setValue(0);

    auto *row = new QHBoxLayout;
    row->addWidget(m_progress, 1);
    row->addWidget(m_stop);
    row->addWidget(m_again);
    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_plots);
    splitter->addWidget(m_log);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 1);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(row);
    layout->addWidget(m_status);
    layout->addWidget(splitter, 1);

    connect(m_stop, &QPushButton::clicked, this, &TrainPage::stop);
    connect(m_again, &QPushButton::clicked, this, &TrainPage::start);
    connect(m_controller, &TrainingController::prepared, this, &TrainPage::prepared);
    connect(m_controller, &TrainingController::batchFinished, this, &TrainPage::batchFinished);
    connect(m_controller, &TrainingController::epochFinished, this, &TrainPage::epochFinished);
    connect(m_controller, &TrainingController::noted, this, [this](int run, const QString &message) {
        m_log->appendPlainText(run == 1 ? tr("[scratch] %1").arg(message) : message);
    });
    connect(m_controller, &TrainingController::stateChanged, this, &TrainPage::updateButtons);
    connect(m_controller, &TrainingController::succeeded, this, [this](const FineTuneOutcome &outcome) {
        m_plots->flush();
        m_progress->setValue(m_progress->maximum());
        const TrainingResult &r = outcome.fineTuned;
        m_status->setText(tr("%1 after %2 epoch(s), %3 s. Next: export the model.")
                              .arg(stopReasonText(r.stopReason))
                              .arg(r.history.size())
                              .arg(r.seconds, 0, 'f', 1));
        m_log->appendPlainText(TrainingReport::summary(r, m_classNames).trimmed());
        if (outcome.scratch)
            m_log->appendPlainText(TrainingReport::comparison(outcome).trimmed());
        m_wizard->setTrainingResult(outcome, m_classNames);
        m_finished = true;
        updateButtons();
        Q_EMIT completeChanged();
        Q_EMIT trainingFinished(true);
    });
    connect(m_controller, &TrainingController::failed, this, [this](const QString &message) {
        m_plots->flush();
        m_status->setText(tr("Training failed: %1").arg(message));
        m_log->appendPlainText(m_status->text());
        updateButtons();
        Q_EMIT completeChanged();
        Q_EMIT trainingFinished(false);
    });
    updateButtons();
}

TrainPage::~TrainPage() = default;

QString TrainPage::statusText() const
{
    return m_status->text();
}

QString TrainPage::logText() const
{
    return m_log->toPlainText();
}

void TrainPage::initializePage()
{
    start();
}

void TrainPage::cleanupPage()
{
    // Back: the run belongs to the settings just left; stop it rather than keep a stale result.
    stop();
    m_controller->waitForFinished();
    m_wizard->clearTrainingResult();
    m_finished = false;
    updateButtons();
}

void TrainPage::start()
{
    if (m_controller->isRunning())
        return;
    m_finished = false;
    m_wizard->clearTrainingResult();
    m_plots->clear();
    m_plots->setScratchVisible(m_wizard->compareScratch());
    m_log->clear();
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_status->setText(tr("Preparing the new head…"));
    Q_EMIT completeChanged();
    if (!m_controller->start(m_wizard->inputs(), m_wizard->plan(), m_wizard->settings(), m_wizard->compareScratch()))
        m_status->setText(tr("A run is still stopping; try again in a moment."));
    updateButtons();
}

void TrainPage::stop()
{
    if (!m_controller->isRunning())
        return;
    m_status->setText(tr("Stopping after the current batch…"));
    m_controller->stop();
}

void TrainPage::updateButtons()
{
    const bool running = m_controller->isRunning();
    m_stop->setEnabled(running && m_controller->state() != TrainingController::State::Stopping);
    m_again->setEnabled(!running);
}

bool TrainPage::isComplete() const
{
    return m_finished && !m_controller->isRunning() && m_wizard->trainedModel();
}

void TrainPage::prepared(const QStringList &classNames, int epochs, int trainSamples, int batchSize,
                         bool compareScratch)
{
    m_classNames = classNames;
    m_epochs = epochs;
    m_runs = compareScratch ? 2 : 1;
    m_batchesPerEpoch = std::max(1, (trainSamples + batchSize - 1) / batchSize);
    m_progress->setRange(0, std::max(1, m_runs * epochs * m_batchesPerEpoch));
    m_progress->setValue(0);
    m_log->appendPlainText(tr("Training %1 classes on %2 samples, %3 batches per epoch.")
                               .arg(classNames.size())
                               .arg(trainSamples)
                               .arg(m_batchesPerEpoch));
}

void TrainPage::batchFinished(int run, const BatchProgress &p)
{
    m_plots->addBatch(run, p);
    if (p.batches > 0)
        m_batchesPerEpoch = p.batches;
    const int epochs = std::max(1, p.epochs > 0 ? p.epochs : m_epochs);
    const qint64 total = qint64(m_runs) * epochs * m_batchesPerEpoch;
    const qint64 done = (qint64(run) * epochs + p.epoch) * m_batchesPerEpoch + p.batch;
    m_progress->setRange(0, int(std::min<qint64>(total, INT_MAX)));
    m_progress->setValue(int(std::min(done, total)));
    if (m_controller->state() != TrainingController::State::Stopping)
        m_status->setText(tr("%1epoch %2/%3 · batch %4/%5 · loss %6")
                              .arg(run == 1 ? tr("scratch: ") : QString())
                              .arg(p.epoch + 1)
                              .arg(epochs)
                              .arg(p.batch)
                              .arg(p.batches)
                              .arg(p.loss, 0, 'f', 4));
}

void TrainPage::epochFinished(int run, const EpochRecord &record)
{
    m_plots->addEpoch(run, record);
    const QString line = TrainingReport::epochLine(record, m_epochs);
    m_log->appendPlainText(run == 1 ? tr("[scratch] %1").arg(line) : line);
}

} // namespace graft::ui::wizard
