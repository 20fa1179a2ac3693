#pragma once

#include "core/training/trainingtypes.h"
#include "ui/async/latestrequest.h"
#include "ui/document/finetunesetup.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QPushButton;
class QTableView;
class QTimer;

namespace graft::ui {

class HeadPlanModel;
class Workbench;

/**
 * The Head page, a view of the Workbench's head plan: the mapping table (one row per new
 * class), auto-match by name, the selection's strategy, the head mode, a before/after
 * summary and the zero-shot accuracy of the remapped model (computed off the GUI thread).
 */
class HeadPage final : public QWidget
{
    Q_OBJECT
public:
    explicit HeadPage(Workbench *workbench, QWidget *parent = nullptr);
    ~HeadPage() override;

    HeadPlanModel *planModel() const { return m_model; }
    QTableView *view() const { return m_view; }
    QPushButton *zeroShotButton() const { return m_zeroShotButton; }
    bool isBusy() const { return m_zeroShot.isRunning(); }
    QString summaryText() const;

    /** Evaluates the remapped model on the validation samples; zeroShotFinished or zeroShotFailed follows. */
    void computeZeroShot();

Q_SIGNALS:
    void zeroShotFinished(const graft::ClassificationReport &report);
    void zeroShotFailed(const QString &message);
    /** Row norms of the current plan arrived (after each edit, debounced). */
    void previewUpdated();

private:
    void inputsChanged();
    void planChanged();
    void updateSummary();
    void startPreview();
    void showZeroShot(const Expected<ClassificationReport> &report);
    void applySelectedStrategy();
    QVector<int> selectedRows() const;

    Workbench *m_workbench;
    HeadPlanModel *m_model;
    QTableView *m_view;
    QComboBox *m_mode;
    QComboBox *m_strategy;
    QPushButton *m_autoMatch;
    QPushButton *m_setStrategy;
    QPushButton *m_zeroShotButton;
    QLabel *m_zeroShotResult;
    QLabel *m_summary;
    QLabel *m_status;
    QTimer *m_previewTimer;
    LatestRequest<QVector<double>> m_preview{this};
    LatestRequest<Expected<ClassificationReport>> m_zeroShot{this};
};

} // namespace graft::ui
