#include "core/arch/architectureinference.h"

#include "core/arch/keraslayercatalog.h"
#include "core/model/layershapes.h"
#include "core/model/layerweightspecs.h"

#include <QJsonArray>
#include <QSet>

#include <map>

namespace graft {

namespace {

/** One alternative for the options a layer's weights do not show, and how far it is from Keras's defaults. */
struct Choice
{
    QJsonObject patch;
    int cost = 0;
    QString label;
};

enum class Category { Fixed, Conv, Pool, Recurrent };

struct ChainLayer
{
    QString name;
    QString className;
    QJsonObject config;
    QStringList weightNames;
    QVector<Shape> stored;
    QHash<QString, FieldOrigin> origins;
    QHash<QString, QString> reasons;
    Category category = Category::Fixed;
    QVector<Choice> choices{Choice{}};
};

bool isConvClass(const QString &c)
{
    return c == QLatin1String("Conv1D") || c == QLatin1String("Conv2D") || c == QLatin1String("DepthwiseConv2D")
           || c.startsWith(QLatin1String("SeparableConv"));
}

bool isPoolClass(const QString &c)
{
    return (c.startsWith(QLatin1String("MaxPooling")) || c.startsWith(QLatin1String("AveragePooling")));
}

bool isRecurrentClass(const QString &c)
{
    return c == QLatin1String("LSTM") || c == QLatin1String("GRU") || c == QLatin1String("SimpleRNN");
}

bool isActivationClass(const QString &c)
{
    return c == QLatin1String("Activation") || c == QLatin1String("ReLU") || c == QLatin1String("LeakyReLU")
           || c == QLatin1String("ELU") || c == QLatin1String("PReLU") || c == QLatin1String("Softmax")
           || c == QLatin1String("ThresholdedReLU");
}

QVector<Choice> convChoices()
{
    QVector<Choice> choices;
    for (int stride : {1, 2, 3})
        for (const char *padding : {"valid", "same"})
            choices.append(
                {QJsonObject{{QStringLiteral("strides"), stride}, {QStringLiteral("padding"), QLatin1String(padding)}},
                 (stride - 1) + (QLatin1String(padding) == QLatin1String("same") ? 1 : 0),
                 QStringLiteral("strides %1, padding %2").arg(stride).arg(QLatin1String(padding))});
    return choices;
}

QVector<Choice> poolChoices()
{
    QVector<Choice> choices;
    for (int size : {2, 3})
        for (const char *padding : {"valid", "same"})
            choices.append(
                {QJsonObject{{QStringLiteral("pool_size"), size}, {QStringLiteral("padding"), QLatin1String(padding)}},
                 (size - 2) + (QLatin1String(padding) == QLatin1String("same") ? 1 : 0),
                 QStringLiteral("pool size %1, padding %2").arg(size).arg(QLatin1String(padding))});
    return choices;
}

/** The class of a stored layer: its name, else its weights, else words in its name. */
QString classOf(const OutlineLayer &layer, const QString &previousClass)
{
    if (!layer.className.isEmpty()
        && (KerasLayerCatalog::find(layer.className) || layer.className == QLatin1String("InputLayer")))
        return layer.className;
    if (!layer.weights.isEmpty())
        return KerasLayerCatalog::classFromWeights(layer.weightNames(), layer.weightShapes());
    const QString n = layer.name.toLower();
    const bool oneD = previousClass.endsWith(QLatin1String("1D")) || isRecurrentClass(previousClass)
                      || previousClass == QLatin1String("Embedding");
    if (n.contains(QLatin1String("drop")))
        return QStringLiteral("Dropout");
    if (n.contains(QLatin1String("flat")))
        return QStringLiteral("Flatten");
    if (n.contains(QLatin1String("gap")) || n.contains(QLatin1String("global")))
        return oneD ? QStringLiteral("GlobalAveragePooling1D") : QStringLiteral("GlobalAveragePooling2D");
    if (n.contains(QLatin1String("pool")))
        return oneD ? QStringLiteral("MaxPooling1D") : QStringLiteral("MaxPooling2D");
    if (n.contains(QLatin1String("relu")) || n.contains(QLatin1String("act")) || n.contains(QLatin1String("softmax")))
        return QStringLiteral("Activation");
    return {};
}

void guess(ChainLayer &layer, const QString &key, const QJsonValue &value, const QString &reason)
{
    QJsonValue normalized = value;
    if (const KerasLayerClass *c = KerasLayerCatalog::find(layer.className))
        if (const KerasParam *param = c->param(key))
            if (auto n = KerasLayerCatalog::normalize(layer.className, *param, value))
                normalized = *n;
    layer.config.insert(key, normalized);
    layer.origins.insert(key, FieldOrigin::Guessed);
    layer.reasons.insert(key, reason);
}

/** Keeps the weights-derived fields and marks what Keras needs but the weights cannot tell. */
void prepare(ChainLayer &layer, bool isLast, bool followedByActivation)
{
    const QString &c = layer.className;
    layer.config = KerasLayerCatalog::defaultConfig(c, layer.name);
    const QJsonObject fromWeights =
        KerasLayerCatalog::fieldsFromWeights(c, layer.config, layer.weightNames, layer.stored);
    for (auto it = fromWeights.constBegin(); it != fromWeights.constEnd(); ++it) {
        layer.config.insert(it.key(), it.value());
        layer.origins.insert(it.key(), FieldOrigin::Weights);
    }
    const QString activationReason = isLast
                                         ? QStringLiteral("the last layer of a classifier usually ends in softmax")
                                         : QStringLiteral("hidden layers usually use relu; the weights cannot show it");
    if (c == QLatin1String("Dense") || isConvClass(c)) {
        const qint64 units =
            layer.config.value(c == QLatin1String("Dense") ? QStringLiteral("units") : QStringLiteral("filters"))
                .toInteger(2);
        const QString activation = followedByActivation ? QStringLiteral("linear")
                                   : isLast ? (units == 1 ? QStringLiteral("sigmoid") : QStringLiteral("softmax"))
                                            : QStringLiteral("relu");
        guess(layer, QStringLiteral("activation"), activation,
              followedByActivation ? QStringLiteral("an activation layer follows") : activationReason);
    } else if (c == QLatin1String("Activation")) {
        guess(layer, QStringLiteral("activation"), isLast ? QStringLiteral("softmax") : QStringLiteral("relu"),
              activationReason);
    } else if (c.contains(QLatin1String("Dropout"))) {
        guess(layer, QStringLiteral("rate"), 0.5, QStringLiteral("a common rate; it does not change predictions"));
    } else if (c == QLatin1String("BatchNormalization") || c == QLatin1String("LayerNormalization")) {
        guess(layer, QStringLiteral("epsilon"), 0.001, QStringLiteral("Keras's default; the weights cannot show it"));
    } else if (c == QLatin1String("LeakyReLU")) {
        guess(layer, QStringLiteral("alpha"), 0.3, QStringLiteral("Keras's default; the weights cannot show it"));
    }
    if (isConvClass(c)) {
        layer.category = Category::Conv;
        layer.choices = convChoices();
    } else if (isPoolClass(c)) {
        layer.category = Category::Pool;
        layer.choices = poolChoices();
    } else if (isRecurrentClass(c)) {
        layer.category = Category::Recurrent;
        layer.choices = {
            {QJsonObject{{QStringLiteral("return_sequences"), false}}, 0, QStringLiteral("last output only")},
            {QJsonObject{{QStringLiteral("return_sequences"), true}}, 1, QStringLiteral("the whole sequence")}};
    } else if (c == QLatin1String("Bidirectional") || c == QLatin1String("TimeDistributed")) {
        const QString innerClass =
            c == QLatin1String("Bidirectional")
                ? KerasLayerCatalog::classFromWeights({}, layer.stored.mid(0, layer.stored.size() / 2))
                : KerasLayerCatalog::classFromWeights({}, layer.stored);
        QJsonObject inner{{QStringLiteral("class_name"), innerClass},
                          {QStringLiteral("config"),
                           KerasLayerCatalog::defaultConfig(innerClass, QStringLiteral("%1_inner").arg(layer.name))}};
        layer.config.insert(QStringLiteral("layer"), inner);
        const QJsonObject filled =
            KerasLayerCatalog::fieldsFromWeights(c, layer.config, layer.weightNames, layer.stored);
        if (filled.contains(QStringLiteral("layer")))
            inner = filled.value(QStringLiteral("layer")).toObject();
        layer.config.insert(QStringLiteral("layer"), inner);
        layer.origins.insert(QStringLiteral("layer"), FieldOrigin::Weights);
        if (c == QLatin1String("Bidirectional") && isRecurrentClass(innerClass)) {
            layer.category = Category::Recurrent;
            layer.choices.clear();
            for (bool sequences : {false, true}) {
                for (const char *merge : {"concat", "sum"}) {
                    QJsonObject innerConfig = inner.value(QStringLiteral("config")).toObject();
                    innerConfig.insert(QStringLiteral("return_sequences"), sequences);
                    QJsonObject patchedInner = inner;
                    patchedInner.insert(QStringLiteral("config"), innerConfig);
                    layer.choices.append(
                        {QJsonObject{{QStringLiteral("layer"), patchedInner},
                                     {QStringLiteral("merge_mode"), QLatin1String(merge)}},
                         (sequences ? 1 : 0) + (QLatin1String(merge) == QLatin1String("sum") ? 2 : 0),
                         QStringLiteral("%1, merge %2")
                             .arg(sequences ? QStringLiteral("sequences") : QStringLiteral("last output"),
                                  QLatin1String(merge))});
                }
            }
        }
    }
    KerasLayerCatalog::completeConfig(c, layer.config);
}

struct SearchResult
{
    bool found = false;
    int cost = 0;
    QVector<int> choices;
};

/** Cheapest choices along the chain such that every layer builds and every weight shape fits.
 *  `forced[i]` >= 0 fixes layer i's choice. States are the distinct tensor shapes, so it stays small. */
SearchResult search(const QVector<ChainLayer> &chain, const Shape &input, const QVector<int> &forced)
{
    struct State
    {
        Shape shape;
        int cost;
        int previous;
        int choice;
    };
    std::vector<std::vector<State>> states(std::size_t(chain.size()) + 1);
    states[0].push_back({input, 0, -1, -1});
    for (int i = 0; i < chain.size(); ++i) {
        const ChainLayer &layer = chain.at(i);
        std::map<Shape, std::size_t> index;
        auto &next = states[std::size_t(i) + 1];
        for (std::size_t k = 0; k < states[std::size_t(i)].size(); ++k) {
            const State &state = states[std::size_t(i)][k];
            for (int c = 0; c < layer.choices.size(); ++c) {
                if (forced.at(i) >= 0 && forced.at(i) != c)
                    continue;
                QJsonObject config = layer.config;
                for (auto it = layer.choices.at(c).patch.constBegin(); it != layer.choices.at(c).patch.constEnd(); ++it)
                    config.insert(it.key(), it.value());
                KerasLayerCatalog::completeConfig(layer.className, config);
                const auto outputs = LayerShapes::outputShapes(layer.className, config, {state.shape});
                if (!outputs || outputs->isEmpty())
                    continue;
                const auto specs = LayerWeightSpecs::forLayer(layer.className, config, {state.shape});
                if (!specs)
                    continue;
                QVector<Shape> expected;
                for (const WeightSpec &w : *specs)
                    expected << w.shape;
                if (expected != layer.stored)
                    continue;
                const State candidate{outputs->front(), state.cost + layer.choices.at(c).cost, int(k), c};
                const auto found = index.find(candidate.shape);
                if (found == index.end()) {
                    index[candidate.shape] = next.size();
                    next.push_back(candidate);
                } else if (candidate.cost < next[found->second].cost) {
                    next[found->second] = candidate;
                }
            }
        }
        if (next.empty())
            return {};
    }
    SearchResult result;
    const auto &last = states.back();
    std::size_t best = 0;
    for (std::size_t k = 1; k < last.size(); ++k)
        if (last[k].cost < last[best].cost)
            best = k;
    result.found = true;
    result.cost = last[best].cost;
    result.choices.resize(chain.size());
    int k = int(best);
    for (int i = chain.size(); i > 0; --i) {
        const State &s = states[std::size_t(i)][std::size_t(k)];
        result.choices[i - 1] = s.choice;
        k = s.previous;
    }
    return result;
}

/** Uniform first (users give every convolution the same strides and padding), then per layer. */
SearchResult searchChoices(const QVector<ChainLayer> &chain, const Shape &input, QStringList *notes)
{
    const bool hasConv =
        std::any_of(chain.begin(), chain.end(), [](const ChainLayer &l) { return l.category == Category::Conv; });
    const bool hasPool =
        std::any_of(chain.begin(), chain.end(), [](const ChainLayer &l) { return l.category == Category::Pool; });
    if (!hasConv && !hasPool)
        return search(chain, input, QVector<int>(chain.size(), -1));
    const QVector<Choice> conv = hasConv ? convChoices() : QVector<Choice>{Choice{}};
    const QVector<Choice> pool = hasPool ? poolChoices() : QVector<Choice>{Choice{}};
    struct Hypothesis
    {
        int conv, pool, cost;
    };
    QVector<Hypothesis> hypotheses;
    for (int c = 0; c < conv.size(); ++c)
        for (int p = 0; p < pool.size(); ++p)
            hypotheses.append({c, p, conv.at(c).cost + pool.at(p).cost});
    std::stable_sort(hypotheses.begin(), hypotheses.end(),
                     [](const Hypothesis &a, const Hypothesis &b) { return a.cost < b.cost; });
    SearchResult chosen;
    QString chosenLabel;
    QStringList alternatives;
    for (const Hypothesis &h : hypotheses) {
        QVector<int> forced(chain.size(), -1);
        for (int i = 0; i < chain.size(); ++i) {
            if (chain.at(i).category == Category::Conv)
                forced[i] = h.conv;
            else if (chain.at(i).category == Category::Pool)
                forced[i] = h.pool;
        }
        const SearchResult r = search(chain, input, forced);
        if (!r.found)
            continue;
        QStringList parts;
        if (hasConv)
            parts << QStringLiteral("convolutions %1").arg(conv.at(h.conv).label);
        if (hasPool)
            parts << QStringLiteral("pooling %1").arg(pool.at(h.pool).label);
        if (!chosen.found) {
            chosen = r;
            chosenLabel = parts.join(QStringLiteral("; "));
        } else {
            alternatives << parts.join(QStringLiteral("; "));
        }
    }
    if (chosen.found) {
        QString note =
            QStringLiteral("strides, padding and pool sizes cannot be read from weights; the same choice for every "
                           "layer that fits all weight shapes with the fewest departures from Keras's defaults: %1")
                .arg(chosenLabel);
        if (!alternatives.isEmpty())
            note +=
                QStringLiteral(". Also consistent with the weights (check against the code or the training setup): %1")
                    .arg(alternatives.mid(0, 5).join(QStringLiteral(" | ")))
                + (alternatives.size() > 5 ? QStringLiteral(" | … %1 more").arg(alternatives.size() - 5) : QString());
        *notes << note;
        return chosen;
    }
    const SearchResult free = search(chain, input, QVector<int>(chain.size(), -1));
    if (free.found)
        *notes << QStringLiteral("no single choice of strides/padding/pool size fits every layer; each layer got the "
                                 "cheapest choice that fits the weights");
    return free;
}

} // namespace

Expected<ArchitectureDraft> ArchitectureInference::infer(const WeightsOutline &weights, const Shape &inputShape)
{
    if (weights.isEmpty())
        return makeError(QStringLiteral("%1 lists no layers to infer an architecture from").arg(weights.sourcePath));
    QVector<const OutlineLayer *> inputs;
    QVector<ChainLayer> chain;
    QStringList unknownClasses, branching;
    QString previousClass;
    for (const OutlineLayer &stored : weights.layers) {
        const QString cls = classOf(stored, previousClass);
        if (cls == QLatin1String("InputLayer")) {
            inputs << &stored;
            continue;
        }
        if (cls.isEmpty() || !KerasLayerCatalog::find(cls)) {
            unknownClasses << (cls.isEmpty() ? stored.name : QStringLiteral("%1 (%2)").arg(stored.name, cls));
            continue;
        }
        const KerasLayerClass *c = KerasLayerCatalog::find(cls);
        if (c->params.isEmpty() || cls == QLatin1String("Concatenate") || cls == QLatin1String("Dot"))
            branching << stored.name; // merge layers: the file does not say what they join
        ChainLayer layer;
        layer.name = stored.name;
        layer.className = cls;
        layer.weightNames = stored.weightNames();
        layer.stored = stored.weightShapes();
        chain.append(layer);
        previousClass = cls;
    }
    if (!unknownClasses.isEmpty())
        return makeError(
            QStringLiteral("the class of %1 cannot be told from the layer name or the weights; read the model's "
                           "code instead (--from-code)")
                .arg(unknownClasses.join(QStringLiteral(", "))));
    if (inputs.size() > 1 || !branching.isEmpty())
        return makeError(
            QStringLiteral("the model has %1: a weights file does not record how layers connect, so only "
                           "single-path models can be inferred; read the model's code instead (--from-code)")
                .arg(inputs.size() > 1
                         ? QStringLiteral("%1 inputs").arg(inputs.size())
                         : QStringLiteral("merge layers (%1)").arg(branching.join(QStringLiteral(", ")))));
    if (chain.isEmpty())
        return makeError(QStringLiteral("%1 lists no layers besides its input").arg(weights.sourcePath));
    int lastWeighted = -1;
    for (int i = 0; i < chain.size(); ++i)
        if (!chain.at(i).stored.isEmpty())
            lastWeighted = i;
    for (int i = 0; i < chain.size(); ++i) {
        bool followedByActivation = false;
        for (int j = i + 1; j < chain.size() && !followedByActivation; ++j) {
            if (isActivationClass(chain.at(j).className))
                followedByActivation = true;
            else if (!chain.at(j).className.contains(QLatin1String("Dropout"))
                     && chain.at(j).className != QLatin1String("BatchNormalization"))
                break;
        }
        const bool isLast =
            i == lastWeighted || (chain.at(i).className == QLatin1String("Activation") && i == chain.size() - 1);
        prepare(chain[i], isLast && i >= lastWeighted, followedByActivation);
    }

    ArchitectureDraft draft;
    const bool sequential = inputs.isEmpty();
    draft.setModel(sequential ? QStringLiteral("sequential") : QStringLiteral("model"), sequential);
    DraftLayer input;
    input.name = sequential ? chain.front().name + QStringLiteral("_input") : inputs.front()->name;
    input.className = QStringLiteral("InputLayer");
    input.config = KerasLayerCatalog::defaultConfig(input.className, input.name);

    Shape shape = inputShape;
    QStringList notes;
    if (shape.empty()) {
        const ChainLayer &first = chain.front();
        shape = KerasLayerCatalog::inputShapeFromWeights(first.className, first.stored);
        if (shape.empty() && !first.stored.isEmpty() && first.stored.front().size() == 4)
            shape = {-1, -1, first.stored.front()[2]}; // a 2D convolution: channels known, the image size is not
        if (!shape.empty())
            notes << QStringLiteral("input shape %1 from the weights of '%2'; give --input-shape if the model was fed "
                                    "another shape")
                         .arg(shapeToString(shape, false), first.name);
    }
    SearchResult choices;
    if (!shape.empty())
        choices = searchChoices(chain, shape, &notes);
    if (!choices.found) {
        if (inputShape.empty()) {
            input.questions.insert(
                QStringLiteral("batch_input_shape"),
                QStringLiteral("the weights do not fix the input size%1; give it with --input-shape")
                    .arg(shape.empty() ? QString()
                                       : QStringLiteral(" (%1 does not fit)").arg(shapeToString(shape, false))));
            input.origins.insert(QStringLiteral("batch_input_shape"), FieldOrigin::Unresolved);
        } else {
            notes << QStringLiteral(
                         "no combination of strides (1–3), padding and pool sizes (2–3) makes every weight shape fit "
                         "input shape %1; Keras's defaults are shown, with the mismatches")
                         .arg(shapeToString(shape, false));
        }
    }
    if (!shape.empty() && !input.questions.contains(QStringLiteral("batch_input_shape"))) {
        QJsonArray dims{QJsonValue()};
        for (std::int64_t d : shape)
            dims.append(d < 0 ? QJsonValue() : QJsonValue(qint64(d)));
        input.config.insert(QStringLiteral("batch_input_shape"), dims);
        input.origins.insert(QStringLiteral("batch_input_shape"),
                             inputShape.empty() ? FieldOrigin::Weights : FieldOrigin::User);
    }
    draft.appendLayer(input);
    QString previous = input.name;
    for (int i = 0; i < chain.size(); ++i) {
        ChainLayer &layer = chain[i];
        if (choices.found && layer.choices.size() > 1) {
            const Choice &c = layer.choices.at(choices.choices.at(i));
            for (auto it = c.patch.constBegin(); it != c.patch.constEnd(); ++it)
                guess(layer, it.key(), it.value(), QStringLiteral("fits every weight shape (%1)").arg(c.label));
        } else if (layer.choices.size() > 1) {
            for (auto it = layer.choices.front().patch.constBegin(); it != layer.choices.front().patch.constEnd(); ++it)
                guess(layer, it.key(), it.value(), QStringLiteral("Keras's default"));
        }
        KerasLayerCatalog::completeConfig(layer.className, layer.config);
        DraftLayer row;
        row.name = layer.name;
        row.className = layer.className;
        row.config = layer.config;
        row.origins = layer.origins;
        row.reasons = layer.reasons;
        row.inboundNodes = {InboundNode{{TensorRef{previous, 0, 0}}, {}}};
        previous = layer.name;
        draft.appendLayer(row);
    }
    draft.setOutputs({TensorRef{previous, 0, 0}});
    draft.addNote(
        QStringLiteral("inferred from layer names and weight shapes alone: every field marked guessed (activations, "
                       "strides, padding, pool sizes, dropout rates, …) is a proposal to check"));
    for (const QString &note : notes)
        draft.addNote(note);
    draft.setWeights(weights);
    draft.recompute();
    return draft;
}

} // namespace graft
