#pragma once

#include <QObject>

class QAction;
class QMenu;
class QToolBar;

namespace graft::ui {

class MainWindow;
class StatusReporter;
class Workbench;

/**
 * The workbench window's menus and toolbar, and what their actions do: the file dialogs (model,
 * architecture, dataset, project), the recent files, the fine-tune wizard, the export dialog,
 * the training run; and which of them are enabled as the Workbench changes.
 */
class WindowActions final : public QObject
{
    Q_OBJECT
public:
    WindowActions(MainWindow *window, StatusReporter *status);

    /** Reads a weights file again with an architecture JSON chosen in a dialog (the Model page's button too). */
    void chooseArchitecture();

private:
    void createFileMenu(QToolBar *toolbar);
    void createEditMenu(QToolBar *toolbar);
    void createTrainingMenu(QToolBar *toolbar);
    void fillRecentMenu(QMenu *menu);
    void openRecent(const QString &path);
    void chooseModelFile();
    void chooseDatasetFolder();
    void chooseProject();
    void saveProject();
    void saveProjectAs();
    void newFineTune();
    void exportModel();
    void showAbout();
    void updateTrainingActions();

    MainWindow *m_window;
    Workbench *m_workbench;
    StatusReporter *m_status;
    QAction *m_startAction = nullptr;
    QAction *m_stopAction = nullptr;
    QAction *m_pauseAction = nullptr;
};

} // namespace graft::ui
