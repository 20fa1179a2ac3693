#pragma once

#include <QAbstractTableModel>
#include <QStringList>
#include <QVector>

namespace graft::ui {

/**
 * The classes of a dataset as a table: Class, Train count, Validation count and
 * the balanced class weight Keras's class_weight='balanced' would give. Read-only.
 */
class ClassCountModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { NameColumn, TrainColumn, ValidationColumn, WeightColumn, ColumnCount };
    /** The raw count (int) or weight (double) behind a cell. */
    static constexpr int ValueRole = Qt::UserRole + 1;

    explicit ClassCountModel(QObject *parent = nullptr);

    /** `validationCounts` empty: no validation data (the column shows a dash). */
    void setCounts(const QStringList &classNames, const QVector<int> &trainCounts,
                   const QVector<int> &validationCounts = {});
    void clear();

    QStringList classNames() const { return m_names; }
    QVector<int> trainCounts() const { return m_train; }
    QVector<int> validationCounts() const { return m_validation; }
    QVector<double> classWeights() const { return m_weights; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QStringList m_names;
    QVector<int> m_train;
    QVector<int> m_validation;
    QVector<double> m_weights;
};

} // namespace graft::ui
