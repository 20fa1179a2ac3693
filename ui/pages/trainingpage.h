#pragma once

#include "core/training/trainingtypes.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace graft::ui {

class TrainingController;
class TrainingPlots;
class TrainingProgressView;
class Workbench;

/**
 * The Training page: the Workbench's training settings as a form (optimizer, learning
 * rate, batch, epochs, what trains, two-phase schedule, callbacks, seed, compare with
 * scratch), Start/Pause/Stop, and the run's TrainingProgressView (progress with time left,
 * live plots, log). The form starts from the settings last started (QSettings); every
 * edit becomes the Workbench's. The run is the Workbench's TrainingController.
 */
class TrainingPage final : public QWidget
{
    Q_OBJECT
public:
    explicit TrainingPage(Workbench *workbench, QWidget *parent = nullptr);
    ~TrainingPage() override;

    bool canStart() const;
    TrainingController *controller() const { return m_controller; }
    TrainingProgressView *progressView() const { return m_view; }
    TrainingPlots *plots() const;
    QProgressBar *progressBar() const;
    QPushButton *startButton() const { return m_start; }
    QPushButton *pauseButton() const { return m_pause; }
    QPushButton *stopButton() const { return m_stop; }
    QString progressText() const;

public Q_SLOTS:
    void start();
    void stop();
    /** Pauses a training run after its current batch, or resumes a paused one. */
    void togglePause();

private:
    void connectForm();
    void optimizerChanged();
    void updateHint();
    void updateButtons();
    /** The form as TrainingParams (no model or samples: the setup adds them at start). */
    TrainingParams formSettings() const;
    void showSettings();
    void publishSettings();
    void saveDefaults() const;
    void loadDefaults();

    Workbench *m_workbench;
    TrainingController *m_controller;
    TrainingProgressView *m_view;

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
    QLabel *m_hint;
    bool m_showingSettings = false; ///< the Workbench's settings are being shown: no edits to publish
    bool m_publishing = false;      ///< this page is changing the Workbench's settings
};

} // namespace graft::ui
