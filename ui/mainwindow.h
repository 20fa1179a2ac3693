#pragma once

#include <QMainWindow>
#include <QStringList>

class QListWidget;
class QStackedWidget;

namespace graft::ui {

class DatasetPage;
class HeadPage;
class ModelPage;
class ProjectSession;
class ResultsPage;
class StatusReporter;
class TrainingPage;
class WindowActions;
class Workbench;

/**
 * The workbench window: the pages (Model, Dataset, Head, Training, Results) of one Workbench
 * in a side list, its menus and toolbar (WindowActions), its status bar (StatusReporter), the
 * project file (ProjectSession), the title, drag-and-drop and the window's geometry. Wiring
 * only: the document is the Workbench, what the actions do is WindowActions'.
 */
class MainWindow final : public QMainWindow
{
    Q_OBJECT
public:
    enum Page { ModelPageIndex, DatasetPageIndex, HeadPageIndex, TrainingPageIndex, ResultsPageIndex, PageCount };

    /** `workbench` outlives the window. */
    explicit MainWindow(Workbench *workbench, QWidget *parent = nullptr);
    ~MainWindow() override;

    static QStringList pageTitles();

    Workbench *workbench() const { return m_workbench; }
    ModelPage *modelPage() const { return m_modelPage; }
    DatasetPage *datasetPage() const { return m_datasetPage; }
    HeadPage *headPage() const { return m_headPage; }
    TrainingPage *trainingPage() const { return m_trainingPage; }
    ResultsPage *resultsPage() const { return m_resultsPage; }
    ProjectSession *projectSession() const { return m_session; }
    int currentPage() const;
    void showPage(int page);

    /**
     * Modal error dialogs of the window and its pages. Tests switch them off (offscreen, a modal
     * dialog would wait forever); errors still reach the Workbench's signals and the status bar.
     */
    void setShowErrorDialogs(bool show);

protected:
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;
    void closeEvent(QCloseEvent *event) override;

private:
    void updateTitle();

    Workbench *m_workbench;
    ModelPage *m_modelPage;
    DatasetPage *m_datasetPage;
    HeadPage *m_headPage;
    TrainingPage *m_trainingPage;
    ResultsPage *m_resultsPage;
    QListWidget *m_pageList;
    QStackedWidget *m_pages;
    ProjectSession *m_session;
    StatusReporter *m_status;
    WindowActions *m_actions;
};

} // namespace graft::ui
