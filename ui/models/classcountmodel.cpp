#include "ui/models/classcountmodel.h"

#include "core/dataset/datasettypes.h"

#include <QLocale>

namespace graft::ui {

ClassCountModel::ClassCountModel(QObject *parent) : QAbstractTableModel(parent)
{ }

void ClassCountModel::setCounts(const QStringList &classNames, const QVector<int> &trainCounts,
                                const QVector<int> &validationCounts)
{
    beginResetModel();
    m_names = classNames;
    m_train = trainCounts;
    m_train.resize(m_names.size());
    m_validation = validationCounts;
    if (!m_validation.isEmpty())
        m_validation.resize(m_names.size());
    m_weights = balancedClassWeights(m_train);
    endResetModel();
}

void ClassCountModel::clear()
{
    setCounts({}, {}, {});
}

int ClassCountModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_names.size());
}

int ClassCountModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ClassCountModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const int row = index.row();
    if (role == Qt::TextAlignmentRole && index.column() != NameColumn)
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole && role != ValueRole && role != Qt::ToolTipRole)
        return {};
    switch (index.column()) {
    case NameColumn: return m_names.at(row);
    case TrainColumn: return m_train.at(row);
    case ValidationColumn:
        if (m_validation.isEmpty())
            return role == ValueRole ? QVariant() : QVariant(QStringLiteral("–"));
        return m_validation.at(row);
    case WeightColumn:
        if (role == ValueRole)
            return m_weights.at(row);
        if (role == Qt::ToolTipRole)
            return tr("n_samples / (n_classes × count): what Keras's class_weight='balanced' gives this class");
        return QLocale().toString(m_weights.at(row), 'f', 3);
    default: return {};
    }
}

QVariant ClassCountModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case NameColumn: return tr("Class");
    case TrainColumn: return tr("Samples");
    case ValidationColumn: return tr("Validation");
    case WeightColumn: return tr("Class weight");
    default: return {};
    }
}

} // namespace graft::ui
