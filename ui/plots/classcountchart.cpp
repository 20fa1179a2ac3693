#include "ui/plots/classcountchart.h"

#include <algorithm>

namespace graft::ui {

ClassCountChart::ClassCountChart(QWidget *parent)
    : QCustomPlot(parent), m_trainBars(new QCPBars(xAxis, yAxis)), m_validationBars(new QCPBars(xAxis, yAxis))
{
    m_trainBars->setName(tr("training"));
    m_trainBars->setBrush(QColor(70, 130, 180));
    m_trainBars->setPen(Qt::NoPen);
    m_validationBars->setName(tr("validation"));
    m_validationBars->setBrush(QColor(230, 150, 60));
    m_validationBars->setPen(Qt::NoPen);
    auto *group = new QCPBarsGroup(this);
    m_trainBars->setBarsGroup(group);
    m_validationBars->setBarsGroup(group);
    xAxis->setTickLabelRotation(45);
    yAxis->setLabel(tr("samples"));
    legend->setVisible(true);
    axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
    QFont legendFont = font();
    legendFont.setPointSizeF(legendFont.pointSizeF() * 0.85);
    legend->setFont(legendFont);
    setMinimumHeight(240);
    setCounts({}, {}, {});
}

void ClassCountChart::setCounts(const QStringList &names, const QVector<int> &train, const QVector<int> &validation)
{
    QVector<double> keys;
    QVector<double> trainValues;
    QVector<double> validationValues;
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    for (int i = 0; i < names.size(); ++i) {
        keys << i + 1;
        trainValues << train.value(i);
        if (!validation.isEmpty())
            validationValues << validation.value(i);
        ticker->addTick(i + 1, names.at(i));
    }
    m_trainBars->setData(keys, trainValues, true);
    m_validationBars->setData(validation.isEmpty() ? QVector<double>() : keys, validationValues, true);
    m_validationBars->setVisible(!validation.isEmpty());
    m_validationBars->removeFromLegend();
    if (!validation.isEmpty())
        m_validationBars->addToLegend();
    xAxis->setTicker(ticker);
    xAxis->setRange(0.3, names.size() + 0.7);
    int highest = 1;
    for (int count : train + validation)
        highest = std::max(highest, count);
    yAxis->setRange(0, highest * 1.1);
    replot();
}

} // namespace graft::ui
