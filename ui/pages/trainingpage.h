#pragma once

#include "core/training/trainingtypes.h"
#include "ui/document/finetunesetup.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace graft::ui {

class HeadPlanModel;
class TrainingController;
class TrainingPlots;

/**
 * The Training page: the settings form (optimizer, learning rate, batch, epochs,
 * what trains, two-phase schedule, callbacks, seed, compare-with-scratch),
 * Start/Pause/Stop, progress with time left, and the live plots. Training runs in a
 * TrainingController (worker thread); this page only forms params and shows progress.
 */
class TrainingPage final : public QWidget
{
    Q_OBJECT
public:
    explicit TrainingPage(QWidget *parent = nullptr);
    ~TrainingPage() override;

    void setInputs(const FineTuneInputs &inputs);
    /** The plan to train with is read from here when Start is pressed. */
    void setPlanModel(HeadPlanModel *plan) { m_plan = plan; }

    /** The form as TrainingParams (no model or samples yet). */
    TrainingParams settings() const;
    bool compareScratch() const;
    /** Fills the form (the demo, a reopened session). */
    void setSettings(const TrainingParams &settings, bool compareScratch);

    bool canStart() const;
    TrainingController *controller() const { return m_controller; }
    TrainingPlots *plots() const { return m_plots; }
    QProgressBar *progressBar() const { return m_progress; }
    QPushButton *startButton() const { return m_start; }
    QPushButton *pauseButton() const { return m_pause; }
    QPushButton *stopButton() const { return m_stop; }
    QString progressText() const;

public Q_SLOTS:
    void start();
    void stop();
    /** Pauses a training run after its current batch, or resumes a paused one. */
    void togglePause();

Q_SIGNALS:
    /** A setting was edited (by the user or setSettings()): a project's modified state follows. */
    void settingsEdited();
    void trainingFinished(const graft::FineTuneOutcome &outcome, const QStringList &classNames);
    void trainingFailed(const QString &message);
    void runningChanged(bool running);

private:
    void optimizerChanged();
    void updateButtons();
    void prepared(const QStringList &classNames, int epochs, int trainSamples, int batchSize, bool compareScratch);
    void batchFinished(int run, const BatchProgress &progress);
    void epochFinished(int run, const EpochRecord &record);
    void paused(int run, const BatchProgress &after);
    void saveDefaults() const;
    void loadDefaults();
    void log(const QString &line);

    FineTuneInputs m_inputs;
    HeadPlanModel *m_plan = nullptr;
    TrainingController *m_controller;
    TrainingPlots *m_plots;

    QComboBox *m_optimizer;
    QDoubleSpinBox *m_lr;
    QDoubleSpinBox *m_momentum;
    QCheckBox *m_nesterov;
    QSpinBox *m_batch;
    QSpinBox *m_epochs;
    QComboBox *m_trainable;
    QSpinBox *m_phase1;
    QDoubleSpinBox *m_lrMult;
    QCheckBox *m_earlyStopping;
    QComboBox *m_monitor;
    QSpinBox *m_patience;
    QCheckBox *m_reduceLr;
    QSpinBox *m_reducePatience;
    QDoubleSpinBox *m_reduceFactor;
    QDoubleSpinBox *m_labelSmoothing;
    QSpinBox *m_seed;
    QCheckBox *m_compare;
    QPushButton *m_start;
    QPushButton *m_pause;
    QPushButton *m_stop;
    QProgressBar *m_progress;
    QLabel *m_progressLabel;
    QLabel *m_hint;
    QPlainTextEdit *m_log;

    QStringList m_classNames;
    int m_epochCount = 0;
    int m_runs = 1;
    int m_batchesPerEpoch = 0;
    int m_initialEpoch = 0;
};

} // namespace graft::ui
