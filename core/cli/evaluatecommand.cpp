#include "core/cli/clioutput.h"
#include "core/cli/command.h"
#include "core/engine/classificationreport.h"
#include "core/engine/inferencemodel.h"
#include "core/formats/kerasfileloader.h"
#include "core/io/classnamesfile.h"
#include "core/io/npyfile.h"

#include <QCommandLineParser>
#include <QJsonDocument>

namespace graft::cli {

namespace {

const QString name = QStringLiteral("evaluate");

} // namespace

Command evaluateCommand()
{
    return {
        name, QStringLiteral("Accuracy, per-class accuracy and confusion matrix of a classifier on .npy data"),
        [](const QStringList &arguments) -> int {
            QCommandLineParser parser;
            parser.setApplicationDescription(QStringLiteral(
                "Runs MODEL on X.npy (batch axis first, Keras's layout) and compares its predicted classes with "
                "y.npy: the argmax of each output row (the first one on ties), or output > 0.5 for a single "
                "sigmoid unit, as Keras's accuracy metrics decide. y holds class indices, shape (N,) or (N, 1), "
                "or one-hot rows (N, C). Prints the sample count, accuracy, per-class accuracy (the share of "
                "each true class predicted right) and the confusion matrix (rows: true class, columns: "
                "predicted class). The model must have one input; of several outputs the first is used."));
            parser.addHelpOption();
            parser.addPositionalArgument(QStringLiteral("MODEL"), QStringLiteral("The Keras model file (full model, "
                                                                                 "or weights with --arch)."));
            const QCommandLineOption arch(
                QStringLiteral("arch"),
                QStringLiteral("Architecture JSON (model.to_json()) for a weights-only MODEL. "
                               "Default: <stem>.json beside MODEL, if present."),
                QStringLiteral("ARCH.json"));
            const QCommandLineOption x(QStringLiteral("x"), QStringLiteral("The samples (.npy), batch axis first."),
                                       QStringLiteral("X.npy"));
            const QCommandLineOption y(QStringLiteral("y"),
                                       QStringLiteral("The true classes (.npy): indices or one-hot rows."),
                                       QStringLiteral("y.npy"));
            const QCommandLineOption classNames(QStringLiteral("class-names"),
                                                QStringLiteral("Class names in output order: one per line, or a JSON "
                                                               "list in a .json file (default: the names found "
                                                               "beside MODEL)."),
                                                QStringLiteral("names.txt"));
            const QCommandLineOption json(
                QStringLiteral("json"),
                QStringLiteral("Print one JSON object: {\"samples\", \"correct\", \"accuracy\", "
                               "\"per_class\": [accuracy or null per class], \"classes\": "
                               "[{index, name, samples, correct, accuracy}], \"confusion\": "
                               "[[count per predicted class] per true class]}."));
            const QCommandLineOption batch(
                QStringLiteral("batch"),
                QStringLiteral("Samples per forward pass (default 32); the results do not depend on it."),
                QStringLiteral("N"), QStringLiteral("32"));
            parser.addOptions({arch, x, y, classNames, json, batch});
            if (!parser.parse(QStringList{QStringLiteral("graft-cli evaluate")} + arguments))
                return fail(name, parser.errorText(), 2);
            if (parser.isSet(QStringLiteral("help"))) {
                out() << parser.helpText();
                out().flush();
                return 0;
            }
            if (parser.positionalArguments().size() != 1)
                return fail(name, QStringLiteral("expected exactly one MODEL (see --help)"), 2);
            if (!parser.isSet(x) || !parser.isSet(y))
                return fail(name, QStringLiteral("both --x and --y are required (see --help)"), 2);
            bool batchOk = false;
            const int batchSize = parser.value(batch).toInt(&batchOk);
            if (!batchOk || batchSize <= 0)
                return fail(name,
                            QStringLiteral("--batch must be a positive integer, got '%1'").arg(parser.value(batch)), 2);

            LoadOptions options;
            options.architectureJsonPath = parser.value(arch);
            const auto loaded = KerasFileLoader::load(parser.positionalArguments().front(), options);
            if (!loaded)
                return fail(name, loaded.errorString());
            warn(name, loaded->warnings);
            QStringList names = loaded->classNames;
            if (parser.isSet(classNames)) {
                auto read = ClassNamesFile::read(parser.value(classNames));
                if (!read)
                    return fail(name, read.errorString());
                names = *read;
            }
            auto model = InferenceModel::build(*loaded);
            if (!model)
                return fail(name, model.errorString());
            if (model->inputs().size() != 1)
                return fail(name, QStringLiteral("the model takes %1 inputs; evaluate handles single-input models "
                                                 "(use predict)")
                                      .arg(model->inputs().size()));
            const auto samples = NpyFile::read(parser.value(x));
            if (!samples)
                return fail(name, samples.errorString());
            const auto truth = NpyFile::read(parser.value(y));
            if (!truth)
                return fail(name, truth.errorString());
            auto labels = ClassificationReport::labelsFromArray(*truth);
            if (!labels)
                return fail(name, QStringLiteral("%1: %2").arg(parser.value(y), labels.errorString()));
            if (!samples->shape().empty() && std::int64_t(labels->size()) != samples->shape().front())
                return fail(name, QStringLiteral("%1 holds %2 samples but %3 holds %4 labels")
                                      .arg(parser.value(x))
                                      .arg(samples->shape().front())
                                      .arg(parser.value(y))
                                      .arg(labels->size()));
            TensorData input;
            input.shape = samples->shape();
            input.values = samples->toFloat32();
            auto outputs = model->predict({input}, batchSize);
            if (!outputs)
                return fail(name, outputs.errorString());
            auto report = ClassificationReport::compute(outputs->front(), *labels, names);
            if (!report)
                return fail(name, report.errorString());
            if (parser.isSet(json))
                out() << QJsonDocument(report->toJson()).toJson(QJsonDocument::Indented);
            else
                out() << report->toText();
            out().flush();
            return 0;
        }};
}

} // namespace graft::cli
