#pragma once

#include <QStringList>
#include <QVector>
#include <QWidget>

class QCPColorMap;
class QCustomPlot;

namespace graft::ui {

/** A confusion matrix as a heat map (QCPColorMap): rows are true classes, columns predictions, shaded by row share. */
class ConfusionMapPlot final : public QWidget
{
    Q_OBJECT
public:
    explicit ConfusionMapPlot(QWidget *parent = nullptr);

    /** `confusion[true][predicted]` counts. */
    void setConfusion(const QVector<QVector<int>> &confusion, const QStringList &classNames);
    void clear();
    int classCount() const { return m_classes; }
    /** The shaded value of a cell (share of the true class's samples), for tests. */
    double cellValue(int trueClass, int predicted) const;
    QCustomPlot *plot() const { return m_plot; }

private:
    QCustomPlot *m_plot;
    QCPColorMap *m_map;
    int m_classes = 0;
};

} // namespace graft::ui
