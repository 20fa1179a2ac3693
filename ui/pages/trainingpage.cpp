#include "ui/pages/trainingpage.h"

#include "core/training/trainingdata.h"
#include "ui/common/settingskeys.h"
#include "ui/document/trainingcontroller.h"
#include "ui/document/workbench.h"
#include "ui/models/headplanmodel.h"
#include "ui/widgets/trainingprogressview.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QScopedValueRollback>
#include <QScrollArea>
#include <QSettings>
#include <QShortcut>
#include <QSpinBox>
#include <QSplitter>
#include <QVBoxLayout>

namespace graft::ui {

namespace {

namespace keys = settingskeys::training;

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

} // namespace

TrainingPage::TrainingPage(Workbench *workbench, QWidget *parent)
    : QWidget(parent), m_workbench(workbench), m_controller(workbench->training()),
      m_view(new TrainingProgressView(m_controller, this)), m_optimizer(new QComboBox(this)),
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
      m_stop(new QPushButton(tr("S&top"), this)), m_hint(new QLabel(this))
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
    m_hint->setWordWrap(true);

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
    formLayout->addStretch(1);
    auto *scroll = new QScrollArea(this);
    scroll->setWidget(form);
    scroll->setWidgetResizable(true);
    scroll->setMinimumWidth(330);

    auto *splitter = new QSplitter(this);
    splitter->addWidget(scroll);
    splitter->addWidget(m_view);
    splitter->setStretchFactor(1, 1);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(splitter);

    loadDefaults();
    connectForm();
    updateHint();
    updateButtons();
    publishSettings(); // the settings last started become the Workbench's
}

void TrainingPage::connectForm()
{
    connect(m_optimizer, &QComboBox::activated, this, &TrainingPage::optimizerChanged);
    connect(m_start, &QPushButton::clicked, this, &TrainingPage::start);
    connect(m_pause, &QPushButton::clicked, this, &TrainingPage::togglePause);
    connect(m_stop, &QPushButton::clicked, this, &TrainingPage::stop);
    // Not the button's own shortcut: its text changes between Pause and Resume.
    auto *pauseShortcut = new QShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P), this);
    connect(pauseShortcut, &QShortcut::activated, this, &TrainingPage::togglePause);
    connect(m_controller, &TrainingController::stateChanged, this, &TrainingPage::updateButtons);
    connect(m_workbench, &Workbench::inputsChanged, this, &TrainingPage::updateHint);
    connect(m_workbench, &Workbench::inputsChanged, this, &TrainingPage::updateButtons);
    connect(m_workbench->plan(), &HeadPlanModel::planChanged, this, &TrainingPage::updateButtons);
    connect(m_workbench, &Workbench::trainingSettingsChanged, this, &TrainingPage::showSettings);
    for (QSpinBox *box : {m_batch, m_epochs, m_phase1, m_patience, m_reducePatience, m_seed})
        connect(box, &QSpinBox::valueChanged, this, &TrainingPage::publishSettings);
    for (QDoubleSpinBox *box : {m_lr, m_momentum, m_lrMult, m_reduceFactor, m_labelSmoothing})
        connect(box, &QDoubleSpinBox::valueChanged, this, &TrainingPage::publishSettings);
    for (QComboBox *box : {m_optimizer, m_trainable, m_monitor})
        connect(box, &QComboBox::currentIndexChanged, this, &TrainingPage::publishSettings);
    for (QCheckBox *box : {m_nesterov, m_earlyStopping, m_reduceLr, m_compare})
        connect(box, &QCheckBox::toggled, this, &TrainingPage::publishSettings);
}

TrainingPage::~TrainingPage() = default;

void TrainingPage::updateHint()
{
    const FineTuneInputs inputs = m_workbench->inputs();
    if (!inputs.hasModel())
        m_hint->setText(tr("Open a model and a dataset, plan the head, then press Start."));
    else if (!inputs.data)
        m_hint->setText(tr("Choose a dataset on the Dataset page to train."));
    else
        m_hint->setText(tr("%1 classes, %2 training and %3 validation samples.")
                            .arg(inputs.data->classNames.size())
                            .arg(inputs.data->train.count())
                            .arg(inputs.data->validation.count()));
}

bool TrainingPage::canStart() const
{
    return m_workbench->canStartTraining();
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

TrainingParams TrainingPage::formSettings() const
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

void TrainingPage::publishSettings()
{
    if (m_showingSettings)
        return;
    const QScopedValueRollback<bool> publishing(m_publishing, true);
    m_workbench->setTrainingSettings(formSettings(), m_compare->isChecked());
}

void TrainingPage::showSettings()
{
    if (m_publishing)
        return;
    {
        const QScopedValueRollback<bool> showing(m_showingSettings, true);
        const TrainingParams &p = m_workbench->trainingSettings();
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
        m_compare->setChecked(m_workbench->compareScratch());
        m_nesterov->setEnabled(p.optimizer.kind == OptimizerKind::Sgd);
    }
    publishSettings(); // what the form can show (a project's extra fields drop, values round as shown)
}

void TrainingPage::saveDefaults() const
{
    QSettings s;
    s.beginGroup(keys::group);
    s.setValue(keys::optimizer, m_optimizer->currentData());
    s.setValue(keys::learningRate, m_lr->value());
    s.setValue(keys::momentum, m_momentum->value());
    s.setValue(keys::nesterov, m_nesterov->isChecked());
    s.setValue(keys::batchSize, m_batch->value());
    s.setValue(keys::epochs, m_epochs->value());
    s.setValue(keys::trainable, m_trainable->currentData());
    s.setValue(keys::phase1Epochs, m_phase1->value());
    s.setValue(keys::unfreezeLrMultiplier, m_lrMult->value());
    s.setValue(keys::monitor, m_monitor->currentData());
    s.setValue(keys::earlyStopping, m_earlyStopping->isChecked());
    s.setValue(keys::patience, m_patience->value());
    s.setValue(keys::reduceLr, m_reduceLr->isChecked());
    s.setValue(keys::reducePatience, m_reducePatience->value());
    s.setValue(keys::reduceFactor, m_reduceFactor->value());
    s.setValue(keys::labelSmoothing, m_labelSmoothing->value());
    s.setValue(keys::seed, m_seed->value());
    s.setValue(keys::compareScratch, m_compare->isChecked());
}

void TrainingPage::loadDefaults()
{
    QSettings s;
    s.beginGroup(keys::group);
    m_optimizer->setCurrentIndex(
        std::max(0, m_optimizer->findData(s.value(keys::optimizer, int(OptimizerKind::Adam)))));
    m_lr->setValue(s.value(keys::learningRate, 1e-3).toDouble());
    m_momentum->setValue(s.value(keys::momentum, 0.0).toDouble());
    m_nesterov->setChecked(s.value(keys::nesterov, false).toBool());
    m_nesterov->setEnabled(m_optimizer->currentData().toInt() == int(OptimizerKind::Sgd));
    m_batch->setValue(s.value(keys::batchSize, 32).toInt());
    m_epochs->setValue(s.value(keys::epochs, 10).toInt());
    m_trainable->setCurrentIndex(
        std::max(0, m_trainable->findData(s.value(keys::trainable, int(TrainPreset::HeadOnly)))));
    m_phase1->setValue(s.value(keys::phase1Epochs, 0).toInt());
    m_lrMult->setValue(s.value(keys::unfreezeLrMultiplier, 1.0).toDouble());
    m_monitor->setCurrentIndex(std::max(0, m_monitor->findData(s.value(keys::monitor, QStringLiteral("val_loss")))));
    m_earlyStopping->setChecked(s.value(keys::earlyStopping, false).toBool());
    m_patience->setValue(s.value(keys::patience, 5).toInt());
    m_reduceLr->setChecked(s.value(keys::reduceLr, false).toBool());
    m_reducePatience->setValue(s.value(keys::reducePatience, 3).toInt());
    m_reduceFactor->setValue(s.value(keys::reduceFactor, 0.1).toDouble());
    m_labelSmoothing->setValue(s.value(keys::labelSmoothing, 0.0).toDouble());
    m_seed->setValue(s.value(keys::seed, 0).toInt());
    m_compare->setChecked(s.value(keys::compareScratch, false).toBool());
}

void TrainingPage::start()
{
    if (!canStart())
        return;
    saveDefaults();
    m_view->reset(m_compare->isChecked());
    m_workbench->startTraining();
}

void TrainingPage::stop()
{
    if (!m_controller->isRunning())
        return;
    m_view->setStatus(tr("Stopping after the current batch…"));
    m_controller->stop();
}

void TrainingPage::togglePause()
{
    switch (m_controller->state()) {
    case TrainingController::State::Training:
        m_view->setStatus(tr("Pausing after the current batch…"));
        m_controller->pause();
        break;
    case TrainingController::State::Paused:
        m_view->setStatus(tr("Resuming…"));
        m_controller->resume();
        break;
    default: break;
    }
}

TrainingPlots *TrainingPage::plots() const
{
    return m_view->plots();
}

QProgressBar *TrainingPage::progressBar() const
{
    return m_view->progressBar();
}

QString TrainingPage::progressText() const
{
    return m_view->statusText();
}

} // namespace graft::ui
