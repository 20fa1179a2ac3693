#pragma once

#include <QString>
#include <QStringList>
#include <QVector>

#include <functional>

namespace graft::cli {

/** One graft-cli subcommand: its name, one-line summary, and the function that runs it. */
struct Command
{
    QString name;
    QString summary;
    /** Runs with the arguments after the subcommand name; returns the process exit code. */
    std::function<int(const QStringList &arguments)> run;
};

// One factory per subcommand, each defined in its own <name>command.cpp.
// Add a new subcommand by declaring its factory here and listing it in allCommands().
Command inspectCommand();
Command datasetCommand();
Command tokenizeCommand();
Command featuresCommand();

QVector<Command> allCommands();

} // namespace graft::cli
