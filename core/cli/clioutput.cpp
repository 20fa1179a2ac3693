#include "core/cli/clioutput.h"

#include <cstdio>

namespace graft::cli {

QTextStream &out()
{
    static QTextStream stream(stdout);
    return stream;
}

QTextStream &err()
{
    static QTextStream stream(stderr);
    return stream;
}

int fail(const QString &command, const QString &message, int exitCode)
{
    out().flush();
    QString oneLine = message;
    oneLine.replace(QLatin1Char('\n'), QLatin1Char(' '));
    err() << "graft-cli " << command << ": " << oneLine << Qt::endl;
    return exitCode;
}

void warn(const QString &command, const QStringList &warnings)
{
    for (const QString &warning : warnings)
        err() << "graft-cli " << command << ": warning: " << warning << '\n';
    err().flush();
}

} // namespace graft::cli
