#pragma once

#include <QString>
#include <QStringList>

namespace graft::ui {

/**
 * The one list of recently opened files, models and projects alike, newest first, kept in
 * QSettings: File → Open Recent shows it, and opens a .graft entry as a project.
 */
class RecentFiles final
{
public:
    RecentFiles() = delete;

    static constexpr int maxFiles = 12;

    /** Absolute paths, newest first (the older separate list of projects is merged in once). */
    static QStringList paths();
    /** Puts `path` (made absolute) first. */
    static void add(const QString &path);
    /** A project file (.graft) rather than a model. */
    static bool isProject(const QString &path);
};

} // namespace graft::ui
