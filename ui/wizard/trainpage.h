#pragma once

#include "core/training/trainingtypes.h"

#include <QStringList>
#include <QWizardPage>

class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;

namespace graft::ui {
class FineTuneWizard;
class TrainingController;
class TrainingPlots;
}

namespace graft::ui::wizard {

/**
 * Step 7: runs the fine-tuning in a TrainingController (worker thread) as soon as the page
 * opens, with a progress bar, the live plots and a short log. Stop keeps the weights so
 * far; Next is enabled once the run has ended with a model.
 */
class TrainPage final : public QWizardPage
{
    Q_OBJECT
public:
    explicit TrainPage(FineTuneWizard *wizard);
    ~TrainPage() override;

    TrainingController *controller() const { return m_controller; }
    TrainingPlots *plots() const { return m_plots; }
    QProgressBar *progressBar() const { return m_progress; }
    QPushButton *stopButton() const { return m_stop; }
    QString statusText() const;
    QString logText() const;

    void initializePage() override;
    void cleanupPage() override;
    bool isComplete() const override;

public Q_SLOTS:
    void start();
    void stop();

Q_SIGNALS:
    void trainingFinished(bool ok);

private:
    void prepared(const QStringList &classNames, int epochs, int trainSamples, int batchSize, bool compareScratch);
    void batchFinished(int run, const BatchProgress &progress);
    void epochFinished(int run, const EpochRecord &record);
    void updateButtons();

    FineTuneWizard *m_wizard;
    TrainingController *m_controller;
    TrainingPlots *m_plots;
    QProgressBar *m_progress;
    QLabel *m_status;
    QPlainTextEdit *m_log;
    QPushButton *m_stop;
    QPushButton *m_again;
    QStringList m_classNames;
    int m_epochs = 0;
    int m_runs = 1;
    int m_batchesPerEpoch = 1;
    bool m_finished = false;
};

} // namespace graft::ui::wizard
