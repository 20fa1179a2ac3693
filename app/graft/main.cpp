#include "ui/mainwindow.h"

#include <QApplication>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("Graft"));
    QApplication::setApplicationName(QStringLiteral("graft"));
    QApplication::setApplicationVersion(QStringLiteral(GRAFT_VERSION));
    graft::ui::MainWindow window;
    window.show();
    return app.exec();
}
