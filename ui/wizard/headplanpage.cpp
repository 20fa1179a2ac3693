#include "ui/wizard/headplanpage.h"

#include "core/training/headremapper.h"
#include "core/training/trainingdata.h"
#include "ui/document/workbench.h"
#include "ui/models/headplanmodel.h"
#include "ui/pages/headpage.h"
#include "ui/wizard/finetunewizard.h"

#include <QKeySequence>
#include <QLabel>
#include <QShortcut>
#include <QUndoStack>
#include <QVBoxLayout>

namespace graft::ui::wizard {

HeadPlanPage::HeadPlanPage(FineTuneWizard *wizard)
    : m_wizard(wizard), m_head(new HeadPage(wizard->draft(), this)), m_message(new QLabel(this))
{
    setTitle(tr("Head Plan"));
    setSubTitle(tr("One output neuron per new class. Matching names copy the old neuron, the others are imprinted "
                   "from their examples; change any row's strategy or source (Ctrl+Z undoes)."));
    m_message->setWordWrap(true);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_head, 1);
    layout->addWidget(m_message);
    QUndoStack *undo = m_head->planModel()->undoStack();
    connect(new QShortcut(QKeySequence::Undo, this), &QShortcut::activated, undo, &QUndoStack::undo);
    connect(new QShortcut(QKeySequence::Redo, this), &QShortcut::activated, undo, &QUndoStack::redo);
    connect(m_head->planModel(), &HeadPlanModel::planChanged, this, [this] {
        m_message->clear();
        Q_EMIT completeChanged();
    });
}

HeadPlanModel *HeadPlanPage::planModel() const
{
    return m_head->planModel();
}

QString HeadPlanPage::message() const
{
    return m_message->text();
}

bool HeadPlanPage::isComplete() const
{
    return !m_head->planModel()->plan().rows.isEmpty();
}

bool HeadPlanPage::validatePage()
{
    const HeadPlan &plan = m_head->planModel()->plan();
    const FineTuneInputs inputs = m_wizard->draft()->inputs();
    if (!inputs.ready())
        return false;
    QString problem;
    if (auto ordered = plan.orderedFor(inputs.data->classNames); !ordered)
        problem = ordered.errorString();
    else if (auto valid = ordered->validate(); !valid)
        problem = valid.errorString();
    else if (auto summary = HeadRemapper::summarize(inputs.model->model, plan); !summary)
        problem = summary.errorString();
    if (!problem.isEmpty()) {
        m_message->setText(tr("This plan cannot be used: %1").arg(problem));
        return false;
    }
    return true;
}

} // namespace graft::ui::wizard
