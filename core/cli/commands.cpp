#include "core/cli/command.h"

namespace graft::cli {

QVector<Command> allCommands()
{
    return {
        inspectCommand(),  predictCommand(), evaluateCommand(), archCommand(),     tokenizeCommand(),
        featuresCommand(), exportCommand(),  datasetCommand(),  finetuneCommand(),
    };
}

} // namespace graft::cli
