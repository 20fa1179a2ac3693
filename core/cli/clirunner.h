#pragma once

#include <QStringList>

namespace graft::cli {

/** Dispatches graft-cli's arguments (argv[0] first) to a subcommand; returns the exit code. */
int run(const QStringList &arguments);

} // namespace graft::cli
