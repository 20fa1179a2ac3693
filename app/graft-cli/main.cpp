#include "core/cli/clirunner.h"

#include <QCoreApplication>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("Graft"));
    QCoreApplication::setApplicationName(QStringLiteral("graft"));
    QCoreApplication::setApplicationVersion(QStringLiteral(GRAFT_VERSION));
    return graft::cli::run(QCoreApplication::arguments());
}
