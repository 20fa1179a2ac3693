#include "core/cli/clioutput.h"
#include "core/cli/command.h"
#include "core/export/modelexporter.h"
#include "core/formats/kerasfileloader.h"
#include "core/io/classnamesfile.h"

#include <QCommandLineParser>

namespace graft::cli {

namespace {

const QString name = QStringLiteral("export");

} // namespace

Command exportCommand()
{
    return {
        name, QStringLiteral("Write a model as Keras 2/3 HDF5, .keras or TorchScript"),
        [](const QStringList &arguments) -> int {
            QCommandLineParser parser;
            parser.setApplicationDescription(
                QStringLiteral("Reads a Keras file and writes it in the format its target name asks for:\n"
                               "  .h5 / .hdf5   Keras 2 weights, as tf.keras model.save_weights() lays them out\n"
                               "                (with --full: a whole model, as model.save() writes it)\n"
                               "  .weights.h5   Keras 3 weights (model.save_weights())\n"
                               "  .keras        Keras 3 model archive (model.save())\n"
                               "  .pt           TorchScript module for torch.jit.load(); it takes and returns\n"
                               "                tensors in Keras's layout (batch first, channels last)\n"
                               "Beside the model go <stem>.labels.txt (class names, when known) and, for\n"
                               "weights-only files, <stem>.json (the architecture, as model.to_json()).\n"
                               "Files are written through a temporary file and renamed into place; the files\n"
                               "the model is read from are never overwritten."));
            parser.addHelpOption();
            parser.addPositionalArgument(QStringLiteral("MODEL"),
                                         QStringLiteral("The Keras weights or model file to read."));
            const QCommandLineOption arch(
                QStringLiteral("arch"),
                QStringLiteral("Architecture JSON (model.to_json()) for a weights-only MODEL. "
                               "Default: <stem>.json beside MODEL, if present."),
                QStringLiteral("ARCH.json"));
            const QCommandLineOption to(QStringLiteral("to"), QStringLiteral("The file to write (required)."),
                                        QStringLiteral("OUT"));
            const QCommandLineOption full(QStringLiteral("full"),
                                          QStringLiteral("For .h5/.hdf5: write the whole model (architecture and "
                                                         "weights), not only the weights."));
            const QCommandLineOption classNames(QStringLiteral("class-names"),
                                                QStringLiteral("Class names in output order (one per line, or a JSON "
                                                               "list in a .json file), to write as "
                                                               "<stem>.labels.txt (default: the names found "
                                                               "beside MODEL)."),
                                                QStringLiteral("NAMES.txt"));
            const QCommandLineOption noLabels(QStringLiteral("no-labels"),
                                              QStringLiteral("Do not write <stem>.labels.txt."));
            const QCommandLineOption noJson(QStringLiteral("no-architecture-json"),
                                            QStringLiteral("Do not write <stem>.json beside a weights-only file."));
            const QCommandLineOption unknownDim(QStringLiteral("unknown-dim"),
                                                QStringLiteral("For .pt: the size traced for input dimensions the "
                                                               "model leaves open (None); default 16. If the "
                                                               "traced module depends on it, it accepts only "
                                                               "that size."),
                                                QStringLiteral("N"), QStringLiteral("16"));
            for (const QCommandLineOption &option : {arch, to, full, classNames, noLabels, noJson, unknownDim})
                parser.addOption(option);
            if (!parser.parse(QStringList{QStringLiteral("graft-cli export")} + arguments))
                return fail(name, parser.errorText(), 2);
            if (parser.isSet(QStringLiteral("help"))) {
                out() << parser.helpText();
                return 0;
            }
            if (parser.positionalArguments().size() != 1)
                return fail(name, QStringLiteral("expected exactly one MODEL (see --help)"), 2);
            if (!parser.isSet(to) || parser.value(to).isEmpty())
                return fail(name, QStringLiteral("--to OUT is required (see --help)"), 2);
            bool numberOk = false;
            const int openSize = parser.value(unknownDim).toInt(&numberOk);
            if (!numberOk || openSize < 1)
                return fail(
                    name,
                    QStringLiteral("--unknown-dim expects a positive integer, got '%1'").arg(parser.value(unknownDim)),
                    2);
            const QString target = parser.value(to);
            // Check the name before loading: a typo should not cost a model load.
            auto format = ModelExporter::formatFor(target, parser.isSet(full));
            if (!format)
                return fail(name, format.errorString(), 2);

            LoadOptions loadOptions;
            loadOptions.architectureJsonPath = parser.value(arch);
            auto loaded = KerasFileLoader::load(parser.positionalArguments().front(), loadOptions);
            if (!loaded)
                return fail(name, loaded.errorString());
            ExportOptions options;
            options.fullModel = parser.isSet(full);
            options.writeLabels = !parser.isSet(noLabels);
            options.writeArchitecture = !parser.isSet(noJson);
            options.unknownDimension = openSize;
            if (parser.isSet(classNames)) {
                auto names = ClassNamesFile::read(parser.value(classNames));
                if (!names)
                    return fail(name, names.errorString());
                loaded->classNames = *names;
                options.protectedInputs << parser.value(classNames);
            }
            warn(name, loaded->warnings);
            auto result = ModelExporter::exportModel(*loaded, target, options);
            if (!result)
                return fail(name, result.errorString());
            warn(name, result->warnings);
            err().flush();
            out() << "Wrote " << result->path << " (" << ModelExporter::formatName(result->format) << ")\n";
            for (int i = 1; i < result->writtenFiles.size(); ++i)
                out() << "Wrote " << result->writtenFiles.at(i) << '\n';
            out().flush();
            return 0;
        }};
}

} // namespace graft::cli
