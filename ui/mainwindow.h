#pragma once

#include <QMainWindow>
#include <QString>

#include <memory>

class QLabel;
class QMenu;
class QTabWidget;

namespace graft {
struct LoadedModel;
}

namespace graft::ui {

class ModelPage;

/**
 * The workbench window: menus, drag-and-drop, the pages, the status bar. It wires
 * pages to core jobs; models, plans and training live in core, not here.
 */
class MainWindow final : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    /** Loads a Keras file on a worker thread; modelLoaded or loadFailed follows. */
    void openModelFile(const QString &path, const QString &architectureJson = QString());
    std::shared_ptr<LoadedModel> currentModel() const { return m_model; }
    ModelPage *modelPage() const { return m_modelPage; }
    bool isLoading() const { return m_loading; }

    /** Tests switch off modal error dialogs; errors still reach loadFailed and the status bar. */
    void setShowErrorDialogs(bool show) { m_showErrorDialogs = show; }

Q_SIGNALS:
    void modelLoaded();
    void loadFailed(const QString &message);

protected:
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;
    void closeEvent(QCloseEvent *event) override;

private:
    void createMenus();
    void chooseModelFile();
    void chooseArchitecture();
    void rebuildRecentMenu();
    void addRecentFile(const QString &path);
    void showModel(std::shared_ptr<LoadedModel> model);
    void showError(const QString &title, const QString &message);
    void updateStatus();
    void showAbout();

    ModelPage *m_modelPage;
    QTabWidget *m_pages;
    QMenu *m_recentMenu = nullptr;
    QLabel *m_statusFormat;
    QLabel *m_statusParams;
    std::shared_ptr<LoadedModel> m_model;
    bool m_loading = false;
    bool m_showErrorDialogs = true;
};

} // namespace graft::ui
