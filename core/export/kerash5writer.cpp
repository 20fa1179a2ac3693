#include "core/export/kerash5writer.h"

#include "core/export/h5writer.h"
#include "core/formats/h5access.h"

#include <QJsonDocument>

namespace graft::kerash5 {

namespace {

using exportlayout::Keras3Vars;
using exportlayout::LegacyLayerGroup;

/** tf.keras's save_weights_to_hdf5_group. */
Expected<void> writeLegacyGroup(H5::Group &group, const QVector<LegacyLayerGroup> &layers, const Provenance &provenance)
{
    QStringList layerNames;
    for (const LegacyLayerGroup &layer : layers)
        layerNames << layer.layerName;
    auto names = h5write::writeStringListAttribute(group, QStringLiteral("layer_names"), layerNames);
    if (!names)
        return names;
    h5write::writeStringAttribute(group, QStringLiteral("backend"), provenance.backend);
    h5write::writeStringAttribute(group, QStringLiteral("keras_version"), provenance.kerasVersion);
    for (const LegacyLayerGroup &layer : layers) {
        H5::Group layerGroup = group.createGroup(layer.layerName.toStdString());
        QStringList weightNames;
        for (const exportlayout::NamedTensor &w : layer.weights)
            weightNames << w.name;
        auto written = h5write::writeStringListAttribute(layerGroup, QStringLiteral("weight_names"), weightNames);
        if (!written)
            return makeError(QStringLiteral("layer '%1': %2").arg(layer.layerName, written.errorString()));
        for (const exportlayout::NamedTensor &w : layer.weights)
            h5write::writeTensor(layerGroup, w.name, *w.tensor);
    }
    return {};
}

/** saving_lib's H5IOStore: one `vars` group per visited object, variables named 0, 1, … */
void writeKeras3(H5::H5File &file, const QVector<Keras3Vars> &groups)
{
    H5::Group root = file.openGroup("/");
    root.createGroup("vars"); // the model's own (empty) variables
    for (const Keras3Vars &object : groups) {
        H5::Group vars = h5write::ensureGroup(root, object.path + QStringLiteral("/vars"));
        if (!object.layerName.isEmpty())
            h5write::writeStringAttribute(vars, QStringLiteral("name"), object.layerName, h5write::Charset::Utf8);
        for (int i = 0; i < object.vars.size(); ++i)
            h5write::writeTensor(vars, QString::number(i), *object.vars.at(i));
    }
}

} // namespace

Expected<void> writeKeras2(const QString &path, const QVector<LegacyLayerGroup> &groups, const Provenance &provenance,
                           const QJsonObject &modelConfig)
{
    auto file = h5write::createFile(path);
    if (!file)
        return file.error();
    return h5::guarded(path, [&]() -> Expected<void> {
        H5::Group root = file->openGroup("/");
        if (modelConfig.isEmpty()) {
            auto written = writeLegacyGroup(root, groups, provenance);
            if (!written)
                return written;
        } else {
            h5write::writeStringAttribute(root, QStringLiteral("keras_version"), provenance.kerasVersion);
            h5write::writeStringAttribute(root, QStringLiteral("backend"), provenance.backend);
            const QByteArray json = QJsonDocument(modelConfig).toJson(QJsonDocument::Compact);
            h5write::writeStringAttribute(root, QStringLiteral("model_config"), QString::fromUtf8(json));
            H5::Group weights = root.createGroup("model_weights");
            auto written = writeLegacyGroup(weights, groups, provenance);
            if (!written)
                return written;
        }
        file->close();
        return {};
    });
}

Expected<void> writeKeras3Weights(const QString &path, const QVector<Keras3Vars> &groups)
{
    auto file = h5write::createFile(path);
    if (!file)
        return file.error();
    return h5::guarded(path, [&]() -> Expected<void> {
        writeKeras3(*file, groups);
        file->close();
        return {};
    });
}

Expected<QByteArray> keras3WeightsImage(const QVector<Keras3Vars> &groups)
{
    const QString name = QStringLiteral("model.weights.h5");
    auto file = h5write::createInMemory(name);
    if (!file)
        return file.error();
    return h5::guarded(name, [&]() -> Expected<QByteArray> {
        writeKeras3(*file, groups);
        auto image = h5write::imageOf(*file, name);
        file->close();
        return image;
    });
}

} // namespace graft::kerash5
