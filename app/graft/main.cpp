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

    graft::ui::MainWindow window;
    window.show();
    if (parser.isSet(demo))
        window.openDemo();
    else if (!parser.positionalArguments().isEmpty())
        window.openModelFile(parser.positionalArguments().front());
    return app.exec();
}
