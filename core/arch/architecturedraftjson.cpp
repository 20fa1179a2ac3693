// ArchitectureDraft: model.to_json() output and input.
#include "core/arch/architecturedraft.h"

#include "core/model/kerasconfigparser.h"
#include "core/model/shapeinference.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

namespace graft {

namespace {

QJsonArray refArray(const TensorRef &ref)
{
    return QJsonArray{ref.layer, ref.nodeIndex, ref.tensorIndex};
}

/** The config as Keras writes it: pooling strides spelled out (null means the pool size). */
QJsonObject writtenConfig(const DraftLayer &layer)
{
    QJsonObject config = layer.config;
    if (layer.className.contains(QLatin1String("Pooling")) && !layer.className.startsWith(QLatin1String("Global"))
        && config.value(QStringLiteral("strides")).isNull())
        config.insert(QStringLiteral("strides"), config.value(QStringLiteral("pool_size")));
    return config;
}

QString kerasVersionToWrite(const QString &fileVersion)
{
    // Keras ignores keras_version on load; echo the weights file's Keras 2 version when there is one.
    return fileVersion.startsWith(QLatin1String("2.")) ? fileVersion : QStringLiteral("2.4.0");
}

} // namespace

QJsonObject ArchitectureDraft::toKerasJson() const
{
    QJsonArray layers;
    QJsonObject config{{QStringLiteral("name"), m_name}};
    if (m_sequential) {
        // tf.keras >= 2.4 writes the InputLayer as the first entry; older versions' Sequential.add
        // accepts it too, and it keeps the input's name.
        for (const DraftLayer &layer : m_layers)
            layers.append(QJsonObject{{QStringLiteral("class_name"), layer.className},
                                      {QStringLiteral("config"), writtenConfig(layer)}});
    } else {
        QJsonArray inputLayers;
        for (const DraftLayer &layer : m_layers) {
            QJsonArray nodes;
            for (const InboundNode &node : layer.inboundNodes) {
                QJsonArray entries;
                for (const TensorRef &ref : node.inputs) {
                    QJsonArray entry = refArray(ref);
                    entry.append(node.kwargs);
                    entries.append(entry);
                }
                nodes.append(entries);
            }
            layers.append(QJsonObject{{QStringLiteral("name"), layer.name},
                                      {QStringLiteral("class_name"), layer.className},
                                      {QStringLiteral("config"), writtenConfig(layer)},
                                      {QStringLiteral("inbound_nodes"), nodes}});
            if (layer.isInput())
                inputLayers.append(QJsonArray{layer.name, 0, 0});
        }
        QJsonArray outputLayers;
        for (const TensorRef &ref : m_outputs)
            outputLayers.append(refArray(ref));
        config.insert(QStringLiteral("input_layers"), inputLayers);
        config.insert(QStringLiteral("output_layers"), outputLayers);
    }
    config.insert(QStringLiteral("layers"), layers);
    // "Model" rather than "Functional": every tf.keras 2.x and Keras 3's legacy loader accept it.
    return QJsonObject{
        {QStringLiteral("class_name"), m_sequential ? QStringLiteral("Sequential") : QStringLiteral("Model")},
        {QStringLiteral("config"), config},
        {QStringLiteral("keras_version"), kerasVersionToWrite(m_weights.kerasVersion)},
        {QStringLiteral("backend"), QStringLiteral("tensorflow")}};
}

QByteArray ArchitectureDraft::toJson() const
{
    return QJsonDocument(toKerasJson()).toJson(QJsonDocument::Indented);
}

Expected<ModelSpec> ArchitectureDraft::toModelSpec() const
{
    auto spec = KerasConfigParser::parse(toKerasJson());
    if (!spec)
        return spec.error();
    auto report = ShapeInference::run(*spec);
    if (!report)
        return report.error();
    return spec;
}

Expected<void> ArchitectureDraft::save(const QString &path) const
{
    const QStringList open = questions();
    if (!open.isEmpty())
        return makeError(QStringLiteral("the architecture is not complete, so %1 was not written: %2")
                             .arg(path, open.join(QStringLiteral("; "))));
    if (!m_weights.sourcePath.isEmpty()
        && QFileInfo(path).absoluteFilePath() == QFileInfo(m_weights.sourcePath).absoluteFilePath())
        return makeError(QStringLiteral("%1 is the weights file; the architecture must go to another file").arg(path));
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return makeError(QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    file.write(toJson());
    if (!file.commit())
        return makeError(QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    return {};
}

Expected<ArchitectureDraft> ArchitectureDraft::fromKerasJson(const QByteArray &json, const QString &sourceName)
{
    auto spec = KerasConfigParser::parse(json, sourceName);
    if (!spec)
        return spec.error();
    ArchitectureDraft draft;
    draft.setModel(spec->name.isEmpty() ? QStringLiteral("model") : spec->name, spec->sequential);
    auto markCode = [](DraftLayer &row) {
        for (auto it = row.config.constBegin(); it != row.config.constEnd(); ++it)
            if (it.key() != QLatin1String("name"))
                row.origins.insert(it.key(), FieldOrigin::Code);
    };
    if (spec->sequential) {
        if (spec->inputs.isEmpty())
            return makeError(QStringLiteral("%1: the Sequential model has no input").arg(sourceName));
        DraftLayer input;
        input.name = spec->inputs.front().name;
        input.className = QStringLiteral("InputLayer");
        input.config = KerasLayerCatalog::defaultConfig(input.className, input.name);
        QJsonArray dims{QJsonValue()};
        for (std::int64_t d : spec->inputs.front().shape)
            dims.append(d < 0 ? QJsonValue() : QJsonValue(qint64(d)));
        input.config.insert(QStringLiteral("batch_input_shape"),
                            spec->inputs.front().shape.empty() ? QJsonValue() : QJsonValue(dims));
        markCode(input);
        draft.appendLayer(input);
    }
    for (int i = 0; i < spec->layers.size(); ++i) {
        const Layer &layer = spec->layers.at(i);
        DraftLayer row;
        row.name = layer.name;
        row.className = layer.className;
        row.config = layer.config;
        if (spec->sequential) {
            row.config.remove(QStringLiteral("batch_input_shape"));
            row.config.remove(QStringLiteral("batch_shape"));
        }
        row.inboundNodes = layer.inboundNodes;
        markCode(row);
        draft.appendLayer(row);
    }
    draft.setOutputs(spec->outputs);
    draft.recompute();
    return draft;
}

} // namespace graft
