#pragma once

#include "core/training/headplan.h"

#include <QAbstractTableModel>
#include <QVector>

class QUndoStack;

namespace graft::ui {

/**
 * The head plan as an editable table: one row per new class with its strategy,
 * source old neuron and the resulting row's norm. Every edit (a cell, a whole-plan
 * change such as auto-match) is a HeadPlanEditCommand on the undo stack; the
 * command calls applyPlan(), which announces only the rows that changed.
 */
class HeadPlanModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { ClassColumn, StrategyColumn, SourceColumn, NormColumn, ColumnCount };
    enum Role {
        StrategyRole = Qt::UserRole + 1, ///< int(HeadStrategy)
        SourceRole,                      ///< the copied old neuron, -1 when none
    };

    explicit HeadPlanModel(QObject *parent = nullptr);

    QUndoStack *undoStack() const { return m_undo; }
    const HeadPlan &plan() const { return m_plan; }
    /** Starts a new plan (a new model or dataset): not undoable, clears the undo stack and the norms. */
    void resetPlan(const HeadPlan &plan);
    /** The undoable way to replace the plan as a whole; no-op when nothing changes. */
    void editPlan(const HeadPlan &plan, const QString &text);
    /** Undo commands call this: swaps in `plan` and emits dataChanged for the rows that differ. */
    void applyPlan(const HeadPlan &plan);

    /** Matches new classes to old ones by name (copy); the others get `unmatched`. */
    void autoMatch(HeadStrategy unmatched = HeadStrategy::Imprint);
    /** Sets the strategy of `rows`; Copy rows without a source get the old class of the same name or position. */
    void setStrategy(const QVector<int> &rows, HeadStrategy strategy);
    void setMode(HeadMode mode);

    /** Norms of the remapped head's rows (NaN: unknown). Display only, never undone. */
    void setRowNorms(const QVector<double> &norms);
    QVector<double> rowNorms() const { return m_norms; }

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    static QString strategyLabel(HeadStrategy strategy);
    static QString strategyToolTip(HeadStrategy strategy);
    static QVector<HeadStrategy> strategies();

Q_SIGNALS:
    /** After every change of the plan (edit, undo, redo, reset). */
    void planChanged();

private:
    QString oldClassLabel(int index) const;
    int matchOldClass(const QString &className, int row) const;

    HeadPlan m_plan;
    QVector<double> m_norms;
    QUndoStack *m_undo;
};

} // namespace graft::ui
