#pragma once

#include "core/common/expected.h"
#include "core/training/headplan.h"
#include "core/training/trainingtypes.h"
#include "ui/document/finetunesetup.h"

#include <QWizard>

#include <functional>
#include <memory>
#include <optional>

namespace graft {
struct LoadOptions;
struct LoadedModel;
struct TrainingData;
} // namespace graft

namespace graft::ui {

namespace wizard {
class ArchitecturePage;
class DataPage;
class ExportPage;
class HeadPlanPage;
class SettingsPage;
class SummaryPage;
class TrainPage;
class WeightsPage;
} // namespace wizard

/**
 * File → New Fine-tune…: the workbench's steps as a QWizard (weights → architecture and
 * old class names → dataset → head plan → training settings → summary → train → export).
 * It holds what the pages chose and drives the same core and document objects as the
 * main window (KerasFileLoader, TrainingDataLoader, HeadPage, TrainingController, ModelExporter).
 */
class FineTuneWizard final : public QWizard
{
    Q_OBJECT
public:
    enum PageId {
        WeightsPageId,
        ArchitecturePageId,
        DatasetPageId,
        HeadPageId,
        SettingsPageId,
        SummaryPageId,
        TrainPageId,
        ExportPageId
    };

    explicit FineTuneWizard(QWidget *parent = nullptr);
    ~FineTuneWizard() override;

    int nextId() const override;

    /** The model as the pages have completed it (architecture, old class names). */
    std::shared_ptr<const LoadedModel> model() const { return m_model; }
    void setModel(std::shared_ptr<const LoadedModel> model);
    std::shared_ptr<const TrainingData> data() const { return m_data; }
    QString dataPath() const { return m_dataPath; }
    void setData(std::shared_ptr<const TrainingData> data, const QString &path);
    FineTuneInputs inputs() const;
    HeadPlan plan() const;
    /** The settings page's form as TrainingParams (no model or samples). */
    TrainingParams settings() const;
    bool compareScratch() const;

    /** After training: the fine-tuned model (with the new class names), its outcome and class names. */
    void setTrainingResult(const FineTuneOutcome &outcome, const QStringList &classNames);
    void clearTrainingResult();
    std::shared_ptr<const LoadedModel> trainedModel() const { return m_trained; }
    const std::optional<FineTuneOutcome> &outcome() const { return m_outcome; }
    QStringList trainedClassNames() const { return m_trainedNames; }
    /** The files the export page wrote (model first). */
    QStringList writtenFiles() const;

    wizard::WeightsPage *weightsPage() const { return m_weights; }
    wizard::ArchitecturePage *architecturePage() const { return m_architecture; }
    wizard::DataPage *dataPage() const { return m_dataPage; }
    wizard::HeadPlanPage *headPlanPage() const { return m_head; }
    wizard::SettingsPage *settingsPage() const { return m_settings; }
    wizard::SummaryPage *summaryPage() const { return m_summary; }
    wizard::TrainPage *trainPage() const { return m_train; }
    wizard::ExportPage *exportPage() const { return m_export; }

    /**
     * Reads a Keras file on a pool thread (large files take seconds) and hands the result to
     * `done` on the GUI thread, unless `context` is gone by then.
     */
    static void loadModel(QObject *context, const QString &path, const LoadOptions &options,
                          std::function<void(Expected<LoadedModel>)> done);

Q_SIGNALS:
    void modelChanged();
    void dataChanged();

private:
    std::shared_ptr<const LoadedModel> m_model;
    std::shared_ptr<const TrainingData> m_data;
    QString m_dataPath;
    std::shared_ptr<const LoadedModel> m_trained;
    std::optional<FineTuneOutcome> m_outcome;
    QStringList m_trainedNames;

    wizard::WeightsPage *m_weights;
    wizard::ArchitecturePage *m_architecture;
    wizard::DataPage *m_dataPage;
    wizard::HeadPlanPage *m_head;
    wizard::SettingsPage *m_settings;
    wizard::SummaryPage *m_summary;
    wizard::TrainPage *m_train;
    wizard::ExportPage *m_export;
};

} // namespace graft::ui
