#include "core/cli/clioutput.h"
#include "core/cli/command.h"
#include "core/formats/kerasfileloader.h"
#include "core/model/modelsummary.h"

#include <QCommandLineParser>
#include <QJsonDocument>
#include <QTemporaryDir>

namespace graft::cli {

Command inspectCommand()
{
    return {
        QStringLiteral("inspect"), QStringLiteral("List a Keras file's layers, shapes and parameter counts"),
        [](const QStringList &arguments) -> int {
            QCommandLineParser parser;
            parser.setApplicationDescription(QStringLiteral(
                "Reads a Keras file (Keras 2 .h5/.hdf5 weights or full model, Keras 3 .weights.h5 or .keras; "
                "the format is detected from the content) and prints its layers like model.summary()."));
            parser.addHelpOption();
            parser.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("The Keras weights or model file."));
            const QCommandLineOption arch(QStringLiteral("arch"),
                                          QStringLiteral("Architecture JSON (model.to_json()) for a weights-only file. "
                                                         "Default: <stem>.json beside FILE, if present."),
                                          QStringLiteral("ARCH.json"));
            const QCommandLineOption json(QStringLiteral("json"),
                                          QStringLiteral("Print one JSON object instead of a table."));
            const QCommandLineOption archCode(
                QStringLiteral("arch-code"),
                QStringLiteral("Python code that built the model (read, never run): its "
                               "architecture is used for a weights-only FILE. See graft-cli arch."),
                QStringLiteral("FILE.py[:FUNCTION]"));
            const QCommandLineOption inputShape(QStringLiteral("input-shape"),
                                                QStringLiteral("With --arch-code: the model input without batch axis, "
                                                               "e.g. 40,87,1."),
                                                QStringLiteral("SHAPE"));
            parser.addOption(arch);
            parser.addOption(json);
            parser.addOption(archCode);
            parser.addOption(inputShape);
            if (!parser.parse(QStringList{QStringLiteral("graft-cli inspect")} + arguments))
                return fail(QStringLiteral("inspect"), parser.errorText(), 2);
            if (parser.isSet(QStringLiteral("help"))) {
                out() << parser.helpText();
                return 0;
            }
            if (parser.positionalArguments().size() != 1)
                return fail(QStringLiteral("inspect"), QStringLiteral("expected exactly one FILE (see --help)"), 2);
            LoadOptions options;
            options.architectureJsonPath = parser.value(arch);
            QTemporaryDir archFolder;
            if (parser.isSet(archCode)) {
                QString error;
                options.architectureJsonPath =
                    architectureFromCode(parser.positionalArguments().front(), parser.value(archCode),
                                         parser.value(inputShape), archFolder.path(), &error);
                if (options.architectureJsonPath.isEmpty())
                    return fail(QStringLiteral("inspect"), error);
            }
            const auto loaded = KerasFileLoader::load(parser.positionalArguments().front(), options);
            if (!loaded)
                return fail(QStringLiteral("inspect"), loaded.errorString());
            if (parser.isSet(json))
                out() << QJsonDocument(ModelSummary::json(*loaded)).toJson(QJsonDocument::Indented);
            else
                out() << ModelSummary::table(*loaded);
            out().flush();
            return 0;
        }};
}

} // namespace graft::cli
