#include "core/arch/architectureinference.h"
#include "core/arch/kerascodereader.h"
#include "core/cli/clioutput.h"
#include "core/cli/command.h"
#include "core/common/atomicfiletarget.h"
#include "core/formats/kerasfileloader.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>

namespace graft::cli {

namespace {

const QString commandName = QStringLiteral("arch");

Expected<WeightsOutline> outlineOf(const QString &weightsPath)
{
    LoadOptions options;
    options.searchBesideFile = false; // the point is to build the architecture, not to find an old one
    auto loaded = KerasFileLoader::load(weightsPath, options);
    if (!loaded)
        return loaded.error();
    return WeightsOutline::fromModelSpec(loaded->model, weightsPath, loaded->kerasVersion);
}

Expected<ArchitectureDraft> buildDraft(const QCommandLineParser &parser, const WeightsOutline &outline, bool infer,
                                       const QString &codeSpec)
{
    CodeReadOptions options;
    if (parser.isSet(QStringLiteral("input-shape"))) {
        auto shape = KerasCodeReader::parseShape(parser.value(QStringLiteral("input-shape")));
        if (!shape)
            return shape.error();
        options.inputShape = *shape;
    }
    auto bindings = KerasCodeReader::parseBindings(parser.values(QStringLiteral("set")));
    if (!bindings)
        return bindings.error();
    options.bindings = *bindings;
    if (infer)
        return ArchitectureInference::infer(outline, options.inputShape);
    return KerasCodeReader::readFile(codeSpec, options, outline);
}

QJsonValue shapeJson(const QVector<Shape> &shapes)
{
    if (shapes.size() != 1)
        return QJsonValue();
    QJsonArray dims{QJsonValue()};
    for (std::int64_t d : shapes.front())
        dims.append(d < 0 ? QJsonValue() : QJsonValue(qint64(d)));
    return dims;
}

QString shapesText(const QVector<Shape> &shapes)
{
    if (shapes.isEmpty())
        return QStringLiteral("?");
    QStringList parts;
    for (const Shape &s : shapes)
        parts << shapeToString(s);
    return parts.join(QStringLiteral(", "));
}

QJsonObject reportJson(const ArchitectureDraft &draft, const QString &written)
{
    QJsonArray layers;
    for (int r = 0; r < draft.rowCount(); ++r) {
        const DraftLayer &row = draft.row(r);
        QJsonObject origins;
        for (auto it = row.origins.constBegin(); it != row.origins.constEnd(); ++it)
            origins.insert(it.key(), fieldOriginName(it.value()));
        QJsonObject entry{{QStringLiteral("name"), row.name},
                          {QStringLiteral("class"), row.className},
                          {QStringLiteral("output_shape"), shapeJson(row.outputShapes)},
                          {QStringLiteral("params"), qint64(row.params.total)},
                          {QStringLiteral("guessed"), QJsonArray::fromStringList(row.guessedFields())},
                          {QStringLiteral("origins"), origins},
                          {QStringLiteral("issues"), QJsonArray::fromStringList(row.issues)}};
        if (row.sourceLine > 0)
            entry.insert(QStringLiteral("line"), row.sourceLine);
        layers.append(entry);
    }
    const ParamCount p = draft.params();
    return QJsonObject{{QStringLiteral("layers"), layers},
                       {QStringLiteral("total_params"), qint64(p.total)},
                       {QStringLiteral("trainable_params"), qint64(p.trainable)},
                       {QStringLiteral("non_trainable_params"), qint64(p.nonTrainable)},
                       {QStringLiteral("consistent"), draft.isConsistent()},
                       {QStringLiteral("notes"), QJsonArray::fromStringList(draft.notes())},
                       {QStringLiteral("questions"), QJsonArray::fromStringList(draft.questions())},
                       {QStringLiteral("issues"), QJsonArray::fromStringList(draft.issues())},
                       {QStringLiteral("architecture"), draft.toKerasJson()},
                       {QStringLiteral("written"), written.isEmpty() ? QJsonValue() : QJsonValue(written)}};
}

QString reportText(const ArchitectureDraft &draft, const QString &written)
{
    QLocale number = QLocale::c();
    number.setNumberOptions(QLocale::DefaultNumberOptions);
    QString text;
    int nameWidth = 28, shapeWidth = 22;
    for (int r = 0; r < draft.rowCount(); ++r) {
        nameWidth = std::max<int>(nameWidth, int(draft.row(r).name.size() + draft.row(r).className.size() + 4));
        shapeWidth = std::max<int>(shapeWidth, int(shapesText(draft.row(r).outputShapes).size() + 2));
    }
    text += QStringLiteral("Layer (type)").leftJustified(nameWidth)
            + QStringLiteral("Output Shape").leftJustified(shapeWidth) + QStringLiteral("Param #     Guessed\n");
    for (int r = 0; r < draft.rowCount(); ++r) {
        const DraftLayer &row = draft.row(r);
        text += QStringLiteral("%1 (%2)").arg(row.name, row.className).leftJustified(nameWidth)
                + shapesText(row.outputShapes).leftJustified(shapeWidth)
                + number.toString(qlonglong(row.params.total)).leftJustified(12)
                + row.guessedFields().join(QStringLiteral(", ")) + QLatin1Char('\n');
        for (const QString &issue : row.issues)
            text += QStringLiteral("    ! %1\n").arg(issue);
    }
    const ParamCount p = draft.params();
    text += QStringLiteral("Total params: %1\nTrainable params: %2\nNon-trainable params: %3\n")
                .arg(number.toString(qlonglong(p.total)), number.toString(qlonglong(p.trainable)),
                     number.toString(qlonglong(p.nonTrainable)));
    for (const QString &note : draft.notes())
        text += QStringLiteral("Note: %1\n").arg(note);
    for (const QString &issue : draft.modelIssues())
        text += QStringLiteral("Issue: %1\n").arg(issue);
    for (const QString &question : draft.questions())
        text += QStringLiteral("Question: %1\n").arg(question);
    if (!written.isEmpty())
        text += QStringLiteral("Wrote %1\n").arg(written);
    return text;
}

} // namespace

QString architectureFromCode(const QString &weightsPath, const QString &codeSpec, const QString &inputShape,
                             const QString &folder, QString *error)
{
    auto outline = outlineOf(weightsPath);
    if (!outline) {
        *error = outline.errorString();
        return {};
    }
    CodeReadOptions options;
    if (!inputShape.isEmpty()) {
        auto shape = KerasCodeReader::parseShape(inputShape);
        if (!shape) {
            *error = shape.errorString();
            return {};
        }
        options.inputShape = *shape;
    }
    auto draft = KerasCodeReader::readFile(codeSpec, options, *outline);
    if (!draft) {
        *error = draft.errorString();
        return {};
    }
    if (!draft->isComplete()) {
        *error =
            QStringLiteral("the code leaves questions open: %1").arg(draft->questions().join(QStringLiteral("; ")));
        return {};
    }
    for (const QString &note : draft->notes())
        err() << "graft-cli inspect: " << note << '\n';
    const QString path =
        QDir(folder).filePath(QFileInfo(weightsPath).completeBaseName() + QStringLiteral(".arch.json"));
    auto saved = draft->save(path);
    if (!saved) {
        *error = saved.errorString();
        return {};
    }
    return path;
}

Command archCommand()
{
    return {
        commandName,
        QStringLiteral("Build the architecture of a weights-only file from its Python code or by inference"),
        [](const QStringList &arguments) -> int {
            QCommandLineParser parser;
            parser.setApplicationDescription(QStringLiteral(
                "Builds a model.to_json()-compatible architecture for a Keras weights file that has none "
                "(ModelCheckpoint(save_weights_only=True) output), checks it against every stored weight shape and "
                "prints each layer's output shape and parameters.\n"
                "--from-code reads the Python code that built the model (parsed with python3's ast module, never "
                "executed): Sequential or functional, FILE.py or FILE.py:FUNCTION, or a .ipynb notebook. Values the "
                "code cannot give (function parameters, data shapes) come from the weights, --input-shape or --set.\n"
                "--infer proposes an architecture from the layer names and weight shapes alone and marks every field "
                "it had to guess."));
            parser.addHelpOption();
            parser.addPositionalArgument(QStringLiteral("WEIGHTS"),
                                         QStringLiteral("The Keras weights file (.h5/.hdf5/.weights.h5)."));
            const QCommandLineOption fromCode(
                QStringLiteral("from-code"),
                QStringLiteral("Python file that builds the model; :FUNCTION picks the function."),
                QStringLiteral("FILE.py[:FUNCTION]"));
            const QCommandLineOption infer(QStringLiteral("infer"),
                                           QStringLiteral("Infer the architecture from names and shapes."));
            const QCommandLineOption inputShape(
                QStringLiteral("input-shape"),
                QStringLiteral("The model input without batch axis, e.g. 40,87,1 (None for "
                               "a variable length)."),
                QStringLiteral("SHAPE"));
            const QCommandLineOption set(QStringLiteral("set"),
                                         QStringLiteral("Value of a function parameter or module variable the code "
                                                        "leaves open, e.g. --set num_classes=40 (repeatable)."),
                                         QStringLiteral("NAME=VALUE"));
            const QCommandLineOption outFile(QStringLiteral("out"),
                                             QStringLiteral("Write the architecture JSON here (atomically). Without it "
                                                            "nothing is written."),
                                             QStringLiteral("ARCH.json"));
            const QCommandLineOption force(QStringLiteral("force"),
                                           QStringLiteral("Write --out even when the architecture does not match every "
                                                          "weight shape."));
            const QCommandLineOption json(QStringLiteral("json"),
                                          QStringLiteral("Print one JSON object (layers, guessed "
                                                         "fields, notes, the architecture)."));
            parser.addOptions({fromCode, infer, inputShape, set, outFile, force, json});
            if (!parser.parse(QStringList{QStringLiteral("graft-cli arch")} + arguments))
                return fail(commandName, parser.errorText(), 2);
            if (parser.isSet(QStringLiteral("help"))) {
                out() << parser.helpText();
                return 0;
            }
            if (parser.positionalArguments().size() != 1)
                return fail(commandName, QStringLiteral("expected exactly one WEIGHTS file (see --help)"), 2);
            if (parser.isSet(fromCode) == parser.isSet(infer))
                return fail(commandName, QStringLiteral("give either --from-code FILE.py[:FUNCTION] or --infer"), 2);
            const QString weightsPath = parser.positionalArguments().front();
            auto outline = outlineOf(weightsPath);
            if (!outline)
                return fail(commandName, outline.errorString());
            auto draft = buildDraft(parser, *outline, parser.isSet(infer), parser.value(fromCode));
            if (!draft)
                return fail(commandName, draft.errorString());

            QString written;
            int status = 0;
            QString failure;
            if (!draft->isComplete()) {
                failure = QStringLiteral("the architecture is incomplete: %1")
                              .arg(draft->questions().join(QStringLiteral("; ")));
            } else if (!draft->isConsistent() && !parser.isSet(force)) {
                failure = QStringLiteral("the architecture does not match the weights: %1 (--force writes it anyway)")
                              .arg(draft->issues().join(QStringLiteral("; ")));
            } else if (parser.isSet(outFile)) {
                const QString target = parser.value(outFile);
                auto refused = refuseOverwritingInput(
                    target, {weightsPath, KerasCodeReader::splitCodeSpec(parser.value(fromCode)).first});
                auto saved = refused ? draft->save(target) : Expected<void>(refused.error());
                if (saved)
                    written = target;
                else
                    failure = saved.errorString();
            }
            if (!failure.isEmpty())
                status = 1;
            if (parser.isSet(json))
                out() << QJsonDocument(reportJson(*draft, written)).toJson(QJsonDocument::Indented);
            else
                out() << reportText(*draft, written);
            out().flush();
            return failure.isEmpty() ? status : fail(commandName, failure, status);
        }};
}

} // namespace graft::cli
