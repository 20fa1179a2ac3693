#pragma once

#include <QWizardPage>

class QLabel;

namespace graft::ui {
class FineTuneWizard;
class HeadPage;
class HeadPlanModel;
}

namespace graft::ui::wizard {

/**
 * Step 4: the head plan, with the workbench's Head page inside (mapping table with undo,
 * auto-match, strategies, head mode, zero-shot accuracy, before/after summary) showing the
 * draft's plan. The draft proposes `--head auto` for each new model or dataset (classes whose
 * name matches an old class copy it, the others are imprinted); edits stay while they don't change.
 */
class HeadPlanPage final : public QWizardPage
{
    Q_OBJECT
public:
    explicit HeadPlanPage(FineTuneWizard *wizard);

    HeadPage *headPage() const { return m_head; }
    HeadPlanModel *planModel() const;
    QString message() const;

    bool isComplete() const override;
    bool validatePage() override;

private:
    FineTuneWizard *m_wizard;
    HeadPage *m_head;
    QLabel *m_message;
};

} // namespace graft::ui::wizard
