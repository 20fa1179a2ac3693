#pragma once

#include <QByteArray>
#include <QProcess>
#include <QString>
#include <QStringList>

/** Output of one run of a helper script from tests/core/io/. */
struct PythonResult
{
    bool ok = false;
    QByteArray output;
    QString failure;
};

/**
 * Runs tests/core/io/<script> with Debian's /usr/bin/python3, which has numpy
 * (the python3 first on PATH may not). Reference files are made at test time,
 * never stored in the repository.
 */
inline PythonResult runPythonScript(const QString &script, const QStringList &args)
{
    PythonResult result;
    const QString path = QStringLiteral(GRAFT_SOURCE_DIR "/tests/core/io/") + script;
    QProcess process;
    process.start(QStringLiteral("/usr/bin/python3"), QStringList{path} + args);
    if (!process.waitForFinished(300000)) {
        result.failure = QStringLiteral("/usr/bin/python3 %1 did not finish: %2").arg(path, process.errorString());
        return result;
    }
    result.output = process.readAllStandardOutput();
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        result.failure = QStringLiteral("/usr/bin/python3 %1 failed: %2")
                             .arg(path, QString::fromUtf8(process.readAllStandardError()));
        return result;
    }
    result.ok = true;
    return result;
}
