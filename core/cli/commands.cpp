#include "core/cli/command.h"

namespace graft::cli {

QVector<Command> allCommands()
{
    return {
        inspectCommand(),
        tokenizeCommand(),
    };
}

} // namespace graft::cli
