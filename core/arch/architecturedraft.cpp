#include "core/arch/architecturedraft.h"
#include "core/common/jsonnumbers.h"

#include "core/model/kerasconfigparser.h"
#include "core/model/layernaming.h"
#include "core/model/shapeinference.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>

namespace graft {

namespace {

QString shapesText(const QStringList &names, const QVector<Shape> &shapes)
{
    QStringList parts;
    for (int i = 0; i < shapes.size(); ++i) {
        const QString name = i < names.size() && !names.at(i).startsWith(QLatin1String("var"))
                                 ? names.at(i) + QLatin1Char(' ')
                                 : QString();
        parts << name + shapeToString(shapes.at(i), false);
    }
    return parts.isEmpty() ? QStringLiteral("none") : parts.join(QStringLiteral(", "));
}

bool classHasWeights(const DraftLayer &row)
{
    if (!row.expectedWeights.isEmpty())
        return true;
    const KerasLayerClass *c = KerasLayerCatalog::find(row.className);
    return c && c->hasWeights;
}

} // namespace

QString fieldOriginName(FieldOrigin origin)
{
    switch (origin) {
    case FieldOrigin::Default: return QStringLiteral("default");
    case FieldOrigin::Code: return QStringLiteral("code");
    case FieldOrigin::Weights: return QStringLiteral("weights");
    case FieldOrigin::Guessed: return QStringLiteral("guessed");
    case FieldOrigin::User: return QStringLiteral("user");
    case FieldOrigin::Unresolved: return QStringLiteral("unresolved");
    }
    return {};
}

QStringList DraftLayer::guessedFields() const
{
    QStringList keys;
    for (auto it = origins.constBegin(); it != origins.constEnd(); ++it)
        if (it.value() == FieldOrigin::Guessed)
            keys << it.key();
    keys.sort();
    return keys;
}

void ArchitectureDraft::setModel(const QString &name, bool sequential)
{
    m_name = name;
    m_sequential = sequential;
}

void ArchitectureDraft::appendLayer(DraftLayer layer)
{
    layer.config.insert(QStringLiteral("name"), layer.name);
    m_layers.append(std::move(layer));
}

int ArchitectureDraft::rowOf(const QString &layerName) const
{
    for (int i = 0; i < m_layers.size(); ++i)
        if (m_layers.at(i).name == layerName)
            return i;
    return -1;
}

QVector<DraftField> ArchitectureDraft::fields(int row) const
{
    QVector<DraftField> result;
    if (row < 0 || row >= m_layers.size())
        return result;
    const DraftLayer &layer = m_layers.at(row);
    auto make = [&](const QString &key, FieldKind kind) {
        DraftField f;
        f.key = key;
        f.kind = kind;
        f.value = layer.config.value(key);
        f.origin = layer.questions.contains(key) ? FieldOrigin::Unresolved : layer.origin(key);
        f.question = layer.questions.value(key);
        f.reason = layer.reasons.value(key);
        return f;
    };
    if (layer.isInput()) {
        DraftField f = make(QStringLiteral("batch_input_shape"), FieldKind::IntList);
        f.computational = true;
        result << f;
        return result;
    }
    QSet<QString> listed{QStringLiteral("name")};
    if (const KerasLayerClass *c = KerasLayerCatalog::find(layer.className)) {
        for (const KerasParam &p : c->params) {
            if (p.name == QLatin1String("weights"))
                continue;
            DraftField f = make(p.name, p.kind);
            if (!layer.config.contains(p.name))
                f.value = p.defaultValue.isUndefined() ? QJsonValue() : p.defaultValue;
            f.tupleRank = p.tupleRank;
            f.choices = p.kind == FieldKind::Activation ? KerasLayerCatalog::activationNames() : p.choices;
            f.computational = p.computational;
            result << f;
            listed.insert(p.name);
        }
    }
    DraftField trainable = make(QStringLiteral("trainable"), FieldKind::Bool);
    trainable.value = layer.config.value(QStringLiteral("trainable")).toBool(true);
    result << trainable;
    listed.insert(QStringLiteral("trainable"));
    for (auto it = layer.config.constBegin(); it != layer.config.constEnd(); ++it)
        if (!listed.contains(it.key()) && it.key() != QLatin1String("dtype"))
            result << make(it.key(), FieldKind::Json);
    return result;
}

Shape ArchitectureDraft::inputShape() const
{
    for (const DraftLayer &layer : m_layers) {
        if (!layer.isInput())
            continue;
        const QJsonArray dims = layer.config.value(QStringLiteral("batch_input_shape")).toArray();
        Shape shape;
        for (int i = 1; i < dims.size(); ++i)
            shape.push_back(dims.at(i).isDouble() ? jsonInteger(dims.at(i).toDouble()) : -1);
        return shape;
    }
    return {};
}

QStringList ArchitectureDraft::questions() const
{
    QStringList result;
    for (const DraftLayer &layer : m_layers) {
        QStringList keys = layer.questions.keys();
        keys.sort();
        for (const QString &key : keys) {
            const QString where = layer.sourceLine > 0 ? QStringLiteral("line %1: ").arg(layer.sourceLine) : QString();
            result << QStringLiteral("%1layer '%2' (%3) %4: %5")
                          .arg(where, layer.name, layer.className, key, layer.questions.value(key));
        }
    }
    return result;
}

QStringList ArchitectureDraft::issues() const
{
    QStringList result = m_modelIssues;
    for (const DraftLayer &layer : m_layers)
        for (const QString &issue : layer.issues)
            result << QStringLiteral("layer '%1' (%2): %3").arg(layer.name, layer.className, issue);
    return result;
}

ParamCount ArchitectureDraft::params() const
{
    ParamCount count;
    for (const DraftLayer &layer : m_layers)
        count += layer.params;
    return count;
}

Expected<void> ArchitectureDraft::setField(int row, const QString &key, const QJsonValue &value)
{
    if (row < 0 || row >= m_layers.size())
        return makeError(QStringLiteral("there is no layer row %1").arg(row));
    DraftLayer &layer = m_layers[row];
    if (key == QLatin1String("name")) {
        if (!value.isString())
            return makeError(QStringLiteral("a layer name must be a string"));
        return renameLayer(row, value.toString());
    }
    QJsonValue normalized = value;
    if (layer.isInput()) {
        if (key != QLatin1String("batch_input_shape"))
            return makeError(QStringLiteral("an input layer has only its shape to edit"));
        const QJsonArray dims = value.toArray();
        if (!value.isArray() || dims.size() < 2 || !dims.at(0).isNull())
            return makeError(QStringLiteral("batch_input_shape is [null, d1, d2, …] (the batch axis first, as null)"));
    } else if (key == QLatin1String("trainable")) {
        if (!value.isBool())
            return makeError(QStringLiteral("trainable is true or false"));
    } else if (const KerasLayerClass *c = KerasLayerCatalog::find(layer.className)) {
        const KerasParam *param = c->param(key);
        if (!param)
            return makeError(QStringLiteral("%1 has no config field '%2'").arg(layer.className, key));
        auto n = KerasLayerCatalog::normalize(layer.className, *param, value);
        if (!n)
            return n.error();
        normalized = *n;
    }
    layer.config.insert(key, normalized);
    KerasLayerCatalog::completeConfig(layer.className, layer.config);
    // Keras's pooling strides default to the pool size: unless given, they follow it.
    if (key == QLatin1String("pool_size") && layer.origin(QStringLiteral("strides")) == FieldOrigin::Default)
        layer.config.insert(QStringLiteral("strides"), QJsonValue());
    layer.origins.insert(key, FieldOrigin::User);
    layer.questions.remove(key);
    layer.reasons.remove(key);
    recompute();
    return {};
}

Expected<void> ArchitectureDraft::setClassName(int row, const QString &className)
{
    if (row < 0 || row >= m_layers.size())
        return makeError(QStringLiteral("there is no layer row %1").arg(row));
    const QString canonical = KerasLayerCatalog::canonicalClassName(className);
    if (canonical.isEmpty() || canonical == QLatin1String("InputLayer"))
        return makeError(QStringLiteral("'%1' is not a layer class Graft can write a config for").arg(className));
    DraftLayer &layer = m_layers[row];
    if (layer.isInput())
        return makeError(QStringLiteral("an input layer's class cannot be changed"));
    const bool trainable = layer.config.value(QStringLiteral("trainable")).toBool(true);
    layer.className = canonical;
    layer.config = KerasLayerCatalog::defaultConfig(canonical, layer.name);
    layer.config.insert(QStringLiteral("trainable"), trainable);
    layer.origins.clear();
    layer.questions.clear();
    layer.reasons.clear();
    for (const KerasParam &p : KerasLayerCatalog::find(canonical)->params) {
        if (p.required()) {
            layer.questions.insert(p.name, QStringLiteral("required by %1; give a value").arg(canonical));
            layer.origins.insert(p.name, FieldOrigin::Unresolved);
        }
    }
    applyWeightFields(row);
    recompute();
    return {};
}

Expected<void> ArchitectureDraft::setInputShape(const Shape &shape, int inputIndex)
{
    int seen = 0;
    for (DraftLayer &layer : m_layers) {
        if (!layer.isInput() || seen++ != inputIndex)
            continue;
        QJsonArray dims{QJsonValue()};
        for (std::int64_t d : shape) {
            if (d == 0 || d < -1)
                return makeError(QStringLiteral("input shape %1 has a dimension that is not positive")
                                     .arg(shapeToString(shape, false)));
            dims.append(d < 0 ? QJsonValue() : QJsonValue(qint64(d)));
        }
        layer.config.insert(QStringLiteral("batch_input_shape"), dims);
        layer.origins.insert(QStringLiteral("batch_input_shape"), FieldOrigin::User);
        layer.questions.remove(QStringLiteral("batch_input_shape"));
        recompute();
        return {};
    }
    return makeError(QStringLiteral("the model has no input %1").arg(inputIndex + 1));
}

Expected<void> ArchitectureDraft::renameLayer(int row, const QString &newName)
{
    if (row < 0 || row >= m_layers.size())
        return makeError(QStringLiteral("there is no layer row %1").arg(row));
    return renameLayers({{m_layers.at(row).name, newName}});
}

Expected<void> ArchitectureDraft::renameLayers(const QHash<QString, QString> &newNames)
{
    QSet<QString> finalNames;
    for (const DraftLayer &layer : m_layers) {
        const QString name = newNames.value(layer.name, layer.name);
        if (name.isEmpty() || name.contains(QLatin1Char('/')))
            return makeError(QStringLiteral("'%1' is not a valid layer name (empty or contains '/')").arg(name));
        if (finalNames.contains(name))
            return makeError(QStringLiteral("two layers would be named '%1'").arg(name));
        finalNames.insert(name);
    }
    auto renamed = [&](const QString &old) { return newNames.value(old, old); };
    for (DraftLayer &layer : m_layers) {
        layer.name = renamed(layer.name);
        layer.config.insert(QStringLiteral("name"), layer.name);
        for (InboundNode &node : layer.inboundNodes)
            for (TensorRef &ref : node.inputs)
                ref.layer = renamed(ref.layer);
    }
    for (TensorRef &ref : m_outputs)
        ref.layer = renamed(ref.layer);
    recompute();
    return {};
}

QString ArchitectureDraft::uniqueName(const QString &className) const
{
    const QString base = kerasSnakeCase(className);
    if (rowOf(base) < 0)
        return base;
    for (int i = 1;; ++i)
        if (rowOf(QStringLiteral("%1_%2").arg(base).arg(i)) < 0)
            return QStringLiteral("%1_%2").arg(base).arg(i);
}

Expected<int> ArchitectureDraft::insertLayerAfter(int after, const QString &className)
{
    if (after < 0 || after >= m_layers.size())
        return makeError(QStringLiteral("there is no layer row %1").arg(after));
    const QString canonical = KerasLayerCatalog::canonicalClassName(className);
    if (canonical.isEmpty() || canonical == QLatin1String("InputLayer"))
        return makeError(QStringLiteral("'%1' is not a layer class Graft can write a config for").arg(className));
    const QString source = m_layers.at(after).name;
    DraftLayer layer;
    layer.name = uniqueName(canonical);
    layer.className = canonical;
    layer.config = KerasLayerCatalog::defaultConfig(canonical, layer.name);
    layer.inboundNodes = {InboundNode{{TensorRef{source, 0, 0}}, {}}};
    for (const KerasParam &p : KerasLayerCatalog::find(canonical)->params)
        if (p.required())
            layer.questions.insert(p.name, QStringLiteral("required by %1; give a value").arg(canonical));
    for (DraftLayer &other : m_layers)
        for (InboundNode &node : other.inboundNodes)
            for (TensorRef &ref : node.inputs)
                if (ref.layer == source && ref.nodeIndex == 0)
                    ref.layer = layer.name;
    for (TensorRef &ref : m_outputs)
        if (ref.layer == source && ref.nodeIndex == 0)
            ref.layer = layer.name;
    m_layers.insert(after + 1, layer);
    recompute();
    return after + 1;
}

Expected<void> ArchitectureDraft::removeLayer(int row)
{
    if (row < 0 || row >= m_layers.size())
        return makeError(QStringLiteral("there is no layer row %1").arg(row));
    const DraftLayer &layer = m_layers.at(row);
    if (layer.isInput() || layer.inboundNodes.size() != 1 || layer.inboundNodes.front().inputs.size() != 1)
        return makeError(
            QStringLiteral("only a layer with one input, called once, can be removed ('%1' cannot)").arg(layer.name));
    const TensorRef input = layer.inboundNodes.front().inputs.front();
    const QString name = layer.name;
    m_layers.removeAt(row);
    for (DraftLayer &other : m_layers)
        for (InboundNode &node : other.inboundNodes)
            for (TensorRef &ref : node.inputs)
                if (ref.layer == name)
                    ref = input;
    for (TensorRef &ref : m_outputs)
        if (ref.layer == name)
            ref = input;
    recompute();
    return {};
}

QStringList ArchitectureDraft::applyWeightFields(int onlyRow)
{
    QStringList changes;
    for (int r = 0; r < m_layers.size(); ++r) {
        if (onlyRow >= 0 && r != onlyRow)
            continue;
        DraftLayer &layer = m_layers[r];
        const OutlineLayer *stored = m_weights.layer(layer.name);
        if (!stored || stored->weights.isEmpty())
            continue;
        const QJsonObject fields = KerasLayerCatalog::fieldsFromWeights(layer.className, layer.config,
                                                                        stored->weightNames(), stored->weightShapes());
        for (auto it = fields.constBegin(); it != fields.constEnd(); ++it) {
            const FieldOrigin origin =
                layer.questions.contains(it.key()) ? FieldOrigin::Unresolved : layer.origin(it.key());
            if (origin != FieldOrigin::Unresolved && origin != FieldOrigin::Default && origin != FieldOrigin::Guessed)
                continue;
            if (layer.config.value(it.key()) != it.value() || origin == FieldOrigin::Unresolved)
                changes << QStringLiteral("%1.%2 = %3")
                               .arg(layer.name, it.key(),
                                    QString::fromUtf8(
                                        QJsonDocument(QJsonArray{it.value()}).toJson(QJsonDocument::Compact))
                                        .mid(1)
                                        .chopped(1));
            layer.config.insert(it.key(), it.value());
            layer.origins.insert(it.key(), FieldOrigin::Weights);
            layer.questions.remove(it.key());
            layer.reasons.insert(it.key(), QStringLiteral("from the stored weights %1")
                                               .arg(shapesText(stored->weightNames(), stored->weightShapes())));
        }
    }
    return changes;
}

void ArchitectureDraft::recompute()
{
    m_modelIssues.clear();
    for (DraftLayer &layer : m_layers) {
        layer.outputShapes.clear();
        layer.expectedWeights.clear();
        layer.storedWeights.clear();
        layer.params = {};
        layer.issues.clear();
    }
    auto spec = KerasConfigParser::parse(toKerasJson());
    if (!spec) {
        m_modelIssues << spec.errorString();
        return;
    }
    auto report = ShapeInference::run(*spec);
    if (!report)
        m_modelIssues << report.errorString();
    const QString prefix = ShapeInference::issuePrefix();
    bool inputUnresolved = false;
    for (const DraftLayer &row : m_layers)
        inputUnresolved = inputUnresolved || (row.isInput() && !row.questions.isEmpty());
    for (const Layer &layer : spec->layers) {
        const int r = rowOf(layer.name);
        if (r < 0)
            continue;
        DraftLayer &row = m_layers[r];
        row.outputShapes = layer.outputShapes;
        row.expectedWeights = layer.expectedWeights;
        row.params = layer.params();
        for (QString issue : layer.issues) {
            if (issue.startsWith(prefix))
                issue = issue.mid(prefix.size());
            // An unresolved field shows up as its question, not also as the shape errors it causes.
            // A layer after a failing one only repeats it: the failing row carries the message.
            if (issue.startsWith(QLatin1String("input shape unknown: no output shape could be inferred")))
                continue;
            if (row.questions.isEmpty() && !(inputUnresolved && issue.startsWith(QLatin1String("input shape unknown"))))
                row.issues << issue;
        }
    }
    // A Sequential model's JSON has no InputLayer entry, so its input row is matched by position.
    int inputIndex = 0;
    for (DraftLayer &row : m_layers) {
        if (!row.isInput() || inputIndex >= spec->inputs.size())
            continue;
        const ModelInput &input = spec->inputs.at(inputIndex++);
        if (row.outputShapes.isEmpty() && !input.shape.empty() && (m_sequential || input.name == row.name))
            row.outputShapes = {input.shape};
    }
    compareWithWeights();
}

void ArchitectureDraft::compareWithWeights()
{
    if (m_weights.isEmpty())
        return;
    const QVector<const OutlineLayer *> stored = m_weights.weightedLayers();
    bool byName = true;
    for (const OutlineLayer *s : stored)
        if (rowOf(s->name) < 0)
            byName = false;
    QVector<std::pair<int, const OutlineLayer *>> pairs;
    QSet<int> matchedRows;
    if (byName) {
        for (const OutlineLayer *s : stored)
            pairs.append({rowOf(s->name), s});
    } else {
        // Keras's load_weights matches a weights-only file by position among layers with weights.
        m_modelIssues << QStringLiteral(
            "the layer names differ from the weights file's, so weights are matched by position "
            "among the layers that have weights (as Keras's load_weights does)");
        int next = 0;
        for (int r = 0; r < m_layers.size() && next < stored.size(); ++r)
            if (classHasWeights(m_layers.at(r)))
                pairs.append({r, stored.at(next++)});
        for (int i = next; i < stored.size(); ++i)
            m_modelIssues << QStringLiteral(
                                 "the weights file's layer '%1' (weights %2) has no layer with weights left to go to")
                                 .arg(stored.at(i)->name,
                                      shapesText(stored.at(i)->weightNames(), stored.at(i)->weightShapes()));
    }
    for (const auto &[r, s] : pairs) {
        DraftLayer &row = m_layers[r];
        matchedRows.insert(r);
        row.storedWeights = s->weightShapes();
        if (row.expectedWeights.isEmpty() && !row.issues.isEmpty())
            continue; // the row's own problem is reported already
        QVector<Shape> expected;
        QStringList expectedNames;
        for (const WeightSpec &w : row.expectedWeights) {
            expected << w.shape;
            expectedNames << w.name;
        }
        if (expected != row.storedWeights && row.questions.isEmpty())
            row.issues << QStringLiteral("the weights file has %1 (layer '%2') but this config needs %3")
                              .arg(shapesText(s->weightNames(), row.storedWeights), s->name,
                                   shapesText(expectedNames, expected));
    }
    for (int r = 0; r < m_layers.size(); ++r) {
        DraftLayer &row = m_layers[r];
        if (!matchedRows.contains(r) && !row.expectedWeights.isEmpty())
            row.issues << QStringLiteral("the weights file has no weights for this layer, but it needs %1")
                              .arg(shapesText({}, [&] {
                                  QVector<Shape> s;
                                  for (const WeightSpec &w : row.expectedWeights)
                                      s << w.shape;
                                  return s;
                              }()));
    }
}

} // namespace graft
