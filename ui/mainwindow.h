#pragma once

#include "ui/document/finetunesetup.h"

#include <QMainWindow>
#include <QString>

#include <memory>

class QAction;
class QLabel;
class QListWidget;
class QMenu;
class QProgressBar;
class QPushButton;
class QStackedWidget;

namespace graft {
struct LoadedModel;
struct TrainingData;
} // namespace graft

namespace graft::ui {

class DatasetPage;
class FineTuneWizard;
class HeadPage;
class ModelPage;
class ProjectSession;
class ResultsPage;
class TrainingDataJob;
class TrainingPage;

/**
 * The workbench window: the pages (Model, Dataset, Head, Training, Results) in a
 * side list, menus, toolbar, drag-and-drop and the status bar. It owns the
 * opened model and dataset and hands them to the pages; models, plans and
 * training live in core and the pages, not here.
 */
class MainWindow final : public QMainWindow
{
    Q_OBJECT
public:
    enum Page { ModelPageIndex, DatasetPageIndex, HeadPageIndex, TrainingPageIndex, ResultsPageIndex, PageCount };

    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    /** Loads a Keras file on a worker thread; modelLoaded or loadFailed follows. */
    void openModelFile(const QString &path, const QString &architectureJson = QString());
    /** Loads a class folder (train/ and val/ inside, or split) as model-ready samples on a worker thread. */
    void openDataset(const QString &path);
    void cancelDatasetLoad();
    /** The bundled demo: its model, then its new-speakers dataset; demoReady follows with the plan proposed. */
    void openDemo();
    /** An already loaded model or dataset (tests, the demo): the pages are updated as after a load. */
    void setLoadedModel(std::shared_ptr<LoadedModel> model);
    void setDataset(std::shared_ptr<const TrainingData> data, const QString &path = QString());

    std::shared_ptr<LoadedModel> currentModel() const { return m_model; }
    std::shared_ptr<const TrainingData> currentDataset() const { return m_data; }
    FineTuneInputs inputs() const;
    ModelPage *modelPage() const { return m_modelPage; }
    DatasetPage *datasetPage() const { return m_datasetPage; }
    HeadPage *headPage() const { return m_headPage; }
    TrainingPage *trainingPage() const { return m_trainingPage; }
    ResultsPage *resultsPage() const { return m_resultsPage; }
    ProjectSession *projectSession() const { return m_session; }
    int currentPage() const;
    void showPage(int page);
    bool isLoading() const { return m_loading; }
    bool isLoadingDataset() const;

    /**
     * Modal error dialogs of the window and its pages. Tests switch them off (offscreen, a modal
     * dialog would wait forever); errors still reach the failure signals and the status bar.
     */
    void setShowErrorDialogs(bool show);

Q_SIGNALS:
    void modelLoaded();
    void loadFailed(const QString &message);
    void datasetLoaded();
    void datasetFailed(const QString &message);
    void demoReady();

protected:
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;
    void closeEvent(QCloseEvent *event) override;

private:
    QWidget *createDatasetPlaceholder();
    void finishDatasetLoad(std::shared_ptr<const TrainingData> data);
    void failDatasetLoad(const QString &error);
    void createActions();
    void chooseModelFile();
    void chooseDatasetFolder();
    void chooseArchitecture();
    void newFineTune();
    void applyFineTune(const FineTuneWizard &wizard);
    void rebuildRecentMenu();
    void addRecentFile(const QString &path);
    void showModel(std::shared_ptr<LoadedModel> model);
    void inputsChanged();
    void showError(const QString &title, const QString &message);
    void updateStatus();
    void updateTitle();
    void updateActions();
    void showAbout();
    void exportModel();

    ModelPage *m_modelPage;
    DatasetPage *m_datasetPage = nullptr;
    HeadPage *m_headPage;
    TrainingPage *m_trainingPage;
    ResultsPage *m_resultsPage;
    QListWidget *m_pageList;
    QStackedWidget *m_pages;
    QMenu *m_recentMenu = nullptr;
    QAction *m_startAction = nullptr;
    QAction *m_stopAction = nullptr;
    QAction *m_pauseAction = nullptr;
    ProjectSession *m_session = nullptr;
    QLabel *m_statusFormat;
    QLabel *m_statusParams;
    QLabel *m_statusData;
    QLabel *m_statusTraining;
    // The dataset placeholder (until the Dataset page lands): choose, progress, cancel.
    QLabel *m_datasetSummary = nullptr;
    QProgressBar *m_datasetProgress = nullptr;
    QPushButton *m_datasetCancel = nullptr;

    std::shared_ptr<LoadedModel> m_model;
    std::shared_ptr<const TrainingData> m_data;
    std::shared_ptr<const LoadedModel> m_trainedModel; ///< the last training's result, what Export writes
    QVector<EpochRecord> m_trainedHistory;
    QString m_dataPath;
    QString m_pendingDataset; ///< the demo's dataset, opened once its model has loaded
    TrainingDataJob *m_datasetJob;
    QString m_datasetLoadingPath; ///< what m_datasetJob is loading
    bool m_loading = false;
    bool m_openingDemo = false;
    bool m_showErrorDialogs = true;
};

} // namespace graft::ui
