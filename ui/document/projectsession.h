#pragma once

#include "core/common/expected.h"
#include "core/project/projectfile.h"

#include <QObject>
#include <QString>
#include <QStringList>

namespace graft::ui {

class Workbench;

/**
 * The Workbench as a project file (.graft): fills a Project from its model, dataset
 * settings, head plan and training settings, and reopens one by chaining the asynchronous
 * model and dataset loads before the plan and settings are applied. Knows whether the
 * workbench changed since it was saved or opened. Saved and opened projects go to the
 * recent files; the last project folder is remembered.
 */
class ProjectSession final : public QObject
{
    Q_OBJECT
public:
    explicit ProjectSession(Workbench *workbench, QObject *parent = nullptr);

    /** The project file last saved or opened; empty for an unsaved session. */
    QString path() const { return m_path; }
    /** The head plan, the training settings or the dataset changed since the last save, open or demo. */
    bool isModified() const;
    /** What isModified() compares against becomes the window's state now (a new session, the demo). */
    void resetBaseline();
    bool isOpening() const { return m_opening; }

    /** Writes the session to `path` (".graft" appended when missing); refuses to overwrite the model or dataset. */
    Expected<void> save(const QString &path);
    /** Reads `path`, then loads its model, its dataset, its plan and settings; opened or failed follows. */
    void open(const QString &path);
    /** Where a Save As dialog starts: the project's path, else <last project folder>/<model stem>.graft. */
    QString proposedPath() const;

Q_SIGNALS:
    /** A project finished opening; `problems` name what could not be loaded (missing files, a stale plan). */
    void opened(const QString &path, const QStringList &problems);
    void failed(const QString &title, const QString &message);
    void saved(const QString &path);
    /** The path or the modified state changed: the window title follows. */
    void stateChanged();

private:
    Project currentProject() const;
    /** The session as a project file would hold it: what isModified() compares. */
    QByteArray snapshot() const;
    void modelDone(bool loaded);
    void finishOpen();
    void disconnectPending();
    void remember(const QString &path);

    Workbench *m_workbench;
    QString m_path;
    QByteArray m_baseline; ///< the session serialized at the last save, open or resetBaseline()
    bool m_opening = false;
    QString m_openingPath;
    Project m_pending;
    QStringList m_problems;
    QList<QMetaObject::Connection> m_connections;
};

} // namespace graft::ui
