#include "core/formats/kerash5weightsreader.h"

#include "core/formats/h5access.h"

namespace graft {

Expected<QVector<StoredLayerWeights>> KerasH5WeightsReader::readLegacy(const H5::Group &group, const QString &fileName)
{
    return h5::guarded(fileName, [&]() -> Expected<QVector<StoredLayerWeights>> {
        auto layerNames = h5::readStringListAttribute(group, QStringLiteral("layer_names"));
        if (!layerNames)
            return makeError(QStringLiteral("%1: cannot read layer_names: %2").arg(fileName, layerNames.errorString()));
        QVector<StoredLayerWeights> layers;
        for (const QString &layerName : *layerNames) {
            if (!h5::isGroup(group, layerName))
                return makeError(QStringLiteral("%1: layer_names lists '%2' but the file has no group of that name")
                                     .arg(fileName, layerName));
            const H5::Group layerGroup = group.openGroup(layerName.toStdString());
            auto weightNames = h5::readStringListAttribute(layerGroup, QStringLiteral("weight_names"));
            if (!weightNames)
                return makeError(QStringLiteral("%1: layer '%2': cannot read weight_names: %3")
                                     .arg(fileName, layerName, weightNames.errorString()));
            StoredLayerWeights stored;
            stored.layerName = layerName;
            for (const QString &weightName : *weightNames) {
                auto tensor = h5::readTensor(layerGroup, weightName);
                if (!tensor)
                    return makeError(
                        QStringLiteral("%1: layer '%2': %3").arg(fileName, layerName, tensor.errorString()));
                stored.weights.append(StoredWeight{weightName, std::move(tensor).value()});
            }
            layers.append(std::move(stored));
        }
        return layers;
    });
}

namespace {

Expected<void> collectVars(const H5::Group &group, const QString &path, const QString &fileName, int depth,
                           QVector<Keras3VarsGroup> *out)
{
    if (depth > 32)
        return makeError(QStringLiteral("%1: objects nested deeper than 32 levels at %2").arg(fileName, path));
    const QStringList children = h5::childNames(group);
    if (children.contains(QStringLiteral("vars")) && h5::isGroup(group, QStringLiteral("vars"))) {
        const H5::Group vars = group.openGroup("vars");
        Keras3VarsGroup entry;
        entry.path = path;
        entry.name = h5::readStringAttribute(vars, QStringLiteral("name")).value_or(QString());
        // Variables are named 0, 1, 2, … in creation order; HDF5 lists names
        // alphabetically, so "10" would sort before "2".
        const int count = h5::childNames(vars).size();
        for (int i = 0; i < count; ++i) {
            const QString varName = QString::number(i);
            if (!h5::hasChild(vars, varName))
                return makeError(QStringLiteral("%1: %2/vars has %3 entries but no variable '%4'")
                                     .arg(fileName, path)
                                     .arg(count)
                                     .arg(varName));
            auto tensor = h5::readTensor(vars, varName);
            if (!tensor)
                return makeError(QStringLiteral("%1: %2/vars: %3").arg(fileName, path, tensor.errorString()));
            entry.vars.append(std::move(tensor).value());
        }
        out->append(std::move(entry));
    }
    for (const QString &child : children) {
        if (child == QLatin1String("vars") || !h5::isGroup(group, child))
            continue;
        auto nested = collectVars(group.openGroup(child.toStdString()), path + QLatin1Char('/') + child, fileName,
                                  depth + 1, out);
        if (!nested)
            return nested;
    }
    return {};
}

} // namespace

Expected<QVector<Keras3VarsGroup>> KerasH5WeightsReader::readKeras3(const H5::Group &root, const QString &fileName)
{
    return h5::guarded(fileName, [&]() -> Expected<QVector<Keras3VarsGroup>> {
        QVector<Keras3VarsGroup> groups;
        if (!h5::isGroup(root, QStringLiteral("layers")))
            return groups;
        auto ok = collectVars(root.openGroup("layers"), QStringLiteral("layers"), fileName, 0, &groups);
        if (!ok)
            return ok.error();
        return groups;
    });
}

bool KerasH5WeightsReader::isKeras3Layout(const H5::Group &root)
{
    return !h5::hasAttribute(root, QStringLiteral("layer_names"))
           && !h5::hasAttribute(root, QStringLiteral("layer_names0"))
           && (h5::isGroup(root, QStringLiteral("layers")) || h5::isGroup(root, QStringLiteral("vars")));
}

} // namespace graft
