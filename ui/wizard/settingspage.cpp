#include "ui/wizard/settingspage.h"

#include "ui/document/workbench.h"
#include "ui/wizard/finetunewizard.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QSpinBox>

namespace graft::ui::wizard {

SettingsPage::SettingsPage(FineTuneWizard *wizard)
    : m_wizard(wizard), m_epochs(new QSpinBox(this)), m_batch(new QSpinBox(this)), m_optimizer(new QComboBox(this)),
      m_lr(new QDoubleSpinBox(this)), m_trainable(new QComboBox(this)),
      m_compare(new QCheckBox(tr("Also train from scratch and compare"), this)), m_seed(new QSpinBox(this))
{
    setTitle(tr("Training Settings"));
    setSubTitle(
        tr("The defaults are graft-cli finetune's. Schedules and callbacks are on the workbench's Training page."));
    m_epochs->setRange(1, 100000);
    m_epochs->setToolTip(tr("Passes over the training samples (Keras's epochs)."));
    m_batch->setRange(1, 8192);
    m_batch->setToolTip(tr("Samples per gradient step (Keras's batch_size)."));
    m_optimizer->addItem(tr("Adam"), int(OptimizerKind::Adam));
    m_optimizer->addItem(tr("SGD"), int(OptimizerKind::Sgd));
    m_optimizer->addItem(tr("RMSprop"), int(OptimizerKind::RmsProp));
    m_optimizer->setToolTip(tr("Keras's update rules and default hyperparameters."));
    m_lr->setRange(1e-6, 10.0);
    m_lr->setDecimals(6);
    m_lr->setSingleStep(1e-4);
    m_lr->setToolTip(
        tr("Learning rate. Choosing an optimizer sets Keras's default: 0.001 for Adam and RMSprop, 0.01 for SGD."));
    m_trainable->addItem(tr("Head only"), int(TrainPreset::HeadOnly));
    m_trainable->addItem(tr("Everything"), int(TrainPreset::All));
    m_trainable->setToolTip(tr("Train only the new head (fast, little data), or every layer (more data, better fit)."));
    m_compare->setToolTip(
        tr("Train the same model from freshly initialized weights too: does the transfer help? Doubles the time."));
    m_seed->setRange(0, 2147483647);
    m_seed->setToolTip(tr("Seed for shuffling, dropout and random rows: the same seed gives the same numbers."));

    auto *form = new QFormLayout(this);
    form->addRow(tr("&Epochs:"), m_epochs);
    form->addRow(tr("&Batch size:"), m_batch);
    form->addRow(tr("&Optimizer:"), m_optimizer);
    form->addRow(tr("&Learning rate:"), m_lr);
    form->addRow(tr("&Train:"), m_trainable);
    form->addRow(QString(), m_compare);
    form->addRow(tr("See&d:"), m_seed);

    registerField(QStringLiteral("epochs"), m_epochs);
    registerField(QStringLiteral("batchSize"), m_batch);
    registerField(QStringLiteral("optimizer"), m_optimizer);
    registerField(QStringLiteral("learningRate"), m_lr, "value", "valueChanged");
    registerField(QStringLiteral("trainPreset"), m_trainable);
    registerField(QStringLiteral("compareScratch"), m_compare);
    registerField(QStringLiteral("seed"), m_seed);
    connect(m_optimizer, &QComboBox::activated, this, &SettingsPage::optimizerChosen);
    for (QSpinBox *box : {m_epochs, m_batch, m_seed})
        connect(box, &QSpinBox::valueChanged, this, &SettingsPage::publish);
    connect(m_lr, &QDoubleSpinBox::valueChanged, this, &SettingsPage::publish);
    for (QComboBox *box : {m_optimizer, m_trainable})
        connect(box, &QComboBox::currentIndexChanged, this, &SettingsPage::publish);
    connect(m_compare, &QCheckBox::toggled, this, &SettingsPage::publish);

    // graft-cli finetune: --epochs 10 --batch 32 --optimizer adam (Keras's lr) --train head --seed 0.
    TrainingParams defaults;
    defaults.epochs = 10;
    defaults.batchSize = 32;
    defaults.optimizer.learningRate = OptimizerSettings::defaultLearningRate(OptimizerKind::Adam);
    setSettings(defaults, false);
    publish();
}

void SettingsPage::publish()
{
    m_wizard->draft()->setTrainingSettings(settings(), compareScratch());
}

void SettingsPage::optimizerChosen()
{
    m_lr->setValue(OptimizerSettings::defaultLearningRate(OptimizerKind(m_optimizer->currentData().toInt())));
}

TrainingParams SettingsPage::settings() const
{
    TrainingParams p;
    p.epochs = m_epochs->value();
    p.batchSize = m_batch->value();
    p.optimizer.kind = OptimizerKind(m_optimizer->currentData().toInt());
    p.optimizer.learningRate = m_lr->value();
    p.trainable.preset = TrainPreset(m_trainable->currentData().toInt());
    p.seed = std::uint64_t(m_seed->value());
    return p;
}

bool SettingsPage::compareScratch() const
{
    return m_compare->isChecked();
}

void SettingsPage::setSettings(const TrainingParams &p, bool compareScratch)
{
    m_epochs->setValue(p.epochs);
    m_batch->setValue(p.batchSize);
    m_optimizer->setCurrentIndex(std::max(0, m_optimizer->findData(int(p.optimizer.kind))));
    m_lr->setValue(p.optimizer.learningRate);
    m_trainable->setCurrentIndex(std::max(0, m_trainable->findData(int(p.trainable.preset))));
    m_compare->setChecked(compareScratch);
    m_seed->setValue(int(p.seed));
}

} // namespace graft::ui::wizard
