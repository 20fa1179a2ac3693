#pragma once

#include "core/model/modelspec.h"

#include <QAbstractTableModel>

#include <memory>

namespace graft::ui {

/**
 * The layers of a loaded model as a table: Name, Type, Output shape, Params,
 * Trainable. The Trainable column is a check box that freezes a layer; the
 * totals change with it, as model.summary() would after `layer.trainable = False`.
 */
class LayerTableModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { NameColumn, TypeColumn, OutputShapeColumn, ParamsColumn, TrainableColumn, ColumnCount };

    explicit LayerTableModel(QObject *parent = nullptr);

    void setModel(std::shared_ptr<LoadedModel> model);
    std::shared_ptr<LoadedModel> loadedModel() const { return m_model; }
    ParamCount totals() const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;

Q_SIGNALS:
    void totalsChanged();

private:
    std::shared_ptr<LoadedModel> m_model;
};

} // namespace graft::ui
