#include "ui/plots/trainingplots.h"

#include <QVBoxLayout>
#include <qcustomplot.h>

#include <cmath>

namespace graft::ui {

namespace {

// An antialiased dot costs tens of µs: a few hundred of them made one replot take 15-35 ms of
// GUI-thread time (measured in tst_guiresponsiveness). Past this many points a series is a line.
constexpr int maxDottedPoints = 60;

QCPScatterStyle epochDot()
{
    return QCPScatterStyle(QCPScatterStyle::ssDisc, 5);
}

QCustomPlot *newPlot(QWidget *parent, const QString &yLabel)
{
    auto *plot = new QCustomPlot(parent);
    plot->xAxis->setLabel(QObject::tr("epoch"));
    plot->yAxis->setLabel(yLabel);
    plot->legend->setVisible(true);
    plot->legend->setFont(parent->font());
    plot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
    plot->setMinimumHeight(160);
    plot->setNoAntialiasingOnDrag(true);
    return plot;
}

QCPGraph *newGraph(QCustomPlot *plot, const QString &name, const QColor &color, Qt::PenStyle style, bool points)
{
    QCPGraph *graph = plot->addGraph();
    graph->setName(name);
    QPen pen(color);
    pen.setWidthF(1.6);
    pen.setStyle(style);
    graph->setPen(pen);
    if (points)
        graph->setScatterStyle(epochDot());
    return graph;
}

} // namespace

TrainingPlots::TrainingPlots(QWidget *parent)
    : QWidget(parent), m_loss(newPlot(this, tr("loss"))), m_accuracy(newPlot(this, tr("accuracy"))),
      m_lr(newPlot(this, tr("learning rate")))
{
    const QColor train(31, 119, 180), val(255, 127, 14), batch(150, 150, 150);
    m_graphs[BatchLoss] = newGraph(m_loss, tr("batch loss (smoothed)"), batch, Qt::SolidLine, false);
    m_graphs[TrainLoss] = newGraph(m_loss, tr("loss"), train, Qt::SolidLine, true);
    m_graphs[ValLoss] = newGraph(m_loss, tr("val_loss"), val, Qt::SolidLine, true);
    m_graphs[ScratchTrainLoss] = newGraph(m_loss, tr("scratch loss"), train, Qt::DashLine, false);
    m_graphs[ScratchValLoss] = newGraph(m_loss, tr("scratch val_loss"), val, Qt::DashLine, false);
    m_graphs[TrainAccuracy] = newGraph(m_accuracy, tr("accuracy"), train, Qt::SolidLine, true);
    m_graphs[ValAccuracy] = newGraph(m_accuracy, tr("val_accuracy"), val, Qt::SolidLine, true);
    m_graphs[ScratchTrainAccuracy] = newGraph(m_accuracy, tr("scratch accuracy"), train, Qt::DashLine, false);
    m_graphs[ScratchValAccuracy] = newGraph(m_accuracy, tr("scratch val_accuracy"), val, Qt::DashLine, false);
    m_graphs[LearningRate] = newGraph(m_lr, tr("lr"), QColor(44, 160, 44), Qt::SolidLine, true);
    for (Series s : {TrainLoss, ValLoss, TrainAccuracy, ValAccuracy, LearningRate})
        m_dotted[s] = true;
    m_lr->legend->setVisible(false);
    m_accuracy->yAxis->setRange(0.0, 1.0);
    setScratchVisible(false);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_loss, 3);
    layout->addWidget(m_accuracy, 3);
    layout->addWidget(m_lr, 2);
}

void TrainingPlots::clear()
{
    for (int s = 0; s < SeriesCount; ++s) {
        m_graphs[s]->data()->clear();
        if (m_dotted[s])
            m_graphs[s]->setScatterStyle(epochDot());
    }
    m_lastBatch = 0;
    m_lastMean = 0.0;
    m_haveSmoothed = false;
    m_added = false;
    for (QCustomPlot *plot : {m_loss, m_accuracy, m_lr})
        plot->replot();
}

void TrainingPlots::setScratchVisible(bool visible)
{
    for (Series s : {ScratchTrainLoss, ScratchValLoss, ScratchTrainAccuracy, ScratchValAccuracy}) {
        m_graphs[s]->setVisible(visible);
        if (visible)
            m_graphs[s]->addToLegend();
        else
            m_graphs[s]->removeFromLegend();
    }
}

void TrainingPlots::push(Series series, double x, double y)
{
    if (!std::isfinite(y))
        return;
    m_graphs[series]->addData(x, y);
    if (m_dotted[series] && m_graphs[series]->dataCount() > maxDottedPoints)
        m_graphs[series]->setScatterStyle(QCPScatterStyle());
    m_added = true;
}

void TrainingPlots::addBatch(int run, const BatchProgress &progress)
{
    if (run != 0 || progress.batches <= 0)
        return;
    // BatchProgress carries the running mean over the epoch; the batch's own loss is the difference of sums.
    double batchLoss = progress.loss;
    if (progress.batch > 1 && progress.batch == m_lastBatch + 1)
        batchLoss = progress.batch * progress.loss - (progress.batch - 1) * m_lastMean;
    m_lastBatch = progress.batch;
    m_lastMean = progress.loss;
    m_smoothed = m_haveSmoothed ? 0.9 * m_smoothed + 0.1 * batchLoss : batchLoss;
    m_haveSmoothed = true;
    push(BatchLoss, progress.epoch + double(progress.batch) / progress.batches, m_smoothed);
}

void TrainingPlots::addEpoch(int run, const EpochRecord &record)
{
    const double x = record.epoch + 1;
    if (run == 0) {
        push(TrainLoss, x, record.loss);
        push(TrainAccuracy, x, record.accuracy);
        if (record.hasValidation) {
            push(ValLoss, x, record.valLoss);
            push(ValAccuracy, x, record.valAccuracy);
        }
        push(LearningRate, x, record.learningRate);
    } else {
        setScratchVisible(true);
        push(ScratchTrainLoss, x, record.loss);
        push(ScratchTrainAccuracy, x, record.accuracy);
        if (record.hasValidation) {
            push(ScratchValLoss, x, record.valLoss);
            push(ScratchValAccuracy, x, record.valAccuracy);
        }
    }
}

void TrainingPlots::redraw()
{
    if (!m_added)
        return;
    m_added = false;
    for (QCustomPlot *plot : {m_loss, m_lr}) {
        plot->rescaleAxes(true);
        plot->yAxis->scaleRange(1.1, plot->yAxis->range().center());
    }
    m_accuracy->xAxis->rescale(true);
    m_accuracy->xAxis->setRangeLower(0.0);
    m_loss->xAxis->setRangeLower(0.0);
    m_lr->xAxis->setRangeLower(0.0);
    for (QCustomPlot *plot : {m_loss, m_accuracy, m_lr})
        plot->replot(QCustomPlot::rpQueuedReplot);
    ++m_replots;
}

int TrainingPlots::pointCount(Series series) const
{
    return m_graphs[series]->dataCount();
}

} // namespace graft::ui
