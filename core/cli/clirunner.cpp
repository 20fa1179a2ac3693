#include "core/cli/clirunner.h"

#include "core/cli/clioutput.h"
#include "core/cli/command.h"

#include <QCoreApplication>

#include <exception>

namespace graft::cli {

static void printUsage(QTextStream &stream)
{
    stream << "Usage: graft-cli <command> [options]\n\n"
              "Graft: transfer learning for Keras classifiers, headless.\n\nCommands:\n";
    for (const Command &command : allCommands())
        stream << "  " << command.name.leftJustified(12) << command.summary << '\n';
    stream << "\nRun 'graft-cli <command> --help' for a command's options.\n";
    stream.flush();
}

int run(const QStringList &arguments)
{
    if (arguments.size() < 2 || arguments.at(1) == QLatin1String("--help") || arguments.at(1) == QLatin1String("-h")
        || arguments.at(1) == QLatin1String("help")) {
        printUsage(arguments.size() < 2 ? err() : out());
        return arguments.size() < 2 ? 2 : 0;
    }
    if (arguments.at(1) == QLatin1String("--version")) {
        out() << "graft-cli " << QCoreApplication::applicationVersion() << Qt::endl;
        return 0;
    }
    const QString name = arguments.at(1);
    for (const Command &command : allCommands()) {
        if (command.name != name)
            continue;
        try {
            return command.run(arguments.mid(2));
        } catch (const std::exception &e) {
            // Core reports failures as values; anything thrown here is a bug, still a clean exit.
            return fail(name, QStringLiteral("internal error: %1").arg(QString::fromLocal8Bit(e.what())), 3);
        }
    }
    err() << "graft-cli: unknown command '" << name << "'\n";
    printUsage(err());
    return 2;
}

} // namespace graft::cli
