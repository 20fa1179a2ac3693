#include "ui/wizard/trainpage.h"

#include "ui/document/trainingcontroller.h"
#include "ui/document/workbench.h"
#include "ui/widgets/trainingprogressview.h"
#include "ui/wizard/finetunewizard.h"

#include <QPushButton>
#include <QVBoxLayout>

namespace graft::ui::wizard {

TrainPage::TrainPage(FineTuneWizard *wizard)
    : m_wizard(wizard), m_controller(wizard->draft()->training()), m_view(new TrainingProgressView(m_controller, this)),
      m_stop(new QPushButton(tr("S&top"), this)), m_again(new QPushButton(tr("Train &Again"), this))
{
    setTitle(tr("Training"));
    setSubTitle(tr("Fine-tuning on a worker thread. Stop keeps the weights of the batches so far."));
    m_stop->setToolTip(tr("Stop after the current batch; the model trained so far can still be exported."));
    m_again->setToolTip(tr("Start the run again from the remapped model with the same settings."));
    m_view->addButton(m_stop);
    m_view->addButton(m_again);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_view);

    connect(m_stop, &QPushButton::clicked, this, &TrainPage::stop);
    connect(m_again, &QPushButton::clicked, this, &TrainPage::start);
    connect(m_controller, &TrainingController::stateChanged, this, &TrainPage::updateButtons);
    // The draft keeps the run's result (its handler runs before this one).
    connect(m_controller, &TrainingController::succeeded, this, [this] {
        m_view->setStatus(tr("%1 Next: export the model.").arg(m_view->statusText()));
        m_finished = true;
        updateButtons();
        Q_EMIT completeChanged();
        Q_EMIT trainingFinished(true);
    });
    connect(m_controller, &TrainingController::failed, this, [this] {
        updateButtons();
        Q_EMIT completeChanged();
        Q_EMIT trainingFinished(false);
    });
    updateButtons();
}

TrainPage::~TrainPage() = default;

TrainingPlots *TrainPage::plots() const
{
    return m_view->plots();
}

QProgressBar *TrainPage::progressBar() const
{
    return m_view->progressBar();
}

QString TrainPage::statusText() const
{
    return m_view->statusText();
}

QString TrainPage::logText() const
{
    return m_view->logText();
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
    m_wizard->draft()->clearTrainingResult();
    m_finished = false;
    updateButtons();
}

void TrainPage::start()
{
    if (m_controller->isRunning())
        return;
    m_finished = false;
    Workbench *draft = m_wizard->draft();
    draft->clearTrainingResult();
    m_view->reset(draft->compareScratch());
    Q_EMIT completeChanged();
    if (!draft->startTraining())
        m_view->setStatus(m_controller->isRunning() ? tr("A run is still stopping; try again in a moment.")
                                                    : tr("Nothing to train: go back and complete the steps."));
    updateButtons();
}

void TrainPage::stop()
{
    if (!m_controller->isRunning())
        return;
    m_view->setStatus(tr("Stopping after the current batch…"));
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
    return m_finished && !m_controller->isRunning() && m_wizard->draft()->trainedModel();
}

} // namespace graft::ui::wizard
