#pragma once

#include "core/training/headplan.h"

#include <QUndoCommand>

namespace graft::ui {

class HeadPlanModel;

/** One undoable change of the head plan: the plan before and after, applied through the model. */
class HeadPlanEditCommand final : public QUndoCommand
{
public:
    HeadPlanEditCommand(HeadPlanModel *model, HeadPlan before, HeadPlan after, const QString &text);

    void undo() override;
    void redo() override;

private:
    HeadPlanModel *m_model;
    HeadPlan m_before;
    HeadPlan m_after;
};

} // namespace graft::ui
