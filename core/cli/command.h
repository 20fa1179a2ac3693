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
Command predictCommand();
Command evaluateCommand();
Command archCommand();
Command tokenizeCommand();
Command featuresCommand();
Command exportCommand();
Command datasetCommand();
Command finetuneCommand();

QVector<Command> allCommands();

/** For inspect --arch-code: reads the code that built WEIGHTS' model into an architecture JSON in
 *  `folder` and returns its path; empty with `error` set when the code cannot give one. */
QString architectureFromCode(const QString &weightsPath, const QString &codeSpec, const QString &inputShape,
                             const QString &folder, QString *error);

} // namespace graft::cli
