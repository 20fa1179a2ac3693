#include "core/export/modelexporter.h"

#include "core/common/atomicfiletarget.h"
#include "core/export/companionfiles.h"
#include "core/export/kerash5writer.h"
#include "core/export/modelconfigjson.h"
#include "core/export/torchscriptwriter.h"
#include "core/export/weightlayouts.h"
#include "core/io/ziparchive.h"

#include <QDateTime>
#include <QFile>
#include <QJsonDocument>

#include <memory>
#include <vector>

namespace graft {

namespace {

// What a file Graft writes says about the Keras that wrote it when the source did not say:
// the multi-backend Keras 2 semantics the engine assumes for files without a version.
const QString defaultKeras2Version = QStringLiteral("2.3.1");
const QString defaultKeras3Version = QStringLiteral("3.0.0");

bool startsWithMajor3(const QString &version)
{
    return version.section(QLatin1Char('.'), 0, 0).toInt() >= 3;
}

bool isKeras3Source(const LoadedModel &model)
{
    return model.format.startsWith(QLatin1String("keras3")) || startsWithMajor3(model.kerasVersion);
}

/** The version a Keras 2 layout file records: the source's, so that whoever reads it applies the same maths. */
QString legacyVersion(const LoadedModel &model)
{
    if (!model.kerasVersion.isEmpty())
        return model.kerasVersion;
    return isKeras3Source(model) ? defaultKeras3Version : defaultKeras2Version;
}

QString keras3Version(const LoadedModel &model)
{
    return startsWithMajor3(model.kerasVersion) ? model.kerasVersion : defaultKeras3Version;
}

QStringList protectedPaths(const LoadedModel &model, const ExportOptions &options)
{
    QStringList paths = options.protectedInputs;
    paths << model.sourcePath;
    if (!model.architectureSource.isEmpty() && model.architectureSource != QLatin1String("file"))
        paths << model.architectureSource;
    return paths;
}

/** model.to_json(): the config plus the Keras version and backend keys. */
QByteArray architectureJson(QJsonObject config, const QString &kerasVersion, const QString &backend)
{
    config.insert(QStringLiteral("keras_version"), kerasVersion);
    config.insert(QStringLiteral("backend"), backend);
    return QJsonDocument(config).toJson(QJsonDocument::Indented);
}

/** The output's class count, when the model has one output whose last dimension is known. */
std::int64_t outputClassCount(const ModelSpec &model)
{
    if (model.outputs.size() != 1)
        return -1;
    Shape shape;
    QString dtype;
    if (!exportconfig::detail::tensorShape(model, model.outputs.front(), &shape, &dtype) || shape.empty())
        return -1;
    return shape.back();
}

/** A companion file prepared next to the model, renamed into place with it. */
struct PendingFile
{
    std::unique_ptr<AtomicFileTarget> target;
    QString path;
};

Expected<void> writeTemporary(PendingFile &pending, const QByteArray &bytes)
{
    pending.target = std::make_unique<AtomicFileTarget>(pending.path);
    auto prepared = pending.target->prepare();
    if (!prepared)
        return prepared;
    QFile file(pending.target->temporaryPath());
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(bytes) != bytes.size() || !file.flush())
        return makeError(QStringLiteral("Cannot write %1: %2.").arg(pending.path, file.errorString()));
    return {};
}

void makeWorldReadable(const QString &path)
{
    // Temporary files are created owner-only; the result is an ordinary document.
    QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup | QFile::ReadOther);
}

} // namespace

Expected<ExportFormat> ModelExporter::formatFor(const QString &targetPath, bool fullModel)
{
    const QString name = targetPath.toLower();
    const bool hdf5 = name.endsWith(QLatin1String(".h5")) || name.endsWith(QLatin1String(".hdf5"));
    if (fullModel && (!hdf5 || name.endsWith(QLatin1String(".weights.h5"))))
        return makeError(QStringLiteral("%1: a full model (--full) is written as Keras 2 HDF5, so the name must end "
                                        "in .h5 or .hdf5 (a .keras archive is always a full model).")
                             .arg(targetPath));
    if (name.endsWith(QLatin1String(".weights.h5")))
        return ExportFormat::Keras3Weights;
    if (hdf5)
        return fullModel ? ExportFormat::Keras2Full : ExportFormat::Keras2Weights;
    if (name.endsWith(QLatin1String(".keras")))
        return ExportFormat::KerasArchive;
    if (name.endsWith(QLatin1String(".pt")))
        return ExportFormat::TorchScript;
    return makeError(QStringLiteral("%1: unknown model format. Name the file .h5 or .hdf5 (Keras 2 weights; with "
                                    "--full a whole model), .weights.h5 (Keras 3 weights), .keras (Keras 3 model) or "
                                    ".pt (TorchScript).")
                         .arg(targetPath));
}

QString ModelExporter::formatName(ExportFormat format)
{
    switch (format) {
    case ExportFormat::Keras2Weights: return QStringLiteral("Keras 2 weights (HDF5)");
    case ExportFormat::Keras2Full: return QStringLiteral("Keras 2 full model (HDF5)");
    case ExportFormat::Keras3Weights: return QStringLiteral("Keras 3 weights (.weights.h5)");
    case ExportFormat::KerasArchive: return QStringLiteral("Keras 3 model (.keras)");
    case ExportFormat::TorchScript: return QStringLiteral("TorchScript (.pt)");
    }
    return QString();
}

Expected<ExportResult> ModelExporter::exportModel(const LoadedModel &model, const QString &targetPath,
                                                  const ExportOptions &options)
{
    auto format = formatFor(targetPath, options.fullModel);
    if (!format)
        return format.error();
    ExportResult result;
    result.path = targetPath;
    result.format = *format;
    const QStringList inputs = protectedPaths(model, options);
    auto allowed = refuseOverwritingInput(targetPath, inputs);
    if (!allowed)
        return allowed.error();

    const bool keras3Source = isKeras3Source(model);
    const bool needsArchitecture = *format == ExportFormat::Keras2Full || *format == ExportFormat::KerasArchive
                                   || *format == ExportFormat::TorchScript
                                   || (*format == ExportFormat::Keras2Weights && keras3Source)
                                   || (*format == ExportFormat::Keras3Weights && !keras3Source);
    if (needsArchitecture && !model.hasArchitecture)
        return makeError(QStringLiteral("%1 holds weights without an architecture, so it cannot be written as %2: "
                                        "give the model's JSON (--arch, model.to_json()) or export the weights only "
                                        "(%3).")
                             .arg(model.sourcePath, formatName(*format),
                                  keras3Source ? QStringLiteral(".weights.h5") : QStringLiteral(".h5")));
    const kerash5::Provenance legacy{legacyVersion(model),
                                     model.backend.isEmpty() ? QStringLiteral("tensorflow") : model.backend};

    // The Keras 3 reading of the model: config.json of a .keras, and what Keras 3 computes differently.
    QJsonObject keras3Json;
    if (model.hasArchitecture && (*format == ExportFormat::Keras3Weights || *format == ExportFormat::KerasArchive)) {
        auto converted = exportconfig::keras3Config(model.model, keras3Source, &result.warnings);
        if (!converted)
            return makeError(QStringLiteral("Cannot write %1: %2").arg(targetPath, converted.errorString()));
        keras3Json = *converted;
    }

    AtomicFileTarget modelFile(targetPath);
    std::unique_ptr<ZipWriter> archive;
    if (*format != ExportFormat::KerasArchive) {
        auto prepared = modelFile.prepare();
        if (!prepared)
            return prepared.error();
    }
    const QString temporary = modelFile.temporaryPath();
    Expected<void> written;
    switch (*format) {
    case ExportFormat::Keras2Weights:
    case ExportFormat::Keras2Full: {
        auto groups = exportlayout::legacyGroups(model.model);
        if (!groups)
            return makeError(QStringLiteral("Cannot write %1: %2").arg(targetPath, groups.errorString()));
        QJsonObject config;
        if (*format == ExportFormat::Keras2Full) {
            config = exportconfig::sourceStyleConfig(model.model, keras3Source);
            config.remove(QStringLiteral("keras_version")); // to_json() keys, not part of model_config
            config.remove(QStringLiteral("backend"));
        }
        written = kerash5::writeKeras2(temporary, *groups, legacy, config);
        break;
    }
    case ExportFormat::Keras3Weights: {
        auto groups = exportlayout::keras3Groups(model.model, model.hasArchitecture);
        if (!groups)
            return makeError(QStringLiteral("Cannot write %1: %2").arg(targetPath, groups.errorString()));
        written = kerash5::writeKeras3Weights(temporary, *groups);
        break;
    }
    case ExportFormat::KerasArchive: {
        auto groups = exportlayout::keras3Groups(model.model, true);
        if (!groups)
            return makeError(QStringLiteral("Cannot write %1: %2").arg(targetPath, groups.errorString()));
        auto image = kerash5::keras3WeightsImage(*groups);
        if (!image)
            return makeError(QStringLiteral("Cannot write %1: %2").arg(targetPath, image.errorString()));
        const QJsonObject metadata{{QStringLiteral("keras_version"), keras3Version(model)},
                                   {QStringLiteral("date_saved"),
                                    QDateTime::currentDateTime().toString(QStringLiteral("yyyy-MM-dd@HH:mm:ss"))}};
        // Python's zipfile, as Keras uses it, stores members uncompressed, in this order.
        archive = std::make_unique<ZipWriter>(targetPath);
        for (const auto &[name, bytes] :
             {std::pair<QString, QByteArray>{QStringLiteral("metadata.json"),
                                             QJsonDocument(metadata).toJson(QJsonDocument::Compact)},
              std::pair<QString, QByteArray>{QStringLiteral("config.json"),
                                             QJsonDocument(keras3Json).toJson(QJsonDocument::Compact)},
              std::pair<QString, QByteArray>{QStringLiteral("model.weights.h5"), *image}}) {
            written = archive->addMember(name, bytes, ZipWriter::Compression::Stored);
            if (!written)
                break;
        }
        break;
    }
    case ExportFormat::TorchScript:
        written = torchscript::write(model, temporary, options.unknownDimension, &result.warnings);
        break;
    }
    if (!written) {
        // Name the target, not the temporary file the writer saw.
        QString message = written.errorString();
        if (!temporary.isEmpty())
            message.replace(temporary, targetPath);
        if (!message.contains(targetPath))
            message = QStringLiteral("Cannot write %1: %2").arg(targetPath, message);
        return makeError(message);
    }
    if (!temporary.isEmpty())
        makeWorldReadable(temporary);

    // Companion files: prepared now, renamed into place only after the model file.
    std::vector<PendingFile> companions;
    const auto addCompanion = [&](const QString &path, const QByteArray &bytes) -> Expected<void> {
        if (!refuseOverwritingInput(path, inputs)) {
            result.warnings
                << QStringLiteral("%1 was not written: it is one of the files the model was read from.").arg(path);
            return {};
        }
        companions.push_back(PendingFile{nullptr, path});
        auto ok = writeTemporary(companions.back(), bytes);
        if (ok)
            makeWorldReadable(companions.back().target->temporaryPath());
        return ok;
    };
    if (options.writeLabels && !model.classNames.isEmpty()) {
        const std::int64_t classes = model.hasArchitecture ? outputClassCount(model.model) : -1;
        if (classes >= 0 && classes != model.classNames.size())
            result.warnings << QStringLiteral("The %1 class names do not match the model's %2 outputs; no labels file "
                                              "was written.")
                                   .arg(model.classNames.size())
                                   .arg(classes);
        else if (auto ok =
                     addCompanion(CompanionFiles::labelsPath(targetPath), CompanionFiles::labelsText(model.classNames));
                 !ok)
            return ok.error();
    }
    const bool weightsOnly = *format == ExportFormat::Keras2Weights || *format == ExportFormat::Keras3Weights;
    if (options.writeArchitecture && weightsOnly && model.hasArchitecture) {
        const QByteArray json = *format == ExportFormat::Keras3Weights
                                    ? architectureJson(keras3Json, keras3Version(model), legacy.backend)
                                    : architectureJson(exportconfig::sourceStyleConfig(model.model, keras3Source),
                                                       legacy.kerasVersion, legacy.backend);
        if (auto ok = addCompanion(CompanionFiles::architecturePath(targetPath), json); !ok)
            return ok.error();
    }

    auto committed = archive ? archive->finish() : modelFile.commit();
    if (!committed)
        return committed.error();
    result.writtenFiles << targetPath;
    for (PendingFile &companion : companions) {
        auto ok = companion.target->commit();
        if (!ok)
            return makeError(QStringLiteral("%1 was written, but %2").arg(targetPath, ok.errorString()));
        result.writtenFiles << companion.path;
    }
    return result;
}

} // namespace graft
