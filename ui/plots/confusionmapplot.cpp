#include "ui/plots/confusionmapplot.h"

#include <QVBoxLayout>
#include <qcustomplot.h>

namespace graft::ui {

namespace {
// Above this many classes, tick labels overlap: show indices only.
constexpr int maxLabelledClasses = 30;
} // namespace

ConfusionMapPlot::ConfusionMapPlot(QWidget *parent)
    : QWidget(parent), m_plot(new QCustomPlot(this)), m_map(new QCPColorMap(m_plot->xAxis, m_plot->yAxis))
{
    m_plot->xAxis->setLabel(tr("predicted"));
    m_plot->yAxis->setLabel(tr("true class"));
    m_plot->yAxis->setRangeReversed(true);
    auto *scale = new QCPColorScale(m_plot);
    m_plot->plotLayout()->addElement(0, 1, scale);
    scale->setLabel(tr("share of the true class"));
    m_map->setColorScale(scale);
    m_map->setGradient(QCPColorGradient(QCPColorGradient::gpThermal));
    m_map->setInterpolate(false);
    m_map->setDataRange(QCPRange(0.0, 1.0));
    auto *margins = new QCPMarginGroup(m_plot);
    m_plot->axisRect()->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
    scale->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
    m_plot->setMinimumSize(260, 260);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_plot);
}

void ConfusionMapPlot::clear()
{
    m_classes = 0;
    m_map->data()->clear();
    m_plot->replot();
}

void ConfusionMapPlot::setConfusion(const QVector<QVector<int>> &confusion, const QStringList &classNames)
{
    m_classes = int(confusion.size());
    if (m_classes == 0) {
        clear();
        return;
    }
    m_map->data()->setSize(m_classes, m_classes);
    m_map->data()->setRange(QCPRange(0, m_classes - 1), QCPRange(0, m_classes - 1));
    // Row shares, not counts: classes with many samples would otherwise wash out the rest.
    for (int t = 0; t < m_classes; ++t) {
        double total = 0.0;
        for (int c : confusion[t])
            total += c;
        for (int p = 0; p < m_classes; ++p)
            m_map->data()->setCell(p, t, total > 0.0 && p < confusion[t].size() ? confusion[t][p] / total : 0.0);
    }
    for (QCPAxis *axis : {m_plot->xAxis, m_plot->yAxis}) {
        QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
        for (int i = 0; i < m_classes; ++i)
            ticker->addTick(i, m_classes <= maxLabelledClasses && i < classNames.size() ? classNames[i]
                                                                                        : QString::number(i));
        axis->setTicker(ticker);
        axis->setRange(-0.5, m_classes - 0.5);
    }
    m_plot->xAxis->setTickLabelRotation(m_classes > 8 ? 60 : 0);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

double ConfusionMapPlot::cellValue(int trueClass, int predicted) const
{
    return m_map->data()->cell(predicted, trueClass);
}

} // namespace graft::ui
