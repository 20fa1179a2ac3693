#include "ui/models/headplanmodel.h"

#include "ui/models/headplancommands.h"

#include <QUndoStack>

#include <cmath>

namespace graft::ui {

HeadPlanModel::HeadPlanModel(QObject *parent) : QAbstractTableModel(parent), m_undo(new QUndoStack(this))
{ }

void HeadPlanModel::resetPlan(const HeadPlan &plan)
{
    beginResetModel();
    m_plan = plan;
    m_norms.clear();
    endResetModel();
    m_undo->clear();
    Q_EMIT planChanged();
}

void HeadPlanModel::editPlan(const HeadPlan &plan, const QString &text)
{
    if (plan == m_plan)
        return;
    m_undo->push(new HeadPlanEditCommand(this, m_plan, plan, text));
}

void HeadPlanModel::applyPlan(const HeadPlan &plan)
{
    if (plan.rows.size() != m_plan.rows.size()) {
        // Commands never change the row count; a different count means a reset plan.
        beginResetModel();
        m_plan = plan;
        m_norms.clear();
        endResetModel();
        Q_EMIT planChanged();
        return;
    }
    const HeadPlan before = m_plan;
    m_plan = plan;
    // The norms describe the previous plan; they are stale for every row once anything changes.
    const bool hadNorms = !m_norms.isEmpty();
    m_norms.clear();
    for (int r = 0; r < m_plan.rows.size(); ++r) {
        if (before.rows[r] != m_plan.rows[r])
            Q_EMIT dataChanged(index(r, ClassColumn), index(r, NormColumn));
    }
    if (hadNorms && !m_plan.rows.isEmpty())
        Q_EMIT dataChanged(index(0, NormColumn), index(m_plan.rows.size() - 1, NormColumn));
    Q_EMIT planChanged();
}

int HeadPlanModel::matchOldClass(const QString &className, int row) const
{
    const int exact = m_plan.oldClassNames.indexOf(className);
    if (exact >= 0)
        return exact;
    for (int i = 0; i < m_plan.oldClassNames.size(); ++i)
        if (m_plan.oldClassNames[i].simplified().compare(className.simplified(), Qt::CaseInsensitive) == 0)
            return i;
    return row < m_plan.oldUnits ? row : -1;
}

void HeadPlanModel::autoMatch(HeadStrategy unmatched)
{
    HeadPlan plan = HeadPlan::automatic(m_plan.classNames(), m_plan.oldClassNames, m_plan.oldUnits, unmatched);
    plan.mode = m_plan.mode;
    plan.outputLayer = m_plan.outputLayer;
    plan.seed = m_plan.seed;
    editPlan(plan, tr("Auto-match by name"));
}

void HeadPlanModel::setStrategy(const QVector<int> &rows, HeadStrategy strategy)
{
    HeadPlan plan = m_plan;
    for (int r : rows) {
        if (r < 0 || r >= plan.rows.size())
            continue;
        HeadRow &row = plan.rows[r];
        row.strategy = strategy;
        if (strategy == HeadStrategy::Copy && row.source < 0)
            row.source = matchOldClass(row.className, r);
    }
    editPlan(plan, tr("Set strategy to %1").arg(strategyLabel(strategy)));
}

void HeadPlanModel::setMode(HeadMode mode)
{
    HeadPlan plan = m_plan;
    plan.mode = mode;
    editPlan(plan, tr("Set head mode to %1").arg(headModeName(mode)));
}

void HeadPlanModel::setRowNorms(const QVector<double> &norms)
{
    m_norms = norms;
    if (!m_plan.rows.isEmpty())
        Q_EMIT dataChanged(index(0, NormColumn), index(m_plan.rows.size() - 1, NormColumn));
}

int HeadPlanModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_plan.rows.size());
}

int HeadPlanModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString HeadPlanModel::oldClassLabel(int index) const
{
    if (index < 0)
        return tr("—");
    if (index < m_plan.oldClassNames.size())
        return QStringLiteral("%1 · %2").arg(index).arg(m_plan.oldClassNames[index]);
    return QString::number(index);
}

QVariant HeadPlanModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const HeadRow &row = m_plan.rows[index.row()];
    if (role == StrategyRole)
        return int(row.strategy);
    if (role == SourceRole)
        return row.source;
    switch (index.column()) {
    case ClassColumn:
        if (role == Qt::DisplayRole || role == Qt::EditRole)
            return row.className;
        break;
    case StrategyColumn:
        if (role == Qt::DisplayRole)
            return strategyLabel(row.strategy);
        if (role == Qt::EditRole)
            return int(row.strategy);
        if (role == Qt::ToolTipRole)
            return strategyToolTip(row.strategy);
        break;
    case SourceColumn:
        if (role == Qt::DisplayRole) {
            if (row.strategy == HeadStrategy::Copy)
                return oldClassLabel(row.source);
            if (row.strategy == HeadStrategy::Mean)
                return row.meanSources.isEmpty() ? tr("all %1").arg(m_plan.oldUnits)
                                                 : tr("%1 classes").arg(row.meanSources.size());
            return QString();
        }
        if (role == Qt::EditRole)
            return row.source;
        if (role == Qt::ToolTipRole)
            return tr("The old class whose neuron (kernel column and bias) this class copies exactly.");
        break;
    case NormColumn:
        if (role == Qt::DisplayRole) {
            if (index.row() >= m_norms.size() || std::isnan(m_norms[index.row()]))
                return tr("…");
            return QString::number(m_norms[index.row()], 'f', 3);
        }
        if (role == Qt::TextAlignmentRole)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        if (role == Qt::ToolTipRole)
            return tr("Euclidean norm of this class's kernel column in the new head.");
        break;
    default: break;
    }
    return {};
}

bool HeadPlanModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (role != Qt::EditRole || !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return false;
    HeadPlan plan = m_plan;
    HeadRow &row = plan.rows[index.row()];
    bool ok = false;
    const int number = value.toInt(&ok);
    if (!ok)
        return false;
    QString text;
    if (index.column() == StrategyColumn) {
        if (!strategies().contains(HeadStrategy(number)))
            return false;
        row.strategy = HeadStrategy(number);
        if (row.strategy == HeadStrategy::Copy && row.source < 0)
            row.source = matchOldClass(row.className, index.row());
        text = tr("%1: %2").arg(row.className, strategyLabel(row.strategy));
    } else if (index.column() == SourceColumn) {
        if (number < -1 || number >= m_plan.oldUnits)
            return false;
        row.source = number;
        // Choosing an old class means copying it.
        if (number >= 0)
            row.strategy = HeadStrategy::Copy;
        text = tr("%1: copy %2").arg(row.className, oldClassLabel(number));
    } else {
        return false;
    }
    editPlan(plan, text);
    return true;
}

Qt::ItemFlags HeadPlanModel::flags(const QModelIndex &index) const
{
    Qt::ItemFlags f = QAbstractTableModel::flags(index);
    if (index.isValid() && (index.column() == StrategyColumn || index.column() == SourceColumn))
        f |= Qt::ItemIsEditable;
    return f;
}

QVariant HeadPlanModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case ClassColumn: return tr("New class");
    case StrategyColumn: return tr("Strategy");
    case SourceColumn: return tr("Source old class");
    case NormColumn: return tr("Row norm");
    default: return {};
    }
}

QVector<HeadStrategy> HeadPlanModel::strategies()
{
    return {HeadStrategy::Copy,         HeadStrategy::Zero, HeadStrategy::Random,
            HeadStrategy::RandomScaled, HeadStrategy::Mean, HeadStrategy::Imprint};
}

QString HeadPlanModel::strategyLabel(HeadStrategy strategy)
{
    switch (strategy) {
    case HeadStrategy::Copy: return tr("Copy");
    case HeadStrategy::Zero: return tr("Zero");
    case HeadStrategy::Random: return tr("Random");
    case HeadStrategy::RandomScaled: return tr("Random (scaled)");
    case HeadStrategy::Mean: return tr("Mean");
    case HeadStrategy::Imprint: return tr("Imprint");
    }
    return {};
}

QString HeadPlanModel::strategyToolTip(HeadStrategy strategy)
{
    switch (strategy) {
    case HeadStrategy::Copy: return tr("Copy an old class's neuron (kernel column and bias) bit for bit.");
    case HeadStrategy::Zero: return tr("Start from a zero kernel column and bias.");
    case HeadStrategy::Random: return tr("Keras's Dense default: Glorot uniform kernel, zero bias.");
    case HeadStrategy::RandomScaled: return tr("Glorot uniform, rescaled to the mean norm of the old rows; zero bias.");
    case HeadStrategy::Mean: return tr("The mean of the old neurons (all of them by default).");
    case HeadStrategy::Imprint:
        return tr("Weight imprinting: the class's mean penultimate activation, scaled to the old rows' mean norm.");
    }
    return {};
}

} // namespace graft::ui
