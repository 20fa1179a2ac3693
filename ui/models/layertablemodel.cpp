#include "ui/models/layertablemodel.h"

#include "core/model/modelsummary.h"

#include <QBrush>
#include <QLocale>
#include <QPalette>

namespace graft::ui {

LayerTableModel::LayerTableModel(QObject *parent) : QAbstractTableModel(parent)
{ }

void LayerTableModel::setModel(std::shared_ptr<LoadedModel> model)
{
    beginResetModel();
    m_model = std::move(model);
    endResetModel();
    Q_EMIT totalsChanged();
}

ParamCount LayerTableModel::totals() const
{
    return m_model ? m_model->params() : ParamCount{};
}

int LayerTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() || !m_model ? 0 : int(m_model->model.layers.size());
}

int LayerTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant LayerTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid) || !m_model)
        return {};
    const Layer &layer = m_model->model.layers.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case NameColumn: return layer.name;
        case TypeColumn: {
            QString type = layer.className.isEmpty() ? tr("unknown") : layer.className;
            if (layer.classGuessed && !layer.className.isEmpty())
                type += QLatin1Char('?');
            return layer.supported ? type : tr("%1 (unsupported)").arg(type);
        }
        case OutputShapeColumn: return ModelSummary::outputShapeText(layer);
        case ParamsColumn: return QLocale().toString(qlonglong(layer.params().total));
        default: return {};
        }
    case Qt::CheckStateRole:
        if (index.column() == TrainableColumn)
            return layer.trainable ? Qt::Checked : Qt::Unchecked;
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == ParamsColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case Qt::ToolTipRole: {
        QStringList lines;
        if (layer.classGuessed)
            lines << tr("Class guessed from the layer name: the file has no architecture.");
        lines += layer.issues;
        for (const LayerWeight &w : layer.weights)
            lines << QStringLiteral("%1 %2").arg(w.name, w.tensor.shapeString());
        return lines.isEmpty() ? QVariant() : QVariant(lines.join(QLatin1Char('\n')));
    }
    case Qt::ForegroundRole:
        if (!layer.supported)
            return QBrush(Qt::darkRed);
        return {};
    default: return {};
    }
}

QVariant LayerTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case NameColumn: return tr("Name");
    case TypeColumn: return tr("Type");
    case OutputShapeColumn: return tr("Output shape");
    case ParamsColumn: return tr("Params");
    case TrainableColumn: return tr("Trainable");
    default: return {};
    }
}

Qt::ItemFlags LayerTableModel::flags(const QModelIndex &index) const
{
    Qt::ItemFlags f = QAbstractTableModel::flags(index);
    if (index.isValid() && index.column() == TrainableColumn)
        f |= Qt::ItemIsUserCheckable;
    return f;
}

bool LayerTableModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid) || !m_model || role != Qt::CheckStateRole
        || index.column() != TrainableColumn)
        return false;
    Layer &layer = m_model->model.layers[index.row()];
    const bool trainable = value.toInt() == Qt::Checked;
    if (layer.trainable == trainable)
        return true;
    layer.trainable = trainable;
    Q_EMIT dataChanged(this->index(index.row(), ParamsColumn), this->index(index.row(), TrainableColumn));
    Q_EMIT totalsChanged();
    return true;
}

} // namespace graft::ui
