#pragma once

#include <QString>
#include <QTextStream>

namespace graft::cli {

/** stdout, for results (tables, JSON). */
QTextStream &out();
/** stderr, for progress and errors. */
QTextStream &err();

/** Prints "graft-cli <command>: <message>" on one line of stderr and returns the failure exit code. */
int fail(const QString &command, const QString &message, int exitCode = 1);

} // namespace graft::cli
