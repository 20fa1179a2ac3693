#pragma once

// Shared by the export tests: which fixtures load, with which architecture, random
// inputs for a model, and the expectation file tests/export/check_keras_files.py reads.

#include "core/engine/inferencemodel.h"
#include "tests/common/testdata.h"
#include "core/formats/kerasfileloader.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>

#include <algorithm>
#include <cmath>

namespace graft::exporttest {

/** Both data folders for tests/export/check_keras_files.py's reference files: tests/data, then the fixtures. */
inline QString dataDirsArgument()
{
    return graft::testing::repositoryDataDir() + QLatin1Char(':') + graft::testing::fixturesDir();
}

/**
 * Every Keras file of the keras/ and seed/ data (relative paths), sorted: those the repository carries,
 * plus the shared fixtures' when that folder is there (files whose licence is not stated).
 */
inline QStringList kerasFixtures()
{
    QStringList files;
    for (const QString &rootPath : {graft::testing::repositoryDataDir(), graft::testing::fixturesDir()}) {
        const QDir root(rootPath);
        for (const QString &folder : {QStringLiteral("keras"), QStringLiteral("seed")}) {
            QDirIterator it(root.filePath(folder),
                            {QStringLiteral("*.h5"), QStringLiteral("*.hdf5"), QStringLiteral("*.keras")}, QDir::Files,
                            QDirIterator::Subdirectories);
            while (it.hasNext()) {
                const QString relative = root.relativeFilePath(it.next());
                if (!files.contains(relative))
                    files << relative;
            }
        }
    }
    std::sort(files.begin(), files.end());
    return files;
}

/**
 * Where the architecture of a weights-only fixture comes from, as a data path relative to the data
 * folders: <base>.json beside it, else the full-model file <base>.h5. Empty for other files.
 */
inline QString architectureSource(const QString &relativePath)
{
    const QFileInfo info(relativePath);
    QString base = info.completeBaseName();
    if (!base.endsWith(QLatin1String("_weights")))
        return QString();
    base.chop(int(qstrlen("_weights")));
    const QString sibling = info.path() + QLatin1Char('/') + base;
    const QString json = sibling + QStringLiteral(".json");
    return graft::testing::hasData(json) ? json : sibling + QStringLiteral(".h5");
}

/**
 * Skips (or fails in CI) a row whose architecture is a file the shared fixtures hold but this
 * checkout lacks (a full model whose licence is not stated), instead of testing it as weights-only.
 */
#define GRAFT_REQUIRE_ARCHITECTURE_SOURCE(relativePath)                                                                \
    do {                                                                                                               \
        const QString graftSource_ = graft::exporttest::architectureSource(relativePath);                              \
        if (!graftSource_.isEmpty() && graft::exporttest::listedInExpected(graftSource_))                              \
            GRAFT_REQUIRE_DATA(graftSource_);                                                                          \
    } while (false)

/** Whether keras/EXPECTED.json (which lists every Keras fixture, in the repository or not) names the file. */
inline bool listedInExpected(const QString &relativePath)
{
    QFile file(graft::testing::dataPath(QStringLiteral("keras/EXPECTED.json")));
    if (!relativePath.startsWith(QLatin1String("keras/")) || !file.open(QIODevice::ReadOnly))
        return false;
    return QJsonDocument::fromJson(file.readAll()).object().contains(relativePath.mid(int(qstrlen("keras/"))));
}

/** The architecture JSON of a weights-only fixture (architectureSource(), converted to scratch for a full model). */
inline QString architectureFor(const QString &relativePath, const QString &scratch)
{
    const QString source = architectureSource(relativePath);
    if (source.isEmpty() || !graft::testing::hasData(source))
        return QString();
    if (source.endsWith(QLatin1String(".json")))
        return graft::testing::dataPath(source);
    auto loaded = KerasFileLoader::load(graft::testing::dataPath(source));
    if (!loaded || !loaded->hasArchitecture)
        return QString();
    const QString out = QDir(scratch).filePath(QFileInfo(source).completeBaseName() + QStringLiteral(".arch.json"));
    QFile file(out);
    if (!file.open(QIODevice::WriteOnly))
        return QString();
    file.write(QJsonDocument(loaded->model.sourceConfig).toJson());
    return out;
}

inline std::int64_t embeddingVocabulary(const ModelSpec &model, const QString &input)
{
    for (const Layer &layer : model.layers)
        if (layer.className == QLatin1String("Embedding"))
            for (const InboundNode &node : layer.inboundNodes)
                for (const TensorRef &ref : node.inputs)
                    if (ref.layer == input)
                        return std::int64_t(layer.config.value(QStringLiteral("input_dim")).toDouble());
    return 0;
}

/** Random inputs for `model` (batch first; None dimensions `openSize`; valid indices for Embeddings). */
inline std::vector<TensorData> randomInputs(const ModelSpec &model, std::int64_t batch, std::int64_t openSize,
                                            quint32 seed)
{
    QRandomGenerator random(seed);
    std::vector<TensorData> inputs;
    for (const ModelInput &input : model.inputs) {
        TensorData t;
        t.shape.push_back(batch);
        for (std::int64_t d : input.shape)
            t.shape.push_back(d < 0 ? openSize : d);
        const std::int64_t vocabulary = embeddingVocabulary(model, input.name);
        t.values.resize(std::size_t(t.elementCount()));
        for (float &v : t.values)
            v = vocabulary > 1 ? float(random.bounded(int(vocabulary))) : float(random.generateDouble() * 2.0 - 1.0);
        inputs.push_back(std::move(t));
    }
    return inputs;
}

inline double maxAbsDifference(const std::vector<TensorData> &a, const std::vector<TensorData> &b)
{
    if (a.size() != b.size())
        return INFINITY;
    double worst = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (a[i].shape != b[i].shape)
            return INFINITY;
        for (std::size_t k = 0; k < a[i].values.size(); ++k)
            worst = std::max(worst, std::abs(double(a[i].values[k]) - double(b[i].values[k])));
    }
    return worst;
}

/** The expectation tests/export/check_keras_files.py checks a file against, from the model as loaded. */
inline QByteArray expectationJson(const LoadedModel &model, const QString &format)
{
    QJsonArray layers;
    for (const Layer &layer : model.model.layers) {
        QJsonArray names, shapes;
        if (!layer.weights.isEmpty()) {
            for (const LayerWeight &w : layer.weights) {
                names.append(w.name);
                QJsonArray shape;
                for (std::int64_t d : w.tensor.shape)
                    shape.append(double(d));
                shapes.append(shape);
            }
        } else {
            for (const WeightSpec &w : layer.expectedWeights) {
                names.append(w.name);
                QJsonArray shape;
                for (std::int64_t d : w.shape)
                    shape.append(double(d));
                shapes.append(shape);
            }
        }
        layers.append(QJsonObject{
            {QStringLiteral("name"), layer.name},
            {QStringLiteral("class_name"), layer.className},
            {QStringLiteral("inner_class"),
             layer.config.value(QStringLiteral("layer")).toObject().value(QStringLiteral("class_name")).toString()},
            {QStringLiteral("weight_names"), names},
            {QStringLiteral("shapes"), shapes}});
    }
    return QJsonDocument(QJsonObject{{QStringLiteral("format"), format}, {QStringLiteral("layers"), layers}}).toJson();
}

/** Runs Debian's Python (which has numpy, h5py and torch); returns exit code, output in `output`. */
inline int runPython(const QStringList &arguments, QString *output)
{
    QProcess python;
    python.setProcessChannelMode(QProcess::MergedChannels);
    python.start(QStringLiteral("/usr/bin/python3"), arguments);
    if (!python.waitForFinished(300000)) {
        *output = QStringLiteral("python did not finish: ") + python.errorString();
        return -1;
    }
    *output = QString::fromUtf8(python.readAll());
    return python.exitStatus() == QProcess::NormalExit ? python.exitCode() : -1;
}

inline QString checkerScript()
{
    return QStringLiteral(GRAFT_SOURCE_DIR "/tests/export/check_keras_files.py");
}

} // namespace graft::exporttest
