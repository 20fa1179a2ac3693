#pragma once

// Test helpers that make damaged, hostile or merely unusual input files at run
// time (fixtures are copied into a temporary folder first, never modified).

#include "core/io/ziparchive.h"
#include "tests/common/testdata.h"

#include <QByteArray>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QString>
#include <QtEndian>

#include <hdf5.h>
#include <sndfile.h>

#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <vector>

namespace graft::test {

/** Test data by its path below tests/data/ (or the shared fixtures folder): see tests/common/testdata.h. */
inline QString fixturePath(const QString &relative)
{
    return graft::testing::dataPath(relative);
}

inline QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

inline QString writeBytes(const QString &path, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(bytes) != bytes.size())
        qFatal("cannot write test input %s", qPrintable(path));
    return path;
}

/** SHA-256 of a file or, for a folder, of every file below it with its relative name. */
inline QByteArray contentHash(const QString &path)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    const QFileInfo info(path);
    if (info.isDir()) {
        QStringList files;
        std::function<void(const QString &)> walk = [&](const QString &dir) {
            for (const QFileInfo &entry :
                 QDir(dir).entryInfoList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden, QDir::Name)) {
                if (entry.isDir() && !entry.isSymLink())
                    walk(entry.filePath());
                else
                    files << entry.filePath();
            }
        };
        walk(path);
        for (const QString &file : files) {
            hash.addData(file.toUtf8());
            hash.addData(readAll(file));
        }
    } else {
        hash.addData(readAll(path));
    }
    return hash.result();
}

// ---- HDF5 through the C API (the test must not trust the reader it tests) ----

/** Writes `strings` as a fixed-length string array attribute, as Keras 2 writes layer_names. */
inline void writeStringListAttribute(hid_t object, const char *name, const QStringList &strings)
{
    size_t width = 1;
    for (const QString &s : strings)
        width = std::max<size_t>(width, size_t(s.toUtf8().size()));
    std::vector<char> buffer(width * size_t(std::max<qsizetype>(strings.size(), 1)), '\0');
    for (qsizetype i = 0; i < strings.size(); ++i) {
        const QByteArray utf8 = strings[i].toUtf8();
        std::copy(utf8.begin(), utf8.end(), buffer.begin() + qsizetype(width) * i);
    }
    const hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, width);
    const hsize_t count = hsize_t(strings.size());
    const hid_t space = H5Screate_simple(1, &count, nullptr);
    const hid_t attr = H5Acreate2(object, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(attr, type, buffer.data());
    H5Aclose(attr);
    H5Sclose(space);
    H5Tclose(type);
}

inline void writeScalarStringAttribute(hid_t object, const char *name, const QByteArray &value)
{
    const hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, std::max<size_t>(1, size_t(value.size())));
    const hid_t space = H5Screate(H5S_SCALAR);
    const hid_t attr = H5Acreate2(object, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(attr, type, value.constData());
    H5Aclose(attr);
    H5Sclose(space);
    H5Tclose(type);
}

/** One stored weight: a shape and values (empty values: the dataset is created but never written). */
struct WeightData
{
    QString name; // e.g. "dense/kernel:0"
    std::vector<hsize_t> shape;
    std::vector<float> values;
};

struct LayerData
{
    QString name;
    std::vector<WeightData> weights;
};

inline void writeDataset(hid_t parent, const WeightData &weight)
{
    const QByteArray path = weight.name.toUtf8();
    const hid_t space = H5Screate_simple(int(weight.shape.size()), weight.shape.data(), nullptr);
    const hid_t links = H5Pcreate(H5P_LINK_CREATE);
    H5Pset_create_intermediate_group(links, 1);
    hid_t creation = H5P_DEFAULT;
    if (weight.values.empty() && !weight.shape.empty()) {
        // A chunked dataset claims its shape without storing anything: the
        // cheapest way to write a header that promises an absurd tensor.
        creation = H5Pcreate(H5P_DATASET_CREATE);
        std::vector<hsize_t> chunk(weight.shape.size(), 1);
        H5Pset_chunk(creation, int(chunk.size()), chunk.data());
    }
    const hid_t dataset = H5Dcreate2(parent, path.constData(), H5T_IEEE_F32LE, space, links, creation, H5P_DEFAULT);
    if (dataset < 0)
        qFatal("cannot create dataset %s", path.constData());
    if (!weight.values.empty())
        H5Dwrite(dataset, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, weight.values.data());
    H5Dclose(dataset);
    if (creation != H5P_DEFAULT)
        H5Pclose(creation);
    H5Pclose(links);
    H5Sclose(space);
}

/** A Keras 2 weights-only file (model.save_weights layout): layer_names, weight_names, datasets. */
inline QString writeKeras2Weights(const QString &path, const std::vector<LayerData> &layers,
                                  const QByteArray &modelConfig = QByteArray())
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    const hid_t file = H5Fcreate(QFile::encodeName(path).constData(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    if (file < 0)
        qFatal("cannot create %s", qPrintable(path));
    hid_t root = file;
    if (!modelConfig.isEmpty()) {
        writeScalarStringAttribute(file, "model_config", modelConfig);
        root = H5Gcreate2(file, "model_weights", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    }
    QStringList layerNames;
    for (const LayerData &layer : layers)
        layerNames << layer.name;
    writeStringListAttribute(root, "layer_names", layerNames);
    writeScalarStringAttribute(root, "keras_version", "2.11.0");
    writeScalarStringAttribute(root, "backend", "tensorflow");
    for (const LayerData &layer : layers) {
        const hid_t group = H5Gcreate2(root, layer.name.toUtf8().constData(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        QStringList weightNames;
        for (const WeightData &weight : layer.weights) {
            weightNames << weight.name;
            writeDataset(group, weight);
        }
        writeStringListAttribute(group, "weight_names", weightNames);
        H5Gclose(group);
    }
    if (root != file)
        H5Gclose(root);
    H5Fclose(file);
    return path;
}

/** An HDF5 file with a plain dataset and no Keras attributes. */
inline QString writePlainHdf5(const QString &path)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    const hid_t file = H5Fcreate(QFile::encodeName(path).constData(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    writeDataset(file, WeightData{QStringLiteral("measurements/temperature"), {4}, {20.5f, 21.0f, 19.5f, 22.25f}});
    writeScalarStringAttribute(file, "instrument", "thermometer");
    H5Fclose(file);
    return path;
}

/** A Dense(units) layer on `inputs` features as a Keras 2 Sequential model_to_json(). */
inline QByteArray denseModelJson(int inputs, int units, const QString &inputShape = QString())
{
    const QString shape = inputShape.isEmpty() ? QStringLiteral("[null, %1]").arg(inputs) : inputShape;
    return QStringLiteral(
               R"({"class_name": "Sequential", "config": {"name": "sequential", "layers": [)"
               R"({"class_name": "InputLayer", "config": {"batch_input_shape": %1, "dtype": "float32", "name": "input_1"}},)"
               R"({"class_name": "Dense", "config": {"name": "dense", "trainable": true, "dtype": "float32", "units": %2,)"
               R"( "activation": "softmax", "use_bias": true}}]}, "keras_version": "2.11.0", "backend": "tensorflow"})")
        .arg(shape)
        .arg(units)
        .toUtf8();
}

inline LayerData denseWeights(int inputs, int units, float fill = 0.25f)
{
    return LayerData{
        QStringLiteral("dense"),
        {WeightData{QStringLiteral("dense/kernel:0"),
                    {hsize_t(inputs), hsize_t(units)},
                    std::vector<float>(size_t(inputs * units), fill)},
         WeightData{QStringLiteral("dense/bias:0"), {hsize_t(units)}, std::vector<float>(size_t(units), 0.0f)}}};
}

// ---- zip ----

struct ZipMember
{
    QString name;
    QByteArray data;
};

inline QString writeZip(const QString &path, const std::vector<ZipMember> &members,
                        ZipWriter::Compression compression = ZipWriter::Compression::Deflated)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    ZipWriter writer(path);
    for (const ZipMember &member : members) {
        if (!writer.addMember(member.name, member.data, compression))
            qFatal("cannot add %s", qPrintable(member.name));
    }
    if (!writer.finish())
        qFatal("cannot write %s", qPrintable(path));
    return path;
}

/** The members of a fixture .keras archive, read with the reader under test only for building inputs. */
inline std::vector<ZipMember> zipMembers(const QString &path)
{
    std::vector<ZipMember> members;
    auto zip = ZipArchive::open(path);
    if (!zip)
        qFatal("cannot open %s", qPrintable(path));
    for (const QString &name : zip->memberNames()) {
        auto data = zip->read(name);
        members.push_back({name, data ? *data : QByteArray()});
    }
    return members;
}

// ---- .npy ----

inline QByteArray npyBytes(const QByteArray &header, const QByteArray &data)
{
    QByteArray dict = header;
    const int total = 10 + int(dict.size()) + 1;
    dict += QByteArray((64 - total % 64) % 64, ' ') + '\n';
    QByteArray bytes("\x93NUMPY\x01\x00", 8);
    char length[2];
    qToLittleEndian(quint16(dict.size()), length);
    bytes.append(length, 2);
    return bytes + dict + data;
}

inline QByteArray floatBytes(const std::vector<float> &values)
{
    return QByteArray(reinterpret_cast<const char *>(values.data()), qsizetype(values.size() * sizeof(float)));
}

// ---- audio through libsndfile ----

/** Writes `frames` frames of a 440 Hz tone (NaN everywhere when `nan`) in any libsndfile format. */
inline QString writeAudio(const QString &path, int format, int channels, int frames, int sampleRate = 16000,
                          bool nan = false)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    SF_INFO info{};
    info.samplerate = sampleRate;
    info.channels = channels;
    info.format = format;
    SNDFILE *file = sf_open(QFile::encodeName(path).constData(), SFM_WRITE, &info);
    if (!file)
        qFatal("cannot write %s: %s", qPrintable(path), sf_strerror(nullptr));
    std::vector<float> samples(size_t(frames) * size_t(channels));
    for (int i = 0; i < frames; ++i)
        for (int c = 0; c < channels; ++c)
            samples[size_t(i) * size_t(channels) + size_t(c)] =
                nan ? std::numeric_limits<float>::quiet_NaN()
                    : float(0.3 * std::sin(2 * M_PI * 440.0 * i / sampleRate));
    if (frames > 0)
        sf_writef_float(file, samples.data(), frames);
    sf_close(file);
    return path;
}

} // namespace graft::test
