#pragma once

#include "core/training/trainingtypes.h"

#include <QWizardPage>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QSpinBox;

namespace graft::ui {
class FineTuneWizard;
}

namespace graft::ui::wizard {

/**
 * Step 5: the training settings most runs need — epochs, batch size, optimizer and
 * learning rate, what trains, compare-with-scratch and the seed — with graft-cli
 * finetune's defaults; every edit becomes the draft's training settings. The workbench's
 * Training page has the rest (schedules, callbacks).
 */
class SettingsPage final : public QWizardPage
{
    Q_OBJECT
public:
    explicit SettingsPage(FineTuneWizard *wizard);

    /** The form as TrainingParams (no model or samples yet). */
    TrainingParams settings() const;
    bool compareScratch() const;
    void setSettings(const TrainingParams &settings, bool compareScratch);

private:
    void optimizerChosen();
    void publish();

    FineTuneWizard *m_wizard;
    QSpinBox *m_epochs;
    QSpinBox *m_batch;
    QComboBox *m_optimizer;
    QDoubleSpinBox *m_lr;
    QComboBox *m_trainable;
    QCheckBox *m_compare;
    QSpinBox *m_seed;
};

} // namespace graft::ui::wizard
