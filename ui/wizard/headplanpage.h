#pragma once

#include <QWizardPage>

#include <memory>

class QLabel;

namespace graft {
struct LoadedModel;
struct TrainingData;
} // namespace graft

namespace graft::ui {
class FineTuneWizard;
class HeadPage;
class HeadPlanModel;
}

namespace graft::ui::wizard {

/**
 * Step 4: the head plan, with the workbench's Head page inside (mapping table with undo,
 * auto-match, strategies, head mode, zero-shot accuracy, before/after summary). It starts
 * from `--head auto`: classes whose name matches an old class copy it, the others are imprinted.
 */
class HeadPlanPage final : public QWizardPage
{
    Q_OBJECT
public:
    explicit HeadPlanPage(FineTuneWizard *wizard);

    HeadPage *headPage() const { return m_head; }
    HeadPlanModel *planModel() const;
    QString message() const;

    void initializePage() override;
    bool isComplete() const override;
    bool validatePage() override;

private:
    FineTuneWizard *m_wizard;
    HeadPage *m_head;
    QLabel *m_message;
    std::shared_ptr<const LoadedModel> m_model; ///< the inputs the plan was proposed for
    std::shared_ptr<const TrainingData> m_data;
};

} // namespace graft::ui::wizard
