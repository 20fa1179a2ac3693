#pragma once

#include "core/training/trainingtypes.h"

#include <QStringList>
#include <QWidget>

class QHBoxLayout;
class QLabel;
class QPlainTextEdit;
class QProgressBar;

namespace graft::ui {

class TrainingController;
class TrainingPlots;
struct PreparedRun;

/**
 * A training run as it goes, the one view the Training page and the wizard share: a progress
 * bar over the batches the run trains (the fine-tuning and, when compared, the run from
 * scratch), a status line (epoch, batch, loss, time left; paused; the end), the live plots and a
 * log. It follows a TrainingController. A run need not start at epoch 0 (Keras's initial_epoch,
 * or a resumed checkpoint): the first batch each run reports says where it starts, so the bar
 * counts only the epochs this run trains.
 */
class TrainingProgressView final : public QWidget
{
    Q_OBJECT
public:
    explicit TrainingProgressView(TrainingController *controller, QWidget *parent = nullptr);

    /** Before a run starts: clears the plots, log and bar; the scratch curves show when `compareScratch`. */
    void reset(bool compareScratch);
    /** A line for the status while nothing else says more ("Stopping after the current batch…"). */
    void setStatus(const QString &text);
    /** Puts a button beside the progress bar. */
    void addButton(QWidget *button);

    QString statusText() const;
    QString logText() const;
    TrainingPlots *plots() const { return m_plots; }
    QProgressBar *progressBar() const { return m_progress; }
    /** The class names of the run prepared last (the trained model's, in output order). */
    QStringList classNames() const { return m_classNames; }

private:
    void prepared(const PreparedRun &run);
    void batchFinished(int run, const BatchProgress &progress);
    void epochFinished(int run, const EpochRecord &record);
    void paused(int run, const BatchProgress &after);
    void succeeded(const FineTuneOutcome &outcome);
    void failed(const QString &message);
    void log(int run, const QString &line);
    /** Batches the run `run` trains: its epochs from its first one, times the batches per epoch. */
    qint64 runBatches(int run) const;

    TrainingController *m_controller;
    QProgressBar *m_progress;
    QHBoxLayout *m_buttons;
    QLabel *m_status;
    TrainingPlots *m_plots;
    QPlainTextEdit *m_log;

    QStringList m_classNames;
    int m_epochs = 0;
    int m_runs = 1;
    int m_batchesPerEpoch = 1;
    int m_firstEpoch[2] = {0, 0}; ///< each run's first epoch: initial_epoch until its first batch says
    bool m_firstEpochKnown[2] = {false, false};
};

} // namespace graft::ui
