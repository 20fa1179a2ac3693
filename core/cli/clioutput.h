#pragma once

#include <QString>
#include <QStringList>
#include <QTextStream>

namespace graft::cli {

/** stdout, for results (tables, JSON). */
QTextStream &out();
/** stderr, for progress and errors. */
QTextStream &err();

/** Prints "graft-cli <command>: <message>" on one line of stderr and returns the failure exit code. */
int fail(const QString &command, const QString &message, int exitCode = 1);

/** Prints each of `warnings` as "graft-cli <command>: warning: <warning>" on stderr. */
void warn(const QString &command, const QStringList &warnings);

} // namespace graft::cli
