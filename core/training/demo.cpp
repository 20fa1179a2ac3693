#include "core/training/demo.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

namespace graft {

namespace {

QString executableDir()
{
    // Without a QCoreApplication (tests, early startup) ask the kernel where the binary is.
    if (QCoreApplication::instance())
        return QCoreApplication::applicationDirPath();
    return QFileInfo(QStringLiteral("/proc/self/exe")).canonicalPath();
}

} // namespace

Expected<DemoFiles> demoFilesIn(const QString &folder)
{
    const QDir dir(folder);
    DemoFiles files;
    files.folder = dir.absolutePath();
    files.weights = dir.absoluteFilePath(QStringLiteral("base-speakers.h5"));
    files.architecture = dir.absoluteFilePath(QStringLiteral("base-speakers.json"));
    files.labels = dir.absoluteFilePath(QStringLiteral("base-speakers.labels.txt"));
    files.dataset = dir.absoluteFilePath(QStringLiteral("new-speakers"));
    files.readme = dir.absoluteFilePath(QStringLiteral("README.md"));
    if (!dir.exists())
        return makeError(QStringLiteral("the demo folder %1 does not exist").arg(files.folder));
    for (const QString &file : {files.weights, files.architecture, files.labels})
        if (!QFileInfo(file).isFile())
            return makeError(QStringLiteral("the demo in %1 is incomplete: %2 is missing (regenerate it with "
                                            "resources/demo/make_demo.py)")
                                 .arg(files.folder, file));
    for (const QString &split : {QStringLiteral("train"), QStringLiteral("val")})
        if (!QFileInfo(files.dataset + QLatin1Char('/') + split).isDir())
            return makeError(QStringLiteral("the demo in %1 is incomplete: %2/%3 is missing")
                                 .arg(files.folder, files.dataset, split));
    return files;
}

QStringList demoSearchPaths()
{
    QStringList paths;
    const QString fromEnvironment = qEnvironmentVariable("GRAFT_DEMO_DIR");
    if (!fromEnvironment.isEmpty())
        paths << fromEnvironment;
    paths << QDir::cleanPath(executableDir() + QStringLiteral("/../share/graft/demo"));
    paths << QStringLiteral(GRAFT_SOURCE_RESOURCES_DIR "/demo");
    return paths;
}

Expected<DemoFiles> demoFiles()
{
    const QStringList paths = demoSearchPaths();
    QStringList problems;
    for (const QString &path : paths) {
        auto files = demoFilesIn(path);
        if (files)
            return files;
        problems << files.errorString();
    }
    return makeError(
        QStringLiteral("the bundled demo was not found (searched %1; set GRAFT_DEMO_DIR to its folder): %2")
            .arg(paths.join(QStringLiteral(", ")), problems.last()));
}

} // namespace graft
