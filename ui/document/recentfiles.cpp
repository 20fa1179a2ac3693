#include "ui/document/recentfiles.h"

#include "core/project/projectfile.h"
#include "ui/common/settingskeys.h"

#include <QFileInfo>
#include <QSettings>

namespace graft::ui {

QStringList RecentFiles::paths()
{
    QSettings settings;
    QStringList recent = settings.value(settingskeys::recentFiles).toStringList();
    if (settings.contains(settingskeys::recentProjects)) {
        // Projects used to have a list of their own: keep them, after the files.
        for (const QString &project : settings.value(settingskeys::recentProjects).toStringList())
            if (!recent.contains(project) && recent.size() < maxFiles)
                recent << project;
        settings.remove(settingskeys::recentProjects);
        settings.setValue(settingskeys::recentFiles, recent);
    }
    return recent;
}

void RecentFiles::add(const QString &path)
{
    QStringList recent = paths();
    const QString absolute = QFileInfo(path).absoluteFilePath();
    recent.removeAll(absolute);
    recent.prepend(absolute);
    while (recent.size() > maxFiles)
        recent.removeLast();
    QSettings().setValue(settingskeys::recentFiles, recent);
}

bool RecentFiles::isProject(const QString &path)
{
    return path.endsWith(QLatin1Char('.') + ProjectFile::suffix(), Qt::CaseInsensitive);
}

} // namespace graft::ui
