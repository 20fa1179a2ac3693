#pragma once

#include "core/training/trainingtypes.h"

#include <QVector>
#include <QWidget>

class QCPGraph;
class QCustomPlot;

namespace graft::ui {

/**
 * Live curves of a training run: loss (train, validation, smoothed per-batch
 * loss), accuracy (train, validation) and learning rate per epoch, with the
 * from-scratch run's curves dashed. Points are added as they come and drawn by
 * redraw(), once per delivery of the run's ProgressThrottle (a few a second).
 */
class TrainingPlots final : public QWidget
{
    Q_OBJECT
public:
    enum Series {
        TrainLoss,
        ValLoss,
        BatchLoss,
        TrainAccuracy,
        ValAccuracy,
        LearningRate,
        ScratchTrainLoss,
        ScratchValLoss,
        ScratchTrainAccuracy,
        ScratchValAccuracy,
        SeriesCount
    };

    explicit TrainingPlots(QWidget *parent = nullptr);

    void clear();
    /** `run` 0: fine-tuning, 1: from scratch (only epoch curves are drawn for it). */
    void addBatch(int run, const BatchProgress &progress);
    void addEpoch(int run, const EpochRecord &record);
    void setScratchVisible(bool visible);

    /** Points added so far to a series. */
    int pointCount(Series series) const;
    int replotCount() const { return m_replots; }
    /** Rescales the axes to the points added since the last redraw and replots (queued: at most once per event loop pass). */
    void redraw();
    QCustomPlot *lossPlot() const { return m_loss; }
    QCustomPlot *accuracyPlot() const { return m_accuracy; }
    QCustomPlot *learningRatePlot() const { return m_lr; }

private:
    void push(Series series, double x, double y);

    QCustomPlot *m_loss;
    QCustomPlot *m_accuracy;
    QCustomPlot *m_lr;
    QCPGraph *m_graphs[SeriesCount] = {};
    bool m_dotted[SeriesCount] = {}; // epoch series drawn with a dot per point while they are short
    bool m_added = false;            ///< points were added since the last redraw
    int m_replots = 0;
    // Per-batch loss recovered from the running epoch means, exponentially smoothed for display.
    int m_lastBatch = 0;
    double m_lastMean = 0.0;
    double m_smoothed = 0.0;
    bool m_haveSmoothed = false;
};

} // namespace graft::ui
