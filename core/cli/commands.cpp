#include "core/cli/command.h"

namespace graft::cli {

QVector<Command> allCommands()
{
    return {
        inspectCommand(),
        datasetCommand(),
        tokenizeCommand(),
        featuresCommand(),
    };
}

} // namespace graft::cli
