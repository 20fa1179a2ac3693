#pragma once

#include <QStringList>
#include <QWizard>

namespace graft::ui {

class Workbench;

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
 * The pages fill a draft Workbench of the wizard's own (the same document, plan proposal,
 * head page, training controller and export panel as the main window); on Finish the
 * target workbench adopts it, and a cancelled wizard leaves the target as it was.
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

    /** `target` (may be null) takes the draft's model, samples, plan, settings and result on Finish. */
    explicit FineTuneWizard(Workbench *target, QWidget *parent = nullptr);
    ~FineTuneWizard() override;

    int nextId() const override;
    void accept() override;

    /** What the pages have chosen so far. */
    Workbench *draft() const { return m_draft; }
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

private:
    Workbench *m_target;
    Workbench *m_draft;
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
