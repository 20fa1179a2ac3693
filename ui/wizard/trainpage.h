#pragma once

#include <QWizardPage>

class QProgressBar;
class QPushButton;

namespace graft::ui {
class FineTuneWizard;
class TrainingController;
class TrainingPlots;
class TrainingProgressView;
} // namespace graft::ui

namespace graft::ui::wizard {

/**
 * Step 7: runs the fine-tuning in a TrainingController (worker thread) as soon as the page
 * opens, shown by the same TrainingProgressView as the workbench's Training page. Stop keeps
 * the weights so far; Next is enabled once the run has ended with a model.
 */
class TrainPage final : public QWizardPage
{
    Q_OBJECT
public:
    explicit TrainPage(FineTuneWizard *wizard);
    ~TrainPage() override;

    TrainingController *controller() const { return m_controller; }
    TrainingProgressView *progressView() const { return m_view; }
    TrainingPlots *plots() const;
    QProgressBar *progressBar() const;
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
    void updateButtons();

    FineTuneWizard *m_wizard;
    TrainingController *m_controller;
    TrainingProgressView *m_view;
    QPushButton *m_stop;
    QPushButton *m_again;
    bool m_finished = false;
};

} // namespace graft::ui::wizard
