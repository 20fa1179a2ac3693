#pragma once

#include "core/common/expected.h"
#include "core/training/trainingtypes.h"
#include "ui/async/latestrequest.h"
#include "ui/document/finetunesetup.h"

#include <QObject>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>

namespace graft {
struct LoadedModel;
struct TrainingData;
} // namespace graft

namespace graft::ui {

class DatasetSource;
class HeadPlanModel;
class TrainingController;
struct PreparedRun;

/**
 * The document of a session: the open model, the dataset (what the Dataset page shows and the
 * samples made from it), the head plan with its undo stack, the training settings, the training
 * run and its result. The pages, the wizard and the project file read and edit this one object;
 * it holds no widgets. A new model or new samples propose a new head plan. Files are read on
 * worker threads (LatestRequest); training runs in the TrainingController.
 */
class Workbench final : public QObject
{
    Q_OBJECT
public:
    explicit Workbench(QObject *parent = nullptr);
    ~Workbench() override;

    /** Reads a Keras file on a worker thread: modelLoading, then modelLoaded or modelLoadFailed. */
    void openModel(const QString &path, const QString &architectureJson = QString());
    bool isLoadingModel() const { return m_modelLoad.isRunning(); }
    /** A model already loaded (the wizard, tests). The Model page edits its layers' trainable flags. */
    void setModel(std::shared_ptr<LoadedModel> model);
    std::shared_ptr<LoadedModel> model() const { return m_model; }
    /** The bundled demo: its model, then its new-speakers dataset; demoReady when the samples are made. */
    void openDemo();

    DatasetSource *dataset() const { return m_dataset; }
    /** The model and the samples made for it: what the head plan and training start from. */
    FineTuneInputs inputs() const;

    HeadPlanModel *plan() const { return m_plan; }

    /** The Training page's settings (no model or samples: the setup adds them at start). */
    const TrainingParams &trainingSettings() const { return m_settings; }
    bool compareScratch() const { return m_compareScratch; }
    void setTrainingSettings(const TrainingParams &settings, bool compareScratch);

    TrainingController *training() const { return m_training; }
    bool canStartTraining() const;
    /** Starts a run with the inputs, plan and settings; the result is kept when it succeeds. */
    bool startTraining();

    /** The last run's model: the source model with the trained weights and the new class names. */
    std::shared_ptr<const LoadedModel> trainedModel() const { return m_trainedModel; }
    const std::optional<FineTuneOutcome> &outcome() const { return m_outcome; }
    QStringList trainedClassNames() const { return m_trainedNames; }
    void setTrainingResult(const FineTuneOutcome &outcome, const QStringList &classNames);
    void clearTrainingResult();

    /** Takes over a draft's model, samples, plan, settings and result (the wizard on Finish). */
    void adopt(const Workbench &draft);

Q_SIGNALS:
    void modelLoading(const QString &path);
    void modelLoaded(const QString &path);
    void modelLoadFailed(const QString &path, const QString &message);
    void modelChanged();
    /** The model or the samples changed; the plan was proposed for them already. */
    void inputsChanged();
    void trainingSettingsChanged();
    void trainingResultChanged();
    /** The demo's model and samples are ready and its plan proposed. */
    void demoReady();

private:
    void modelRead(const QString &path, Expected<LoadedModel> result);
    void samplesChanged();
    void proposePlan();
    void runPrepared(const PreparedRun &run);
    void endDemo();

    std::shared_ptr<LoadedModel> m_model;
    DatasetSource *m_dataset;
    HeadPlanModel *m_plan;
    TrainingParams m_settings;
    bool m_compareScratch = false;
    TrainingController *m_training;
    QStringList m_runClassNames; ///< of the run in progress
    std::shared_ptr<const LoadedModel> m_trainedModel;
    std::optional<FineTuneOutcome> m_outcome;
    QStringList m_trainedNames;
    QString m_pendingDataset;              ///< the demo's dataset, opened once its model has loaded
    QMetaObject::Connection m_demoSamples; ///< the demo is ready when its samples are
    bool m_updatingInputs = false;         ///< model and samples change together: one proposal, one inputsChanged
    LatestRequest<Expected<LoadedModel>> m_modelLoad{this};
};

} // namespace graft::ui
