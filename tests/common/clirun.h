#pragma once

// One graft-cli run from a tst_cli_* test (those get GRAFT_CLI_PATH): its exit code and
// both streams. graft-cli prints results on stdout and plans, progress and errors on stderr.

#include <QByteArray>
#include <QProcess>
#include <QStringList>

namespace graft::testing {

struct CliResult
{
    int exitCode = -1; ///< -1: crashed or did not finish in time
    QByteArray out;
    QByteArray err;
};

inline CliResult runCli(const QStringList &arguments, int timeoutMs = 600000)
{
    QProcess process;
    process.start(QStringLiteral(GRAFT_CLI_PATH), arguments);
    CliResult result;
    if (!process.waitForFinished(timeoutMs))
        return result;
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    result.out = process.readAllStandardOutput();
    result.err = process.readAllStandardError();
    return result;
}

} // namespace graft::testing
