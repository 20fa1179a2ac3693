#include "core/arch/kerascodereader.h"
#include "core/common/jsonnumbers.h"

#include "core/arch/codedraftassembly.h"
#include "core/arch/pythonastparser.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

namespace graft {

namespace {

QString shapeText(const Shape &shape)
{
    return shapeToString(shape, false);
}

Shape shapeFromBatchShape(const QJsonValue &value)
{
    Shape shape;
    const QJsonArray dims = value.toArray();
    for (int i = 1; i < dims.size(); ++i)
        shape.push_back(dims.at(i).isDouble() ? jsonInteger(dims.at(i).toDouble()) : -1);
    return shape;
}

QJsonArray batchShape(const Shape &shape)
{
    QJsonArray dims{QJsonValue()};
    for (std::int64_t d : shape)
        dims.append(d < 0 ? QJsonValue() : QJsonValue(qint64(d)));
    return dims;
}

bool compatibleClass(const DraftLayer &row, const OutlineLayer &stored)
{
    if (!stored.className.isEmpty() && stored.className != row.className)
        return false;
    const KerasLayerClass *c = KerasLayerCatalog::find(row.className);
    return !c || c->hasWeights || stored.weights.isEmpty();
}

/** The file's layer names for the draft's rows, when the code's session numbered layers differently. */
void alignNames(ArchitectureDraft &draft, const WeightsOutline &weights)
{
    bool allPresent = true;
    for (const OutlineLayer *stored : weights.weightedLayers())
        allPresent = allPresent && draft.rowOf(stored->name) >= 0;
    if (allPresent)
        return;
    QVector<int> rows, weightedRows;
    for (int r = 0; r < draft.rowCount(); ++r) {
        if (draft.row(r).isInput())
            continue;
        rows << r;
        const KerasLayerClass *c = KerasLayerCatalog::find(draft.row(r).className);
        if (c && c->hasWeights)
            weightedRows << r;
    }
    QVector<const OutlineLayer *> fileLayers;
    for (const OutlineLayer &l : weights.layers)
        if (l.className != QLatin1String("InputLayer"))
            fileLayers << &l;
    const QVector<const OutlineLayer *> fileWeighted = weights.weightedLayers();
    QHash<QString, QString> names;
    auto matches = [&](const QVector<int> &r, const QVector<const OutlineLayer *> &f) {
        if (r.size() != f.size())
            return false;
        for (int i = 0; i < r.size(); ++i)
            if (!compatibleClass(draft.row(r.at(i)), *f.at(i)))
                return false;
        return true;
    };
    if (matches(rows, fileLayers)) {
        for (int i = 0; i < rows.size(); ++i)
            names.insert(draft.row(rows.at(i)).name, fileLayers.at(i)->name);
        QVector<int> inputRows;
        QVector<const OutlineLayer *> fileInputs;
        for (int r = 0; r < draft.rowCount(); ++r)
            if (draft.row(r).isInput())
                inputRows << r;
        for (const OutlineLayer &l : weights.layers)
            if (l.className == QLatin1String("InputLayer"))
                fileInputs << &l;
        if (inputRows.size() == fileInputs.size())
            for (int i = 0; i < inputRows.size(); ++i)
                names.insert(draft.row(inputRows.at(i)).name, fileInputs.at(i)->name);
    } else if (matches(weightedRows, fileWeighted)) {
        for (int i = 0; i < weightedRows.size(); ++i)
            names.insert(draft.row(weightedRows.at(i)).name, fileWeighted.at(i)->name);
    } else {
        return;
    }
    QStringList changed;
    for (auto it = names.constBegin(); it != names.constEnd(); ++it)
        if (it.key() != it.value())
            changed << QStringLiteral("%1 → %2").arg(it.key(), it.value());
    if (changed.isEmpty() || !draft.renameLayers(names))
        return;
    changed.sort();
    draft.addNote(
        QStringLiteral("layer names taken from the weights file (the session that saved it numbered its layers "
                       "differently): %1")
            .arg(changed.join(QStringLiteral(", "))));
}

} // namespace

void completeDraftWithWeights(ArchitectureDraft &draft, const CodeReadOptions &options, const WeightsOutline &weights)
{
    draft.setWeights(weights);
    if (!weights.isEmpty())
        alignNames(draft, weights);
    int inputRow = -1;
    for (int r = 0; r < draft.rowCount() && inputRow < 0; ++r)
        if (draft.row(r).isInput())
            inputRow = r;
    if (inputRow >= 0) {
        DraftLayer &input = draft.rowRef(inputRow);
        const QString key = QStringLiteral("batch_input_shape");
        const bool unresolved = input.questions.contains(key);
        if (!options.inputShape.empty()) {
            const Shape code = shapeFromBatchShape(input.config.value(key));
            if (!unresolved && code != options.inputShape)
                draft.addNote(
                    QStringLiteral("the code gives the input shape %1; the given input shape %2 is used instead")
                        .arg(shapeText(code), shapeText(options.inputShape)));
            else if (unresolved)
                draft.addNote(
                    QStringLiteral("input '%1': shape %2 as given").arg(input.name, shapeText(options.inputShape)));
            input.config.insert(key, batchShape(options.inputShape));
            input.origins.insert(key, FieldOrigin::User);
            input.questions.remove(key);
        } else if (unresolved) {
            // The first layer's weights may fix the input (a Dense's kernel rows, an LSTM's features).
            for (int r = 0; r < draft.rowCount(); ++r) {
                const DraftLayer &row = draft.row(r);
                if (row.inboundNodes.isEmpty() || row.inboundNodes.front().inputs.isEmpty()
                    || row.inboundNodes.front().inputs.front().layer != input.name)
                    continue;
                const OutlineLayer *stored = weights.layer(row.name);
                const Shape shape =
                    stored ? KerasLayerCatalog::inputShapeFromWeights(row.className, stored->weightShapes()) : Shape();
                if (!shape.empty()) {
                    input.config.insert(key, batchShape(shape));
                    input.origins.insert(key, FieldOrigin::Weights);
                    input.reasons.insert(key, QStringLiteral("from the weights of '%1'").arg(row.name));
                    input.questions.remove(key);
                    draft.addNote(QStringLiteral("input '%1': shape %2 from the weights of '%3' (give --input-shape if "
                                                 "that is not the shape you feed)")
                                      .arg(input.name, shapeText(shape), row.name));
                }
                break;
            }
        }
    }
    const QStringList filled = draft.applyWeightFields();
    if (!filled.isEmpty())
        draft.addNote(QStringLiteral("from the weight shapes: %1").arg(filled.join(QStringLiteral(", "))));
    draft.recompute();
}

std::pair<QString, QString> KerasCodeReader::splitCodeSpec(const QString &spec)
{
    static const QRegularExpression withFunction(QStringLiteral("^(.+):([A-Za-z_][A-Za-z0-9_.]*)$"));
    const QRegularExpressionMatch m = withFunction.match(spec);
    if (m.hasMatch() && !QFileInfo::exists(spec))
        return {m.captured(1), m.captured(2)};
    return {spec, QString()};
}

Expected<Shape> KerasCodeReader::parseShape(const QString &text)
{
    QString s = text.trimmed();
    s.remove(QLatin1Char('(')).remove(QLatin1Char(')')).remove(QLatin1Char('[')).remove(QLatin1Char(']'));
    const QStringList parts = s.split(QRegularExpression(QStringLiteral("[,x×\\s]+")), Qt::SkipEmptyParts);
    if (parts.isEmpty())
        return makeError(QStringLiteral("'%1' is not a shape; write it like 40,87,1 (no batch axis)").arg(text));
    Shape shape;
    for (const QString &p : parts) {
        if (p == QLatin1String("None") || p == QLatin1String("?") || p == QLatin1String("-1")) {
            shape.push_back(-1);
            continue;
        }
        bool ok = false;
        const qint64 d = p.toLongLong(&ok);
        if (!ok || d <= 0)
            return makeError(
                QStringLiteral("'%1' is not a shape: '%2' is not a positive size; write it like 40,87,1").arg(text, p));
        shape.push_back(d);
    }
    return shape;
}

Expected<QHash<QString, QJsonValue>> KerasCodeReader::parseBindings(const QStringList &assignments)
{
    QHash<QString, QJsonValue> bindings;
    static const QRegularExpression identifier(QStringLiteral("^[A-Za-z_][A-Za-z0-9_]*$"));
    for (const QString &a : assignments) {
        const int eq = a.indexOf(QLatin1Char('='));
        const QString name = a.left(eq).trimmed();
        if (eq <= 0 || !identifier.match(name).hasMatch())
            return makeError(QStringLiteral("'%1' is not NAME=VALUE").arg(a));
        QString value = a.mid(eq + 1).trimmed();
        // Python literals → JSON: tuples become lists, quotes double, True/False/None.
        QString json = value;
        json.replace(QLatin1Char('('), QLatin1Char('['))
            .replace(QLatin1Char(')'), QLatin1Char(']'))
            .replace(QLatin1Char('\''), QLatin1Char('"'));
        json.replace(QRegularExpression(QStringLiteral("\\bTrue\\b")), QStringLiteral("true"));
        json.replace(QRegularExpression(QStringLiteral("\\bFalse\\b")), QStringLiteral("false"));
        json.replace(QRegularExpression(QStringLiteral("\\bNone\\b")), QStringLiteral("null"));
        json.replace(QRegularExpression(QStringLiteral(",\\s*\\]")), QStringLiteral("]"));
        QJsonParseError error;
        const QJsonDocument doc =
            QJsonDocument::fromJson((QStringLiteral("[") + json + QStringLiteral("]")).toUtf8(), &error);
        if (error.error == QJsonParseError::NoError && doc.array().size() == 1)
            bindings.insert(name, doc.array().at(0));
        else
            bindings.insert(name, value); // a bare word: a string such as relu
    }
    return bindings;
}

Expected<ArchitectureDraft> KerasCodeReader::readFile(const QString &spec, const CodeReadOptions &options,
                                                      const WeightsOutline &weights)
{
    const auto [path, function] = splitCodeSpec(spec);
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return makeError(QStringLiteral("cannot read the code %1: %2").arg(path, file.errorString()));
    QByteArray source = file.readAll();
    if (path.endsWith(QLatin1String(".ipynb"), Qt::CaseInsensitive)) {
        auto code = PythonAstParser::notebookCode(source, path);
        if (!code)
            return code.error();
        source = *code;
    }
    CodeReadOptions withFunction = options;
    if (!function.isEmpty())
        withFunction.functionName = function;
    return read(source, QFileInfo(path).fileName(), withFunction, weights);
}

Expected<ArchitectureDraft> KerasCodeReader::read(const QByteArray &source, const QString &sourceName,
                                                  const CodeReadOptions &options, const WeightsOutline &weights)
{
    auto module = PythonAstParser::parse(source, sourceName);
    if (!module)
        return module.error();
    QStringList candidates;
    const QStringList builders = pycode::Interpreter::modelBuildingFunctions(*module);
    if (!options.functionName.isEmpty()) {
        if (pycode::Interpreter::functionLine(*module, options.functionName) == 0)
            return makeError(QStringLiteral("%1 has no top-level function '%2'%3")
                                 .arg(sourceName, options.functionName,
                                      builders.isEmpty() ? QString()
                                                         : QStringLiteral(" (functions that build a model: %1)")
                                                               .arg(builders.join(QStringLiteral(", ")))));
        candidates << options.functionName;
    } else {
        candidates = builders;
        if (builders.isEmpty() || pycode::Interpreter::moduleBuildsModel(*module, builders))
            candidates << QString(); // the module's own top-level code
    }
    // With several candidates, the one whose architecture fits the weights best wins. When none
    // builds a model (a builder hidden behind aliases or helpers), every other function is tried.
    std::optional<ArchitectureDraft> best;
    QString bestName;
    int bestScore = 0;
    QStringList failures;
    for (int i = 0; i < candidates.size(); ++i) {
        const QString candidate = candidates.at(i);
        if (i == candidates.size() - 1 && !best && options.functionName.isEmpty())
            for (const QString &f : pycode::Interpreter::topLevelFunctions(*module))
                if (!candidates.contains(f))
                    candidates << f;
        pycode::InterpreterOptions interpreterOptions;
        interpreterOptions.bindings = options.bindings;
        interpreterOptions.inputShape = options.inputShape;
        pycode::Interpreter interpreter(*module, source, interpreterOptions);
        interpreter.run(candidate);
        auto draft = assembleCodeDraft(interpreter, sourceName);
        if (!draft) {
            failures << draft.errorString();
            continue;
        }
        completeDraftWithWeights(*draft, options, weights);
        const int score = int(draft->questions().size() + draft->issues().size());
        if (!best || score < bestScore) {
            best = std::move(draft).value();
            bestName = candidate;
            bestScore = score;
        }
    }
    if (!best) {
        // The most telling failure: one that is not merely "builds no model".
        for (const QString &f : failures)
            if (!f.contains(QLatin1String("builds no Keras model")))
                return makeError(f);
        return makeError(failures.isEmpty() ? QStringLiteral("%1 builds no Keras model").arg(sourceName)
                                            : failures.front());
    }
    const QString what = bestName.isEmpty() ? QStringLiteral("the module-level code of %1").arg(sourceName)
                                            : QStringLiteral("%1() in %2").arg(bestName, sourceName);
    QStringList others = pycode::Interpreter::modelBuildingFunctions(*module);
    others.removeAll(bestName);
    best->addNote(QStringLiteral("read %1%2")
                      .arg(what, others.isEmpty()
                                     ? QString()
                                     : QStringLiteral(" (also builds a model: %1; choose with FILE.py:FUNCTION)")
                                           .arg(others
                                                    .replaceInStrings(QRegularExpression(QStringLiteral("^$")),
                                                                      QStringLiteral("module-level code"))
                                                    .join(QStringLiteral(", ")))));
    return std::move(*best);
}

} // namespace graft
