#include "ui/pages/trainingpage.h"

#include "core/training/trainingdata.h"
#include "core/training/trainingreport.h"
#include "ui/document/trainingcontroller.h"
#include "ui/models/headplanmodel.h"
#include "ui/plots/trainingplots.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSettings>
#include <QShortcut>
#include <QSpinBox>
#include <QSplitter>
#include <QVBoxLayout>

namespace graft::ui {

namespace {

QDoubleSpinBox *doubleSpin(QWidget *parent, double min, double max, int decimals, double step, const QString &tip)
{
    auto *spin = new QDoubleSpinBox(parent);
    spin->setRange(min, max);
    spin->setDecimals(decimals);
    spin->setSingleStep(step);
    spin->setToolTip(tip);
    return spin;
}

QSpinBox *intSpin(QWidget *parent, int min, int max, const QString &tip)
{
    auto *spin = new QSpinBox(parent);
    spin->setRange(min, max);
    spin->setToolTip(tip);
    return spin;
}

QString duration(qint64 ms)
{
    const qint64 s = (ms + 500) / 1000;
    return s >= 3600 ? QStringLiteral("%1:%2:%3")
                           .arg(s / 3600)
                           .arg(s / 60 % 60, 2, 10, QLatin1Char('0'))
                           .arg(s % 60, 2, 10, QLatin1Char('0'))
                     : QStringLiteral("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
}

} // namespace

TrainingPage::TrainingPage(QWidget *parent)
    : QWidget(parent), m_controller(new TrainingController(this)), m_plots(new TrainingPlots(this)),
      m_optimizer(new QComboBox(this)),
      m_lr(doubleSpin(this, 1e-6, 10.0, 6, 1e-4,
                      tr("Learning rate. Keras's defaults: 0.001 for Adam and RMSprop, 0.01 for SGD."))),
      m_momentum(doubleSpin(this, 0.0, 0.999, 3, 0.05, tr("Momentum for SGD and RMSprop (Keras default 0)."))),
      m_nesterov(new QCheckBox(tr("Nesterov"), this)),
      m_batch(intSpin(this, 1, 8192, tr("Samples per gradient step (Keras's batch_size)."))),
      m_epochs(intSpin(this, 1, 100000, tr("Passes over the training samples (Keras's epochs)."))),
      m_trainable(new QComboBox(this)), m_phase1(intSpin(this, 0, 100000,
                                                         tr("Two-phase schedule: train only the head for this many "
                                                            "epochs first, then what \"Train\" says. 0: one phase."))),
      m_lrMult(doubleSpin(this, 0.0, 10.0, 3, 0.1,
                          tr("Learning-rate factor for the layers below the head once they train."))),
      m_earlyStopping(new QCheckBox(tr("Early stopping"), this)), m_monitor(new QComboBox(this)),
      m_patience(intSpin(this, 0, 10000, tr("EarlyStopping's patience: epochs without improvement before stopping."))),
      m_reduceLr(new QCheckBox(tr("Reduce LR on plateau"), this)),
      m_reducePatience(intSpin(this, 0, 10000, tr("ReduceLROnPlateau's patience."))),
      m_reduceFactor(
          doubleSpin(this, 0.001, 0.999, 3, 0.05, tr("ReduceLROnPlateau's factor: the new lr is lr × factor."))),
      m_labelSmoothing(doubleSpin(this, 0.0, 0.5, 3, 0.05, tr("Label smoothing of the categorical cross-entropy."))),
      m_seed(intSpin(this, 0, 2147483647,
                     tr("Seed for shuffling, dropout and random rows: the same seed gives the same numbers."))),
      m_compare(new QCheckBox(tr("Compare with training from scratch"), this)),
      m_start(new QPushButton(tr("&Start"), this)), m_pause(new QPushButton(tr("Pause"), this)),
      m_stop(new QPushButton(tr("S&top"), this)), m_progress(new QProgressBar(this)), m_progressLabel(new QLabel(this)),
      m_hint(new QLabel(this)), m_log(new QPlainTextEdit(this))
{
    m_optimizer->addItem(tr("Adam"), int(OptimizerKind::Adam));
    m_optimizer->addItem(tr("SGD"), int(OptimizerKind::Sgd));
    m_optimizer->addItem(tr("RMSprop"), int(OptimizerKind::RmsProp));
    m_optimizer->setToolTip(
        tr("Keras's update rules and default hyperparameters (Adam epsilon 1e-7, RMSprop rho 0.9)."));
    m_nesterov->setToolTip(tr("Nesterov momentum (SGD only)."));
    m_trainable->addItem(tr("Head only"), int(TrainPreset::HeadOnly));
    m_trainable->addItem(tr("Everything"), int(TrainPreset::All));
    m_trainable->addItem(tr("As checked on the Model page"), int(TrainPreset::Custom));
    m_trainable->setToolTip(
        tr("Which layers train: the new head, every layer, or the Trainable boxes of the Model page."));
    for (const QString &m : {QStringLiteral("val_loss"), QStringLiteral("val_accuracy"), QStringLiteral("loss"),
                             QStringLiteral("accuracy")})
        m_monitor->addItem(m, m);
    m_monitor->setToolTip(tr("The metric the callbacks watch."));
    m_earlyStopping->setToolTip(
        tr("Stop when the monitored metric stops improving and restore the best epoch's weights."));
    m_reduceLr->setToolTip(tr("Multiply the learning rate by the factor when the monitored metric stops improving."));
    m_compare->setToolTip(tr(
        "Also train the same model from freshly initialized weights and overlay its curves: does the transfer help?"));
    m_start->setToolTip(tr("Start training (Training → Start, Ctrl+Enter)"));
    m_pause->setToolTip(tr("Pause after the current batch; Resume continues with the same numbers (Ctrl+Shift+P)"));
    m_stop->setToolTip(tr("Stop after the current batch and keep the weights so far (Ctrl+.)"));
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(2000);
    m_hint->setWordWrap(true);
    m_progress->setRange(0, 1);
    m_progress->setValue(0);

    auto *optimizerBox = new QGroupBox(tr("Optimizer"), this);
    auto *optimizerForm = new QFormLayout(optimizerBox);
    optimizerForm->addRow(tr("&Optimizer:"), m_optimizer);
    optimizerForm->addRow(tr("&Learning rate:"), m_lr);
    auto *momentumRow = new QHBoxLayout;
    momentumRow->addWidget(m_momentum);
    momentumRow->addWidget(m_nesterov);
    optimizerForm->addRow(tr("&Momentum:"), momentumRow);
    optimizerForm->addRow(tr("&Batch size:"), m_batch);
    optimizerForm->addRow(tr("&Epochs:"), m_epochs);
    optimizerForm->addRow(tr("Label s&moothing:"), m_labelSmoothing);
    optimizerForm->addRow(tr("See&d:"), m_seed);

    auto *scheduleBox = new QGroupBox(tr("What trains"), this);
    auto *scheduleForm = new QFormLayout(scheduleBox);
    scheduleForm->addRow(tr("&Train:"), m_trainable);
    scheduleForm->addRow(tr("&Head-only epochs first:"), m_phase1);
    scheduleForm->addRow(tr("&Unfreeze LR factor:"), m_lrMult);

    auto *callbackBox = new QGroupBox(tr("Callbacks"), this);
    auto *callbackForm = new QFormLayout(callbackBox);
    callbackForm->addRow(tr("Mo&nitor:"), m_monitor);
    callbackForm->addRow(m_earlyStopping, m_patience);
    callbackForm->addRow(m_reduceLr, m_reducePatience);
    callbackForm->addRow(tr("Reduce &factor:"), m_reduceFactor);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_start);
    buttons->addWidget(m_pause);
    buttons->addWidget(m_stop);
    auto *form = new QWidget(this);
    auto *formLayout = new QVBoxLayout(form);
    formLayout->addWidget(m_hint);
    formLayout->addWidget(optimizerBox);
    formLayout->addWidget(scheduleBox);
    formLayout->addWidget(callbackBox);
    formLayout->addWidget(m_compare);
    formLayout->addLayout(buttons);
    formLayout->addWidget(m_progress);
    formLayout->addWidget(m_progressLabel);
    formLayout->addWidget(m_log, 1);
    auto *scroll = new QScrollArea(this);
    scroll->setWidget(form);
    scroll->setWidgetResizable(true);
    scroll->setMinimumWidth(330);

    auto *splitter = new QSplitter(this);
    splitter->addWidget(scroll);
    splitter->addWidget(m_plots);
    splitter->setStretchFactor(1, 1);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(splitter);

    loadDefaults();
    connect(m_optimizer, &QComboBox::activated, this, &TrainingPage::optimizerChanged);
    connect(m_start, &QPushButton::clicked, this, &TrainingPage::start);
    connect(m_pause, &QPushButton::clicked, this, &TrainingPage::togglePause);
    connect(m_stop, &QPushButton::clicked, this, &TrainingPage::stop);
    // Not the button's own shortcut: its text changes between Pause and Resume.
    auto *pauseShortcut = new QShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P), this);
    connect(pauseShortcut, &QShortcut::activated, this, &TrainingPage::togglePause);
    connect(m_controller, &TrainingController::paused, this, &TrainingPage::paused);
    connect(m_controller, &TrainingController::prepared, this, &TrainingPage::prepared);
    connect(m_controller, &TrainingController::batchFinished, this, &TrainingPage::batchFinished);
    connect(m_controller, &TrainingController::epochFinished, this, &TrainingPage::epochFinished);
    connect(m_controller, &TrainingController::noted, this,
            [this](int run, const QString &message) { log(run == 1 ? tr("[scratch] %1").arg(message) : message); });
    connect(m_controller, &TrainingController::stateChanged, this, [this] {
        updateButtons();
        Q_EMIT runningChanged(m_controller->isRunning());
    });
    connect(m_controller, &TrainingController::succeeded, this, [this](const FineTuneOutcome &outcome) {
        m_plots->flush();
        m_progress->setValue(m_progress->maximum());
        const TrainingResult &r = outcome.fineTuned;
        m_progressLabel->setText(tr("%1 after %2 epoch(s), %3 s")
                                     .arg(stopReasonText(r.stopReason))
                                     .arg(r.history.size())
                                     .arg(r.seconds, 0, 'f', 1));
        log(TrainingReport::summary(r, m_classNames).trimmed());
        if (outcome.scratch)
            log(TrainingReport::comparison(outcome).trimmed());
        Q_EMIT trainingFinished(outcome, m_classNames);
    });
    connect(m_controller, &TrainingController::failed, this, [this](const QString &message) {
        m_plots->flush();
        m_progressLabel->setText(tr("Failed"));
        log(tr("Training failed: %1").arg(message));
        Q_EMIT trainingFailed(message);
    });
    setInputs({});
    for (QSpinBox *box : {m_batch, m_epochs, m_phase1, m_patience, m_reducePatience, m_seed})
        connect(box, &QSpinBox::valueChanged, this, &TrainingPage::settingsEdited);
    for (QDoubleSpinBox *box : {m_lr, m_momentum, m_lrMult, m_reduceFactor, m_labelSmoothing})
        connect(box, &QDoubleSpinBox::valueChanged, this, &TrainingPage::settingsEdited);
    for (QComboBox *box : {m_optimizer, m_trainable, m_monitor})
        connect(box, &QComboBox::currentIndexChanged, this, &TrainingPage::settingsEdited);
    for (QCheckBox *box : {m_nesterov, m_earlyStopping, m_reduceLr, m_compare})
        connect(box, &QCheckBox::toggled, this, &TrainingPage::settingsEdited);
}

TrainingPage::~TrainingPage() = default;

void TrainingPage::setInputs(const FineTuneInputs &inputs)
{
    m_inputs = inputs;
    if (!inputs.hasModel())
        m_hint->setText(tr("Open a model and a dataset, plan the head, then press Start."));
    else if (!inputs.data)
        m_hint->setText(tr("Choose a dataset on the Dataset page to train."));
    else
        m_hint->setText(tr("%1 classes, %2 training and %3 validation samples.")
                            .arg(inputs.data->classNames.size())
                            .arg(inputs.data->train.count())
                            .arg(inputs.data->validation.count()));
    updateButtons();
}

bool TrainingPage::canStart() const
{
    return m_inputs.ready() && m_plan && !m_plan->plan().rows.isEmpty() && !m_controller->isRunning();
}

void TrainingPage::updateButtons()
{
    const bool running = m_controller->isRunning();
    m_start->setEnabled(canStart());
    const TrainingController::State state = m_controller->state();
    m_stop->setEnabled(running && state != TrainingController::State::Stopping);
    m_pause->setEnabled(state == TrainingController::State::Training || state == TrainingController::State::Paused);
    m_pause->setText(state == TrainingController::State::Paused ? tr("Resume") : tr("Pause"));
    for (QWidget *w :
         std::initializer_list<QWidget *>{m_optimizer, m_lr, m_momentum, m_nesterov, m_batch, m_epochs, m_trainable,
                                          m_phase1, m_lrMult, m_earlyStopping, m_monitor, m_patience, m_reduceLr,
                                          m_reducePatience, m_reduceFactor, m_labelSmoothing, m_seed, m_compare})
        w->setEnabled(!running);
}

void TrainingPage::optimizerChanged()
{
    const auto kind = OptimizerKind(m_optimizer->currentData().toInt());
    m_lr->setValue(OptimizerSettings::defaultLearningRate(kind));
    m_nesterov->setEnabled(kind == OptimizerKind::Sgd);
}

TrainingParams TrainingPage::settings() const
{
    TrainingParams p;
    p.optimizer.kind = OptimizerKind(m_optimizer->currentData().toInt());
    p.optimizer.learningRate = m_lr->value();
    p.optimizer.momentum = m_momentum->value();
    p.optimizer.nesterov = m_nesterov->isChecked() && p.optimizer.kind == OptimizerKind::Sgd;
    p.batchSize = m_batch->value();
    p.epochs = m_epochs->value();
    p.trainable.preset = TrainPreset(m_trainable->currentData().toInt());
    p.phase1Epochs = m_phase1->value();
    p.unfreezeLrMultiplier = m_lrMult->value();
    p.labelSmoothing = m_labelSmoothing->value();
    p.seed = std::uint64_t(m_seed->value());
    const QString monitor = m_monitor->currentData().toString();
    if (m_earlyStopping->isChecked()) {
        EarlyStoppingSettings es;
        es.monitor = monitor;
        es.patience = m_patience->value();
        es.restoreBestWeights = true;
        p.earlyStopping = es;
    }
    if (m_reduceLr->isChecked()) {
        ReduceLrSettings rl;
        rl.monitor = monitor;
        rl.patience = m_reducePatience->value();
        rl.factor = m_reduceFactor->value();
        p.reduceLr = rl;
    }
    return p;
}

bool TrainingPage::compareScratch() const
{
    return m_compare->isChecked();
}

void TrainingPage::setSettings(const TrainingParams &p, bool compareScratch)
{
    m_optimizer->setCurrentIndex(m_optimizer->findData(int(p.optimizer.kind)));
    m_lr->setValue(p.optimizer.learningRate);
    m_momentum->setValue(p.optimizer.momentum);
    m_nesterov->setChecked(p.optimizer.nesterov);
    m_batch->setValue(p.batchSize);
    m_epochs->setValue(p.epochs);
    m_trainable->setCurrentIndex(std::max(0, m_trainable->findData(int(p.trainable.preset))));
    m_phase1->setValue(p.phase1Epochs);
    m_lrMult->setValue(p.unfreezeLrMultiplier);
    m_labelSmoothing->setValue(p.labelSmoothing);
    m_seed->setValue(int(p.seed));
    m_earlyStopping->setChecked(p.earlyStopping.has_value());
    if (p.earlyStopping) {
        m_patience->setValue(p.earlyStopping->patience);
        m_monitor->setCurrentIndex(std::max(0, m_monitor->findData(p.earlyStopping->monitor)));
    }
    m_reduceLr->setChecked(p.reduceLr.has_value());
    if (p.reduceLr) {
        m_reducePatience->setValue(p.reduceLr->patience);
        m_reduceFactor->setValue(p.reduceLr->factor);
    }
    m_compare->setChecked(compareScratch);
}

void TrainingPage::saveDefaults() const
{
    QSettings s;
    s.beginGroup(QStringLiteral("training"));
    s.setValue(QStringLiteral("optimizer"), m_optimizer->currentData());
    s.setValue(QStringLiteral("lr"), m_lr->value());
    s.setValue(QStringLiteral("momentum"), m_momentum->value());
    s.setValue(QStringLiteral("nesterov"), m_nesterov->isChecked());
    s.setValue(QStringLiteral("batch"), m_batch->value());
    s.setValue(QStringLiteral("epochs"), m_epochs->value());
    s.setValue(QStringLiteral("trainable"), m_trainable->currentData());
    s.setValue(QStringLiteral("phase1"), m_phase1->value());
    s.setValue(QStringLiteral("lrMult"), m_lrMult->value());
    s.setValue(QStringLiteral("monitor"), m_monitor->currentData());
    s.setValue(QStringLiteral("earlyStopping"), m_earlyStopping->isChecked());
    s.setValue(QStringLiteral("patience"), m_patience->value());
    s.setValue(QStringLiteral("reduceLr"), m_reduceLr->isChecked());
    s.setValue(QStringLiteral("reducePatience"), m_reducePatience->value());
    s.setValue(QStringLiteral("reduceFactor"), m_reduceFactor->value());
    s.setValue(QStringLiteral("labelSmoothing"), m_labelSmoothing->value());
    s.setValue(QStringLiteral("seed"), m_seed->value());
    s.setValue(QStringLiteral("compareScratch"), m_compare->isChecked());
}

void TrainingPage::loadDefaults()
{
    QSettings s;
    s.beginGroup(QStringLiteral("training"));
    m_optimizer->setCurrentIndex(
        std::max(0, m_optimizer->findData(s.value(QStringLiteral("optimizer"), int(OptimizerKind::Adam)))));
    m_lr->setValue(s.value(QStringLiteral("lr"), 1e-3).toDouble());
    m_momentum->setValue(s.value(QStringLiteral("momentum"), 0.0).toDouble());
    m_nesterov->setChecked(s.value(QStringLiteral("nesterov"), false).toBool());
    m_nesterov->setEnabled(m_optimizer->currentData().toInt() == int(OptimizerKind::Sgd));
    m_batch->setValue(s.value(QStringLiteral("batch"), 32).toInt());
    m_epochs->setValue(s.value(QStringLiteral("epochs"), 10).toInt());
    m_trainable->setCurrentIndex(
        std::max(0, m_trainable->findData(s.value(QStringLiteral("trainable"), int(TrainPreset::HeadOnly)))));
    m_phase1->setValue(s.value(QStringLiteral("phase1"), 0).toInt());
    m_lrMult->setValue(s.value(QStringLiteral("lrMult"), 1.0).toDouble());
    m_monitor->setCurrentIndex(
        std::max(0, m_monitor->findData(s.value(QStringLiteral("monitor"), QStringLiteral("val_loss")))));
    m_earlyStopping->setChecked(s.value(QStringLiteral("earlyStopping"), false).toBool());
    m_patience->setValue(s.value(QStringLiteral("patience"), 5).toInt());
    m_reduceLr->setChecked(s.value(QStringLiteral("reduceLr"), false).toBool());
    m_reducePatience->setValue(s.value(QStringLiteral("reducePatience"), 3).toInt());
    m_reduceFactor->setValue(s.value(QStringLiteral("reduceFactor"), 0.1).toDouble());
    m_labelSmoothing->setValue(s.value(QStringLiteral("labelSmoothing"), 0.0).toDouble());
    m_seed->setValue(s.value(QStringLiteral("seed"), 0).toInt());
    m_compare->setChecked(s.value(QStringLiteral("compareScratch"), false).toBool());
}

void TrainingPage::start()
{
    if (!canStart())
        return;
    saveDefaults();
    m_plots->clear();
    m_plots->setScratchVisible(m_compare->isChecked());
    m_log->clear();
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_progressLabel->setText(tr("Preparing the new head…"));
    const TrainingParams params = settings();
    m_initialEpoch = params.initialEpoch;
    m_controller->start(m_inputs, m_plan->plan(), params, m_compare->isChecked());
}

void TrainingPage::stop()
{
    if (!m_controller->isRunning())
        return;
    m_progressLabel->setText(tr("Stopping after the current batch…"));
    m_controller->stop();
}

void TrainingPage::togglePause()
{
    switch (m_controller->state()) {
    case TrainingController::State::Training:
        m_progressLabel->setText(tr("Pausing after the current batch…"));
        m_controller->pause();
        break;
    case TrainingController::State::Paused:
        m_progressLabel->setText(tr("Resuming…"));
        m_controller->resume();
        break;
    default: break;
    }
}

void TrainingPage::paused(int run, const BatchProgress &after)
{
    if (m_controller->state() != TrainingController::State::Paused)
        return; // resumed or stopped before this arrived
    const QString prefix = run == 1 ? tr("scratch: ") : QString();
    m_progressLabel->setText(
        after.batch > 0 ? tr("%1Paused after batch %2 of epoch %3").arg(prefix).arg(after.batch).arg(after.epoch + 1)
                        : tr("%1Paused before the first batch").arg(prefix));
}

void TrainingPage::prepared(const QStringList &classNames, int epochs, int trainSamples, int batchSize,
                            bool compareScratch)
{
    m_classNames = classNames;
    m_epochCount = epochs;
    m_runs = compareScratch ? 2 : 1;
    m_batchesPerEpoch = std::max(1, (trainSamples + batchSize - 1) / batchSize);
    m_progress->setRange(0, std::max(1, m_runs * (epochs - m_initialEpoch) * m_batchesPerEpoch));
    m_progress->setValue(0);
    log(tr("Training %1 classes on %2 samples, %3 batches per epoch.")
            .arg(classNames.size())
            .arg(trainSamples)
            .arg(m_batchesPerEpoch));
}

void TrainingPage::batchFinished(int run, const BatchProgress &p)
{
    m_plots->addBatch(run, p);
    if (p.batches > 0)
        m_batchesPerEpoch = p.batches;
    const int epochs = std::max(1, (p.epochs > 0 ? p.epochs : m_epochCount) - m_initialEpoch);
    const qint64 total = qint64(m_runs) * epochs * m_batchesPerEpoch;
    const qint64 done =
        qint64(run) * epochs * m_batchesPerEpoch + qint64(p.epoch - m_initialEpoch) * m_batchesPerEpoch + p.batch;
    if (m_progress->maximum() != total)
        m_progress->setRange(0, int(std::min<qint64>(total, INT_MAX)));
    m_progress->setValue(int(std::min(done, total)));
    const qint64 elapsed = m_controller->elapsed();
    const QString left = done > 0 ? duration(elapsed * (total - done) / done) : tr("?");
    m_progressLabel->setText(tr("%1epoch %2/%3 · batch %4/%5 · loss %6 · %7 left")
                                 .arg(run == 1 ? tr("scratch: ") : QString())
                                 .arg(p.epoch + 1)
                                 .arg(p.epochs > 0 ? p.epochs : m_epochCount)
                                 .arg(p.batch)
                                 .arg(p.batches)
                                 .arg(p.loss, 0, 'f', 4)
                                 .arg(left));
}

void TrainingPage::epochFinished(int run, const EpochRecord &record)
{
    m_plots->addEpoch(run, record);
    const QString line = TrainingReport::epochLine(record, m_epochCount);
    log(run == 1 ? tr("[scratch] %1").arg(line) : line);
}

QString TrainingPage::progressText() const
{
    return m_progressLabel->text();
}

void TrainingPage::log(const QString &line)
{
    m_log->appendPlainText(line);
}

} // namespace graft::ui
