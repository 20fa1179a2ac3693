#pragma once

// Shared by the tests of core/arch: fixture paths, a weights outline read with h5py (so these
// tests do not depend on graft_formats), and EXPECTED.json rows.

#include "core/arch/weightsoutline.h"
#include "tests/common/testdata.h"
#include "core/model/layernaming.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QString>

namespace archtest {

/** A file of the speaker-identification seed (tests/data/seed, or the fixtures' seed/ for the user's code). */
inline QString seedFile(const QString &name)
{
    return graft::testing::dataPath(QStringLiteral("seed/") + name);
}

inline QString seedWeights()
{
    return seedFile(QStringLiteral("SI_ideal_weights_simple.hdf5"));
}

/** The user's model code: third-party source, kept out of the repository (tests/data/seed/README.md). */
inline QString seedCode()
{
    return seedFile(QStringLiteral("createModel.py"));
}

inline QJsonObject readJson(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll()).object();
}

/** Layer names and weight shapes of a Keras 2 weights-only HDF5 file, read by h5py (Debian's python3-h5py). */
inline graft::WeightsOutline outlineWithH5py(const QString &path, QString *error)
{
    const char *script = R"PY(
import h5py, json, sys
f = h5py.File(sys.argv[1], 'r')
def s(x): return x.decode() if isinstance(x, bytes) else x
out = {'keras_version': s(f.attrs.get('keras_version', '')), 'layers': []}
for name in f.attrs['layer_names']:
    g = f[s(name)]
    weights = []
    for w in g.attrs['weight_names']:
        w = s(w)
        short = w.split(':')[0].split('/')[-1]
        weights.append([short, list(g[w].shape)])
    out['layers'].append({'name': s(name), 'weights': weights})
print(json.dumps(out))
)PY";
    QProcess python;
    python.start(QStringLiteral("/usr/bin/python3"), {QStringLiteral("-c"), QString::fromLatin1(script), path});
    if (!python.waitForFinished(60000) || python.exitCode() != 0) {
        *error = QString::fromUtf8(python.readAllStandardError());
        return {};
    }
    const QJsonObject doc = QJsonDocument::fromJson(python.readAllStandardOutput()).object();
    graft::WeightsOutline outline;
    outline.sourcePath = path;
    outline.kerasVersion = doc.value(QStringLiteral("keras_version")).toString();
    for (const QJsonValue &l : doc.value(QStringLiteral("layers")).toArray()) {
        graft::OutlineLayer layer;
        layer.name = l.toObject().value(QStringLiteral("name")).toString();
        layer.className = graft::guessLayerClassFromName(layer.name);
        for (const QJsonValue &w : l.toObject().value(QStringLiteral("weights")).toArray()) {
            graft::Shape shape;
            for (const QJsonValue &d : w.toArray().at(1).toArray())
                shape.push_back(d.toInteger());
            layer.weights.append({w.toArray().at(0).toString(), shape});
        }
        outline.layers.append(layer);
    }
    return outline;
}

/** A weights outline written compactly: "name:kernel=3x3x1x8,bias=8; name2; …" (weightless layers have no ':'). */
inline graft::WeightsOutline outlineFromText(const QString &text)
{
    graft::WeightsOutline outline;
    for (const QString &entry : text.split(QLatin1Char(';'), Qt::SkipEmptyParts)) {
        graft::OutlineLayer layer;
        layer.name = entry.section(QLatin1Char(':'), 0, 0).trimmed();
        layer.className = graft::guessLayerClassFromName(layer.name);
        const QString weights = entry.section(QLatin1Char(':'), 1);
        for (const QString &w : weights.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            graft::Shape shape;
            for (const QString &d : w.section(QLatin1Char('='), 1).split(QLatin1Char('x')))
                shape.push_back(d.toLongLong());
            layer.weights.append({w.section(QLatin1Char('='), 0, 0).trimmed(), shape});
        }
        outline.layers.append(layer);
    }
    return outline;
}

} // namespace archtest
