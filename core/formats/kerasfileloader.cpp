#include "core/formats/kerasfileloader.h"

#include "core/formats/h5access.h"
#include "core/formats/kerash5weightsreader.h"
#include "core/formats/weightassigner.h"
#include "core/io/classnamesfile.h"
#include "core/io/ziparchive.h"
#include "core/model/kerasconfigparser.h"
#include "core/model/shapeinference.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <cmath>

namespace graft {

namespace {

const QByteArray hdf5Signature("\x89HDF\r\n\x1a\n", 8);

/** What the file itself holds, before an architecture from elsewhere is considered. */
struct FileContents
{
    QString format;
    QString kerasVersion;
    QString backend;
    QByteArray modelConfig; // JSON text, empty when the file has none
    QJsonObject trainingConfig;
    QVector<StoredLayerWeights> legacyWeights;
    QVector<Keras3VarsGroup> keras3Weights;
    bool keras3 = false;
};

Expected<FileContents> readHdf5(const H5::H5File &file, const QString &displayName, bool insideKerasZip)
{
    return h5::guarded(displayName, [&]() -> Expected<FileContents> {
        FileContents contents;
        const H5::Group root = file.openGroup("/");
        contents.kerasVersion = h5::readStringAttribute(root, QStringLiteral("keras_version")).value_or(QString());
        contents.backend = h5::readStringAttribute(root, QStringLiteral("backend")).value_or(QString());
        if (const auto config = h5::readStringAttribute(root, QStringLiteral("model_config")))
            contents.modelConfig = config->toUtf8();
        if (const auto training = h5::readStringAttribute(root, QStringLiteral("training_config")))
            contents.trainingConfig = QJsonDocument::fromJson(training->toUtf8()).object();

        if (!insideKerasZip && KerasH5WeightsReader::isKeras3Layout(root)) {
            contents.format = QStringLiteral("keras3-weights-h5");
            contents.keras3 = true;
        } else if (insideKerasZip) {
            contents.keras3 = true;
        }
        if (contents.keras3) {
            auto groups = KerasH5WeightsReader::readKeras3(root, displayName);
            if (!groups)
                return groups.error();
            contents.keras3Weights = std::move(groups).value();
            return contents;
        }

        if (!contents.modelConfig.isEmpty()) {
            contents.format = QStringLiteral("keras2-h5-full");
            if (!h5::isGroup(root, QStringLiteral("model_weights")))
                return contents; // saved without weights: architecture only
            const H5::Group weights = root.openGroup("model_weights");
            if (contents.kerasVersion.isEmpty())
                contents.kerasVersion =
                    h5::readStringAttribute(weights, QStringLiteral("keras_version")).value_or(QString());
            if (contents.backend.isEmpty())
                contents.backend = h5::readStringAttribute(weights, QStringLiteral("backend")).value_or(QString());
            auto stored = KerasH5WeightsReader::readLegacy(weights, displayName);
            if (!stored)
                return stored.error();
            contents.legacyWeights = std::move(stored).value();
            return contents;
        }
        if (h5::hasAttribute(root, QStringLiteral("layer_names"))
            || h5::hasAttribute(root, QStringLiteral("layer_names0"))) {
            contents.format = QStringLiteral("keras2-h5-weights");
            auto stored = KerasH5WeightsReader::readLegacy(root, displayName);
            if (!stored)
                return stored.error();
            contents.legacyWeights = std::move(stored).value();
            return contents;
        }
        return makeError(QStringLiteral("%1 is an HDF5 file but not a Keras model or weights file: it has no "
                                        "model_config, no layer_names and no Keras 3 'layers' group.")
                             .arg(displayName));
    });
}

Expected<FileContents> readKerasZip(const QString &path)
{
    auto zip = ZipArchive::open(path);
    if (!zip)
        return makeError(QStringLiteral("%1 cannot be opened as a .keras archive: %2").arg(path, zip.errorString()));
    if (!zip->contains(QStringLiteral("config.json")))
        return makeError(
            QStringLiteral("%1 is a zip file but not a Keras 3 .keras archive: it has no config.json.").arg(path));
    FileContents contents;
    contents.format = QStringLiteral("keras3-zip");
    contents.keras3 = true;
    auto config = zip->read(QStringLiteral("config.json"));
    if (!config)
        return makeError(QStringLiteral("%1: %2").arg(path, config.errorString()));
    contents.modelConfig = *config;
    if (zip->contains(QStringLiteral("metadata.json"))) {
        auto metadata = zip->read(QStringLiteral("metadata.json"));
        if (metadata)
            contents.kerasVersion =
                QJsonDocument::fromJson(*metadata).object().value(QStringLiteral("keras_version")).toString();
    }
    if (!zip->contains(QStringLiteral("model.weights.h5")))
        return makeError(
            QStringLiteral("%1 has no model.weights.h5: the archive holds an architecture but no weights.").arg(path));
    auto weightsImage = zip->read(QStringLiteral("model.weights.h5"));
    if (!weightsImage)
        return makeError(QStringLiteral("%1: %2").arg(path, weightsImage.errorString()));
    const QString innerName = path + QStringLiteral("/model.weights.h5");
    auto file = h5::openImage(*weightsImage, innerName);
    if (!file)
        return file.error();
    auto inner = readHdf5(*file, innerName, true);
    if (!inner)
        return inner.error();
    contents.keras3Weights = std::move(inner->keras3Weights);
    return contents;
}

/** A `.keras` config.json can carry compile/build info around the model; unwrap what Graft needs. */
Expected<ModelSpec> parseArchitecture(const QByteArray &json, const QString &sourceName)
{
    return KerasConfigParser::parse(json, sourceName);
}

/** NaN/Inf in stored weights make every prediction NaN: say where, once per weight. */
QStringList nonFiniteWeightWarnings(const ModelSpec &model, const QString &path)
{
    QStringList warnings;
    for (const Layer &layer : model.layers) {
        for (const LayerWeight &weight : layer.weights) {
            const auto bad = std::count_if(weight.tensor.values.begin(), weight.tensor.values.end(),
                                           [](float v) { return !std::isfinite(v); });
            if (bad > 0)
                warnings << QStringLiteral("%1: layer '%2' weight '%3' %4 holds %5 NaN or infinite values: the file is "
                                           "damaged or its training diverged, and predictions will be NaN.")
                                .arg(path, layer.name, weight.name, weight.tensor.shapeString())
                                .arg(qint64(bad));
        }
        if (layer.nestedModel)
            warnings += nonFiniteWeightWarnings(*layer.nestedModel, path);
    }
    return warnings;
}

/** Stems a user's files share: "x.weights.h5" → "x.weights", "x". */
QStringList stemsOf(const QString &path)
{
    const QFileInfo info(path);
    QStringList stems{info.dir().filePath(info.completeBaseName())};
    const QString shortStem = info.dir().filePath(info.baseName());
    if (!stems.contains(shortStem))
        stems << shortStem;
    return stems;
}

} // namespace

KerasFileLoader::Container KerasFileLoader::detectContainer(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Container::Unknown;
    const QByteArray head = file.read(8);
    if (head == hdf5Signature)
        return Container::Hdf5;
    if (head.startsWith("PK\x03\x04") || head.startsWith("PK\x05\x06"))
        return Container::Zip;
    // HDF5 allows a user block: the superblock may start at 512, 1024, 2048, …
    for (qint64 offset = 512; offset < file.size() && offset <= (qint64(1) << 20); offset *= 2) {
        file.seek(offset);
        if (file.read(8) == hdf5Signature)
            return Container::Hdf5;
    }
    return Container::Unknown;
}

Expected<LoadedModel> KerasFileLoader::load(const QString &path, const LoadOptions &options)
{
    const QFileInfo info(path);
    if (!info.exists())
        return makeError(QStringLiteral("%1: no such file.").arg(path));
    if (info.isDir())
        return makeError(QStringLiteral("%1 is a folder, not a Keras file.").arg(path));
    if (!info.isReadable())
        return makeError(QStringLiteral("%1 cannot be read: permission denied.").arg(path));
    if (info.size() == 0)
        return makeError(QStringLiteral("%1 is empty.").arg(path));

    Expected<FileContents> contents = makeError(QString());
    switch (detectContainer(path)) {
    case Container::Hdf5: {
        auto file = h5::openReadOnly(path);
        if (!file)
            return makeError(QStringLiteral("%1 looks like HDF5 but cannot be opened (truncated or damaged?): %2")
                                 .arg(path, file.errorString()));
        contents = readHdf5(*file, path, false);
        break;
    }
    case Container::Zip: contents = readKerasZip(path); break;
    case Container::Unknown:
        return makeError(QStringLiteral("%1 is neither an HDF5 file nor a zip archive: not a Keras model or "
                                        "weights file.")
                             .arg(path));
    }
    if (!contents)
        return contents.error();

    LoadedModel loaded;
    loaded.sourcePath = path;
    loaded.format = contents->format;
    loaded.kerasVersion = contents->kerasVersion;
    loaded.backend = contents->backend;
    loaded.trainingConfig = contents->trainingConfig;

    // The architecture: the file's own config, else an explicit JSON, else <stem>.json beside it.
    QByteArray architecture = contents->modelConfig;
    QString architectureSource = QStringLiteral("file");
    if (!options.architectureJsonPath.isEmpty()) {
        QFile json(options.architectureJsonPath);
        if (!json.open(QIODevice::ReadOnly))
            return makeError(QStringLiteral("Cannot read the architecture %1: %2")
                                 .arg(options.architectureJsonPath, json.errorString()));
        architecture = json.readAll();
        architectureSource = options.architectureJsonPath;
    } else if (architecture.isEmpty() && options.searchBesideFile) {
        for (const QString &stem : stemsOf(path)) {
            QFile json(stem + QStringLiteral(".json"));
            if (json.exists() && json.open(QIODevice::ReadOnly)) {
                architecture = json.readAll();
                architectureSource = json.fileName();
                break;
            }
        }
    }

    bool subclassed = false;
    if (!architecture.isEmpty()) {
        auto spec =
            parseArchitecture(architecture, architectureSource == QLatin1String("file") ? path : architectureSource);
        if (spec) {
            loaded.model = std::move(spec).value();
            loaded.hasArchitecture = true;
            loaded.architectureSource = architectureSource;
        } else if (architectureSource != QLatin1String("file")) {
            return spec.error(); // the user pointed at this JSON: say what is wrong with it
        } else {
            subclassed = true;
            loaded.warnings << spec.errorString();
        }
    }

    if (loaded.hasArchitecture) {
        auto shapes = ShapeInference::run(loaded.model);
        if (!shapes)
            loaded.warnings << shapes.errorString();
        const QStringList problems = contents->keras3
                                         ? WeightAssigner::assignKeras3(loaded.model, contents->keras3Weights, path)
                                         : WeightAssigner::assignLegacy(loaded.model, contents->legacyWeights, path);
        loaded.warnings += problems;
    } else {
        loaded.model = contents->keras3 ? WeightAssigner::listKeras3(contents->keras3Weights)
                                        : WeightAssigner::listLegacy(contents->legacyWeights);
        if (!subclassed)
            loaded.warnings << QStringLiteral(
                                   "%1 holds weights without an architecture: layers are listed by name with "
                                   "their weight shapes. Give the model's JSON (model.to_json()) or its "
                                   "Python code to run or fine-tune it.")
                                   .arg(path);
    }
    for (const Layer &layer : loaded.model.layers)
        for (const QString &issue : layer.issues)
            loaded.warnings << QStringLiteral("Layer '%1': %2").arg(layer.name, issue);
    loaded.warnings += nonFiniteWeightWarnings(loaded.model, path);

    if (options.searchBesideFile) {
        for (const QString &stem : stemsOf(path)) {
            for (const QString &suffix : {QStringLiteral(".labels.txt"), QStringLiteral(".labels.json")}) {
                if (!loaded.classNames.isEmpty() || !QFileInfo::exists(stem + suffix))
                    continue;
                auto names = ClassNamesFile::read(stem + suffix);
                if (names)
                    loaded.classNames = *names;
                else
                    loaded.warnings << QStringLiteral("the class names beside the model were not used: %1")
                                           .arg(names.errorString());
            }
        }
    }
    return loaded;
}

} // namespace graft
