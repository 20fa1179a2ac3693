#include "ui/document/workbench.h"

#include "core/formats/kerasfileloader.h"
#include "core/training/demo.h"
#include "core/training/headremapper.h"
#include "core/training/trainingdata.h"
#include "ui/document/datasetsource.h"
#include "ui/document/trainingcontroller.h"
#include "ui/models/headplanmodel.h"

#include <QScopedValueRollback>

namespace graft::ui {

namespace {

/** `--head auto`: copy every new class whose name an old class has, imprint the others. */
HeadPlan proposedPlan(const FineTuneInputs &inputs)
{
    HeadPlan plan;
    if (!inputs.hasModel())
        return plan;
    const auto head = HeadRemapper::locate(inputs.model->model);
    if (!head)
        return plan;
    if (inputs.data) {
        const QStringList oldNames =
            inputs.model->classNames.size() == head->units ? inputs.model->classNames : QStringList();
        plan = HeadPlan::automatic(inputs.data->classNames, oldNames, head->units);
    } else {
        plan.oldUnits = head->units; // no rows until there are new classes
    }
    plan.outputLayer = head->layer;
    return plan;
}

} // namespace

Workbench::Workbench(QObject *parent)
    : QObject(parent), m_dataset(new DatasetSource(this)), m_plan(new HeadPlanModel(this)),
      m_training(new TrainingController(this))
{
    connect(m_dataset, &DatasetSource::samplesChanged, this, &Workbench::samplesChanged);
    for (auto failure : {&DatasetSource::samplesFailed, &DatasetSource::samplesRefused, &DatasetSource::scanFailed})
        connect(m_dataset, failure, this, &Workbench::endDemo);
    connect(m_training, &TrainingController::prepared, this, &Workbench::runPrepared);
    connect(m_training, &TrainingController::succeeded, this,
            [this](const FineTuneOutcome &outcome) { setTrainingResult(outcome, m_runClassNames); });
}

Workbench::~Workbench() = default;

void Workbench::openModel(const QString &path, const QString &architectureJson)
{
    if (isLoadingModel())
        return;
    LoadOptions options;
    options.architectureJsonPath = architectureJson;
    // Reading and matching a large file takes seconds: off the GUI thread.
    m_modelLoad.start([path, options](const CancelToken &) { return KerasFileLoader::load(path, options); },
                      [this, path](Expected<LoadedModel> result) { modelRead(path, std::move(result)); });
    Q_EMIT modelLoading(path);
}

void Workbench::modelRead(const QString &path, Expected<LoadedModel> result)
{
    if (!result) {
        m_pendingDataset.clear();
        endDemo();
        Q_EMIT modelLoadFailed(path, result.errorString());
        return;
    }
    setModel(std::make_shared<LoadedModel>(std::move(result).value()));
    Q_EMIT modelLoaded(path);
    if (!m_pendingDataset.isEmpty())
        m_dataset->open(std::exchange(m_pendingDataset, QString())); // its samples follow the scan
}

void Workbench::setModel(std::shared_ptr<LoadedModel> model)
{
    if (model == m_model)
        return;
    m_model = std::move(model);
    // Views first (the Dataset page proposes feature settings for the model's input), then the
    // samples, which are made again for this model from those settings.
    Q_EMIT modelChanged();
    {
        const QScopedValueRollback<bool> once(m_updatingInputs, true);
        m_dataset->setModel(m_model);
    }
    proposePlan();
    Q_EMIT inputsChanged();
}

void Workbench::openDemo()
{
    if (isLoadingModel())
        return;
    const auto demo = demoFiles();
    if (!demo) {
        Q_EMIT modelLoadFailed(QString(), demo.errorString());
        return;
    }
    m_pendingDataset = demo->dataset;
    // Connected now, after those who show that samples were loaded: the demo's readiness is said last.
    endDemo();
    m_demoSamples = connect(m_dataset, &DatasetSource::samplesLoaded, this, [this] {
        endDemo();
        Q_EMIT demoReady();
    });
    openModel(demo->weights, demo->architecture);
}

void Workbench::endDemo()
{
    disconnect(m_demoSamples);
}

FineTuneInputs Workbench::inputs() const
{
    return FineTuneInputs{m_model, m_dataset->samples()};
}

void Workbench::samplesChanged()
{
    if (m_updatingInputs)
        return;
    proposePlan();
    Q_EMIT inputsChanged();
}

void Workbench::proposePlan()
{
    m_plan->resetPlan(proposedPlan(inputs()));
}

void Workbench::setTrainingSettings(const TrainingParams &settings, bool compareScratch)
{
    m_settings = settings;
    m_compareScratch = compareScratch;
    Q_EMIT trainingSettingsChanged();
}

bool Workbench::canStartTraining() const
{
    return inputs().ready() && !m_plan->plan().rows.isEmpty() && !m_training->isRunning();
}

bool Workbench::startTraining()
{
    if (!canStartTraining())
        return false;
    return m_training->start(inputs(), m_plan->plan(), m_settings, m_compareScratch);
}

void Workbench::runPrepared(const PreparedRun &run)
{
    m_runClassNames = run.classNames;
}

void Workbench::setTrainingResult(const FineTuneOutcome &outcome, const QStringList &classNames)
{
    if (!m_model)
        return;
    // What Export writes: the source model with the trained weights and the new class names.
    auto trained = std::make_shared<LoadedModel>(*m_model);
    trained->model = outcome.fineTuned.model;
    trained->classNames = classNames;
    m_trainedModel = std::move(trained);
    m_outcome = outcome;
    m_trainedNames = classNames;
    Q_EMIT trainingResultChanged();
}

void Workbench::clearTrainingResult()
{
    m_trainedModel.reset();
    m_outcome.reset();
    m_trainedNames.clear();
    Q_EMIT trainingResultChanged();
}

void Workbench::adopt(const Workbench &draft)
{
    if (!draft.model() || !draft.dataset()->samples())
        return;
    m_modelLoad.cancel();
    m_pendingDataset.clear();
    endDemo();
    {
        const QScopedValueRollback<bool> once(m_updatingInputs, true);
        m_dataset->setSamples(nullptr); // else the new model would make the old dataset's samples again
        m_model = std::make_shared<LoadedModel>(*draft.model()); // the Model page edits this one's flags
        Q_EMIT modelChanged();
        m_dataset->setModel(m_model);
        m_dataset->setSamples(draft.dataset()->samples(), draft.dataset()->samplesPath());
    }
    m_plan->resetPlan(draft.plan()->plan());
    Q_EMIT inputsChanged();
    setTrainingSettings(draft.trainingSettings(), draft.compareScratch());
    if (draft.outcome() && draft.trainedModel()) {
        m_trainedModel = draft.trainedModel();
        m_outcome = draft.outcome();
        m_trainedNames = draft.trainedClassNames();
        Q_EMIT trainingResultChanged();
    }
}

} // namespace graft::ui
