#include "ui/models/headplancommands.h"

#include "ui/models/headplanmodel.h"

namespace graft::ui {

HeadPlanEditCommand::HeadPlanEditCommand(HeadPlanModel *model, HeadPlan before, HeadPlan after, const QString &text)
    : QUndoCommand(text), m_model(model), m_before(std::move(before)), m_after(std::move(after))
{ }

void HeadPlanEditCommand::undo()
{
    m_model->applyPlan(m_before);
}

void HeadPlanEditCommand::redo()
{
    m_model->applyPlan(m_after);
}

} // namespace graft::ui
