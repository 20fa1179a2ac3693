#include "ui/document/workbench.h"
#include "ui/mainwindow.h"

#include <QApplication>
#include <QCommandLineParser>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("Graft"));
    QApplication::setApplicationName(QStringLiteral("graft"));
    QApplication::setApplicationVersion(QStringLiteral(GRAFT_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Graft: a transfer-learning workbench for Keras classifiers."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("A Keras weights or model file to open."));
    const QCommandLineOption demo(
        QStringLiteral("demo"),
        QStringLiteral(
            "Open the bundled demo: the speaker model, the new speakers and a proposed head, ready to train."));
    parser.addOption(demo);
    parser.process(app);

    graft::ui::Workbench workbench;
    graft::ui::MainWindow window(&workbench);
    window.show();
    if (parser.isSet(demo))
        workbench.openDemo();
    else if (!parser.positionalArguments().isEmpty())
        workbench.openModel(parser.positionalArguments().front());
    return app.exec();
}
