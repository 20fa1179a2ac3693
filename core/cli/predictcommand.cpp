#include "core/cli/clioutput.h"
#include "core/cli/command.h"
#include "core/engine/inferencemodel.h"
#include "core/formats/kerasfileloader.h"
#include "core/io/npyfile.h"
#include "core/io/npzfile.h"

#include <QCommandLineParser>
#include <QFileInfo>

namespace graft::cli {

namespace {

const QString name = QStringLiteral("predict");

TensorData toTensorData(const NpyArray &array)
{
    TensorData t;
    t.shape = array.shape();
    t.values = array.toFloat32();
    return t;
}

/** The arrays the --input options name, in model-input order (an .npz contributes all its arrays). */
Expected<std::vector<TensorData>> readInputs(const QStringList &paths, const QVector<ModelInput> &modelInputs)
{
    std::vector<TensorData> inputs;
    for (const QString &path : paths) {
        if (path.endsWith(QLatin1String(".npz"), Qt::CaseInsensitive)) {
            auto contents = NpzFile::read(path);
            if (!contents)
                return contents.error();
            // Arrays named like the model's inputs go in input order; otherwise archive order.
            bool byName = paths.size() == 1 && int(contents->size()) == modelInputs.size();
            for (const ModelInput &in : modelInputs)
                byName = byName && NpzFile::find(*contents, in.name);
            if (byName) {
                for (const ModelInput &in : modelInputs)
                    inputs.push_back(toTensorData(*NpzFile::find(*contents, in.name)));
            } else {
                for (const NpzEntry &entry : *contents)
                    inputs.push_back(toTensorData(entry.array));
            }
            continue;
        }
        auto array = NpyFile::read(path);
        if (!array)
            return array.error();
        inputs.push_back(toTensorData(*array));
    }
    if (int(inputs.size()) != modelInputs.size()) {
        QStringList names;
        for (const ModelInput &in : modelInputs)
            names << QStringLiteral("%1 %2").arg(in.name, shapeToString(in.shape));
        return makeError(QStringLiteral("the model takes %1 input(s) (%2), %3 array(s) given; pass one --input per "
                                        "model input, in this order")
                             .arg(modelInputs.size())
                             .arg(names.join(QStringLiteral(", ")))
                             .arg(inputs.size()));
    }
    return inputs;
}

NpyArray toNpy(const TensorData &t)
{
    return NpyArray(t.values, t.shape);
}

} // namespace

Command predictCommand()
{
    return {
        name, QStringLiteral("Run a Keras model on .npy inputs and write its outputs"),
        [](const QStringList &arguments) -> int {
            QCommandLineParser parser;
            parser.setApplicationDescription(QStringLiteral(
                "Runs MODEL on the arrays in X.npy (batch axis first, in Keras's layout: channels last) and "
                "writes what Keras's model.predict() returns: to a .npy for a single-output model, to a .npz "
                "(one array per output, named after the output layer) for several outputs. A model with "
                "several inputs takes one --input per input, in the model's input order, or one .npz whose "
                "arrays are named like the inputs. Inputs of any numeric dtype are converted to float32, as "
                "Keras does. Stateful recurrent layers start from zero states."));
            parser.addHelpOption();
            parser.addPositionalArgument(QStringLiteral("MODEL"), QStringLiteral("The Keras model file (full model, "
                                                                                 "or weights with --arch)."));
            const QCommandLineOption arch(
                QStringLiteral("arch"),
                QStringLiteral("Architecture JSON (model.to_json()) for a weights-only MODEL. "
                               "Default: <stem>.json beside MODEL, if present."),
                QStringLiteral("ARCH.json"));
            const QCommandLineOption input(QStringLiteral("input"),
                                           QStringLiteral("An input array (.npy), batch axis first; repeat for several "
                                                          "inputs. An .npz gives all inputs at once."),
                                           QStringLiteral("X.npy"));
            const QCommandLineOption output(QStringLiteral("output"),
                                            QStringLiteral("Where to write the outputs: .npy (one output) or .npz."),
                                            QStringLiteral("Y.npy|Y.npz"));
            const QCommandLineOption batch(
                QStringLiteral("batch"),
                QStringLiteral("Samples per forward pass (default 32); the results do not depend on it."),
                QStringLiteral("N"), QStringLiteral("32"));
            parser.addOptions({arch, input, output, batch});
            if (!parser.parse(QStringList{QStringLiteral("graft-cli predict")} + arguments))
                return fail(name, parser.errorText(), 2);
            if (parser.isSet(QStringLiteral("help"))) {
                out() << parser.helpText();
                out().flush();
                return 0;
            }
            if (parser.positionalArguments().size() != 1)
                return fail(name, QStringLiteral("expected exactly one MODEL (see --help)"), 2);
            if (!parser.isSet(input))
                return fail(name, QStringLiteral("no --input given (see --help)"), 2);
            if (!parser.isSet(output))
                return fail(name, QStringLiteral("no --output given (see --help)"), 2);
            bool batchOk = false;
            const int batchSize = parser.value(batch).toInt(&batchOk);
            if (!batchOk || batchSize <= 0)
                return fail(name,
                            QStringLiteral("--batch must be a positive integer, got '%1'").arg(parser.value(batch)), 2);
            const QString outputPath = parser.value(output);
            const bool npz = outputPath.endsWith(QLatin1String(".npz"), Qt::CaseInsensitive);
            if (!npz && !outputPath.endsWith(QLatin1String(".npy"), Qt::CaseInsensitive))
                return fail(name, QStringLiteral("--output must end in .npy or .npz, got '%1'").arg(outputPath), 2);
            for (const QString &in : parser.values(input))
                if (QFileInfo(in).canonicalFilePath() == QFileInfo(outputPath).canonicalFilePath()
                    && QFileInfo::exists(in))
                    return fail(
                        name, QStringLiteral("--output %1 is also an --input; it would be overwritten").arg(outputPath),
                        2);

            LoadOptions options;
            options.architectureJsonPath = parser.value(arch);
            const auto loaded = KerasFileLoader::load(parser.positionalArguments().front(), options);
            if (!loaded)
                return fail(name, loaded.errorString());
            warn(name, loaded->warnings);
            auto model = InferenceModel::build(*loaded);
            if (!model)
                return fail(name, model.errorString());
            if (!npz && model->outputCount() != 1)
                return fail(name,
                            QStringLiteral("the model has %1 outputs (%2): write them to an .npz")
                                .arg(model->outputCount())
                                .arg(model->outputNames().join(QStringLiteral(", "))),
                            2);
            auto inputs = readInputs(parser.values(input), model->inputs());
            if (!inputs)
                return fail(name, inputs.errorString());
            auto outputs = model->predict(*inputs, batchSize);
            if (!outputs)
                return fail(name, outputs.errorString());

            Expected<void> written;
            if (npz) {
                NpzContents contents;
                const QStringList names = model->outputNames();
                for (std::size_t i = 0; i < outputs->size(); ++i) {
                    QString entry = names.value(int(i));
                    entry.replace(QLatin1Char(':'), QLatin1Char('_')).replace(QLatin1Char('/'), QLatin1Char('_'));
                    contents.push_back(NpzEntry{entry, toNpy((*outputs)[i])});
                }
                written = NpzFile::write(outputPath, contents);
            } else {
                written = NpyFile::write(outputPath, toNpy(outputs->front()));
            }
            if (!written)
                return fail(name, written.errorString());
            for (std::size_t i = 0; i < outputs->size(); ++i)
                err() << "graft-cli predict: wrote " << model->outputNames().value(int(i)) << ' '
                      << (*outputs)[i].shapeString() << " to " << outputPath << Qt::endl;
            return 0;
        }};
}

} // namespace graft::cli
