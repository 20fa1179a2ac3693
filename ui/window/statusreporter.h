#pragma once

#include <QObject>
#include <QString>

class QLabel;
class QMainWindow;

namespace graft::ui {

class ProjectSession;
class Workbench;

/**
 * What the workbench window tells the user as the Workbench changes: the status bar's
 * permanent labels (training, samples, model format, parameters), its passing messages
 * (opened, loaded, saved, finished), a busy cursor while a model is read, and a warning
 * dialog when something fails. Tests switch the dialogs off (offscreen, a modal dialog would
 * wait forever); the failures still reach the status bar and the Workbench's signals.
 */
class StatusReporter final : public QObject
{
    Q_OBJECT
public:
    StatusReporter(QMainWindow *window, Workbench *workbench, ProjectSession *session);

    void setShowErrorDialogs(bool show) { m_showErrorDialogs = show; }
    void showError(const QString &title, const QString &message);
    void showMessage(const QString &text, int timeoutMs);

public Q_SLOTS:
    /** The labels again (a layer's trainable flag changes the parameter counts). */
    void updateLabels();

private:
    void connectWorkbench();
    void connectSession(ProjectSession *session);

    QMainWindow *m_window;
    Workbench *m_workbench;
    QLabel *m_training;
    QLabel *m_samples;
    QLabel *m_format;
    QLabel *m_params;
    bool m_busyCursor = false;
    bool m_showErrorDialogs = true;
};

} // namespace graft::ui
