#include "core/project/projectfile.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QSaveFile>

#include <cmath>
#include <functional>

namespace graft {

namespace {

const QString formatTag = QStringLiteral("graft-project");
// Seeds above 2^53 do not survive a JSON number (a double); they are written as strings.
constexpr double maxExactInteger = 9007199254740992.0;

/**
 * Reads typed fields of one JSON object, remembering the first error as
 * "<file>: <object>.<field> <what is wrong>".
 */
class FieldReader final
{
public:
    FieldReader(const QJsonObject &object, QString file, QString where, QString *error)
        : m_object(object), m_file(std::move(file)), m_where(std::move(where)), m_error(error)
    { }

    bool ok() const { return m_error->isEmpty(); }
    bool has(const QString &key) const { return m_object.contains(key) && !m_object.value(key).isNull(); }
    QString name(const QString &key) const { return m_where.isEmpty() ? key : m_where + QLatin1Char('.') + key; }

    void fail(const QString &key, const QString &what) const
    {
        if (m_error->isEmpty())
            *m_error = QStringLiteral("%1: %2 %3").arg(m_file, name(key), what);
    }

    FieldReader object(const QString &key) const
    {
        static const QJsonObject empty;
        const QJsonValue value = m_object.value(key);
        if (!value.isUndefined() && !value.isNull() && !value.isObject())
            fail(key, QStringLiteral("must be an object"));
        return FieldReader(value.isObject() ? value.toObject() : empty, m_file, name(key), m_error);
    }
    const QJsonObject &json() const { return m_object; }

    void string(const QString &key, QString &out) const
    {
        if (!has(key))
            return;
        const QJsonValue value = m_object.value(key);
        if (!value.isString())
            fail(key, QStringLiteral("must be a string"));
        else
            out = value.toString();
    }

    void boolean(const QString &key, bool &out) const
    {
        if (!has(key))
            return;
        const QJsonValue value = m_object.value(key);
        if (!value.isBool())
            fail(key, QStringLiteral("must be true or false"));
        else
            out = value.toBool();
    }

    void number(const QString &key, double &out, double minimum, double maximum) const
    {
        if (!has(key))
            return;
        const QJsonValue value = m_object.value(key);
        const double v = value.toDouble();
        if (!value.isDouble() || !std::isfinite(v) || v < minimum || v > maximum)
            fail(key, QStringLiteral("must be a number from %1 to %2").arg(minimum).arg(maximum));
        else
            out = v;
    }

    void integer(const QString &key, int &out, int minimum, int maximum) const
    {
        if (!has(key))
            return;
        const QJsonValue value = m_object.value(key);
        const double v = value.toDouble();
        if (!value.isDouble() || v != std::floor(v) || v < minimum || v > maximum)
            fail(key, QStringLiteral("must be a whole number from %1 to %2").arg(minimum).arg(maximum));
        else
            out = int(v);
    }

    void integer64(const QString &key, std::int64_t &out, std::int64_t minimum, std::int64_t maximum) const
    {
        if (!has(key))
            return;
        const QJsonValue value = m_object.value(key);
        const double v = value.toDouble();
        if (!value.isDouble() || v != std::floor(v) || v < double(minimum) || v > double(maximum))
            fail(key, QStringLiteral("must be a whole number from %1 to %2").arg(minimum).arg(maximum));
        else
            out = std::int64_t(v);
    }

    /** null or absent: unset. */
    void optionalNumber(const QString &key, std::optional<double> &out, double minimum, double maximum) const
    {
        if (m_object.contains(key) && m_object.value(key).isNull()) {
            out.reset();
            return;
        }
        if (!has(key))
            return;
        double v = 0.0;
        number(key, v, minimum, maximum);
        if (ok())
            out = v;
    }

    void optionalInteger(const QString &key, std::optional<int> &out, int minimum, int maximum) const
    {
        if (m_object.contains(key) && m_object.value(key).isNull()) {
            out.reset();
            return;
        }
        if (!has(key))
            return;
        int v = 0;
        integer(key, v, minimum, maximum);
        if (ok())
            out = v;
    }

    /** One of `names`; the enum value is `names`' index mapped through `values`. */
    template <typename Enum>
    void choice(const QString &key, Enum &out, const QStringList &names, const QList<Enum> &values) const
    {
        if (!has(key))
            return;
        const QJsonValue value = m_object.value(key);
        const int index = value.isString() ? int(names.indexOf(value.toString())) : -1;
        if (index < 0)
            fail(key, QStringLiteral("must be one of %1").arg(names.join(QStringLiteral(", "))));
        else
            out = values.at(index);
    }

    void seed(const QString &key, std::uint64_t &out) const
    {
        if (!has(key))
            return;
        const QJsonValue value = m_object.value(key);
        bool good = false;
        if (value.isString()) {
            out = value.toString().toULongLong(&good);
        } else if (value.isDouble()) {
            const double v = value.toDouble();
            good = v >= 0 && v <= maxExactInteger && v == std::floor(v);
            if (good)
                out = std::uint64_t(v);
        }
        if (!good)
            fail(key, QStringLiteral("must be a whole number from 0 to 2^64 - 1 (as a string above 2^53)"));
    }

    /** A path, resolved against the project's folder when relative. */
    void path(const QString &key, QString &out, const QDir &base) const
    {
        QString text;
        string(key, text);
        if (ok() && !text.isEmpty())
            out = QDir::cleanPath(base.absoluteFilePath(text));
    }

private:
    QJsonObject m_object;
    QString m_file;
    QString m_where;
    QString *m_error;
};

const QStringList featureNames{QStringLiteral("mfcc"), QStringLiteral("melspec"), QStringLiteral("melspec-db")};
const QList<AudioFeatureKind> featureValues{AudioFeatureKind::Mfcc, AudioFeatureKind::MelSpectrogram,
                                            AudioFeatureKind::MelSpectrogramDb};
const QStringList windowNames{QStringLiteral("hann"), QStringLiteral("hamming"), QStringLiteral("blackman"),
                              QStringLiteral("boxcar")};
const QList<WindowType> windowValues{WindowType::Hann, WindowType::Hamming, WindowType::Blackman,
                                     WindowType::Rectangular};
const QStringList padNames{QStringLiteral("constant"), QStringLiteral("reflect"), QStringLiteral("edge")};
const QList<PadMode> padValues{PadMode::Constant, PadMode::Reflect, PadMode::Edge};
const QStringList orientationNames{QStringLiteral("features_frames"), QStringLiteral("frames_features")};
const QList<FeatureOrientation> orientationValues{FeatureOrientation::FeaturesByFrames,
                                                  FeatureOrientation::FramesByFeatures};
const QStringList cropNames{QStringLiteral("start"), QStringLiteral("center"), QStringLiteral("end")};
const QList<CropAnchor> cropValues{CropAnchor::Start, CropAnchor::Center, CropAnchor::End};
const QStringList axisNames{QStringLiteral("none"), QStringLiteral("first"), QStringLiteral("last")};
const QList<ChannelAxis> axisValues{ChannelAxis::None, ChannelAxis::First, ChannelAxis::Last};
const QStringList colorNames{QStringLiteral("grayscale"), QStringLiteral("rgb"), QStringLiteral("rgba")};
const QList<ColorMode> colorValues{ColorMode::Grayscale, ColorMode::Rgb, ColorMode::Rgba};
const QStringList scaleNames{QStringLiteral("raw"), QStringLiteral("unit")};
const QList<PixelScale> scaleValues{PixelScale::Raw, PixelScale::UnitInterval};

const QStringList tokenizerNames{QStringLiteral("wordpiece"), QStringLiteral("textvectorization"),
                                 QStringLiteral("none")};
const QStringList sideNames{QStringLiteral("pre"), QStringLiteral("post")};
const QList<PaddingSide> sideValues{PaddingSide::Pre, PaddingSide::Post};

template <typename Enum> QString nameOf(Enum value, const QStringList &names, const QList<Enum> &values)
{
    return names.value(values.indexOf(value));
}

QJsonValue optionalValue(const std::optional<double> &value)
{
    return value ? QJsonValue(*value) : QJsonValue(QJsonValue::Null);
}

QJsonValue optionalValue(const std::optional<int> &value)
{
    return value ? QJsonValue(*value) : QJsonValue(QJsonValue::Null);
}

/** Inside the project's folder: relative (the project moves with its data); elsewhere: absolute. */
QString storedPath(const QString &path, const QDir &base)
{
    if (path.isEmpty())
        return {};
    const QString absolute = QDir::cleanPath(QFileInfo(path).absoluteFilePath());
    const QString relative = base.relativeFilePath(absolute);
    return relative.startsWith(QLatin1String("..")) ? absolute : relative;
}

void readAudio(const FieldReader &r, AudioPipelineSettings &s)
{
    AudioFeatureParams &p = s.params;
    r.choice(QStringLiteral("feature"), p.feature, featureNames, featureValues);
    if (r.json().contains(QStringLiteral("sr")) && r.json().value(QStringLiteral("sr")).isNull())
        p.sampleRate = 0; // sr=None keeps each file's rate
    else
        r.integer(QStringLiteral("sr"), p.sampleRate, 1, 1000000);
    r.boolean(QStringLiteral("mono"), p.mono);
    r.number(QStringLiteral("offset"), p.offset, 0, 1e9);
    r.optionalNumber(QStringLiteral("duration"), p.duration, 0, 1e9);
    r.integer(QStringLiteral("n_fft"), p.nFft, 1, 1 << 20);
    r.integer(QStringLiteral("hop_length"), p.hopLength, 1, 1 << 20);
    std::optional<int> winLength = p.winLength > 0 ? std::optional<int>(p.winLength) : std::nullopt;
    r.optionalInteger(QStringLiteral("win_length"), winLength, 1, 1 << 20);
    p.winLength = winLength.value_or(0);
    r.choice(QStringLiteral("window"), p.window, windowNames, windowValues);
    r.boolean(QStringLiteral("center"), p.center);
    r.choice(QStringLiteral("pad_mode"), p.padMode, padNames, padValues);
    r.number(QStringLiteral("power"), p.power, 1e-6, 1e3);
    r.integer(QStringLiteral("n_mels"), p.nMels, 1, 1 << 16);
    r.number(QStringLiteral("fmin"), p.fmin, 0, 1e7);
    r.optionalNumber(QStringLiteral("fmax"), p.fmax, 0, 1e7);
    r.boolean(QStringLiteral("htk"), p.htk);
    if (r.json().contains(QStringLiteral("norm")) && r.json().value(QStringLiteral("norm")).isNull())
        p.melNorm = MelNorm::None;
    else
        r.choice(QStringLiteral("norm"), p.melNorm, {QStringLiteral("slaney")}, QList<MelNorm>{MelNorm::Slaney});
    r.number(QStringLiteral("ref"), p.ref, 1e-30, 1e30);
    r.number(QStringLiteral("amin"), p.amin, 1e-30, 1e30);
    r.optionalNumber(QStringLiteral("top_db"), p.topDb, 0, 1e4);
    r.integer(QStringLiteral("n_mfcc"), p.nMfcc, 1, 1 << 16);
    r.integer(QStringLiteral("dct_type"), p.dctType, 1, 3);
    if (r.json().contains(QStringLiteral("dct_norm")) && r.json().value(QStringLiteral("dct_norm")).isNull())
        p.dctNorm = DctNorm::None;
    else
        r.choice(QStringLiteral("dct_norm"), p.dctNorm, {QStringLiteral("ortho")}, QList<DctNorm>{DctNorm::Ortho});
    r.number(QStringLiteral("lifter"), p.lifter, 0, 1e6);

    const FieldReader shaping = r.object(QStringLiteral("shaping"));
    AudioShaping &sh = s.shaping;
    shaping.choice(QStringLiteral("orientation"), sh.orientation, orientationNames, orientationValues);
    shaping.integer(QStringLiteral("frames"), sh.frames, 0, 1 << 24);
    shaping.integer64(QStringLiteral("sample_count"), sh.sampleCount, 0, std::int64_t(1) << 40);
    shaping.choice(QStringLiteral("crop"), sh.crop, cropNames, cropValues);
    shaping.boolean(QStringLiteral("mean_over_time"), sh.meanOverTime);
    shaping.choice(QStringLiteral("channel_axis"), sh.channelAxis, axisNames, axisValues);
    double padValue = sh.padValue;
    shaping.number(QStringLiteral("pad_value"), padValue, -1e30, 1e30);
    sh.padValue = float(padValue);
}

QJsonObject audioJson(const AudioPipelineSettings &s)
{
    const AudioFeatureParams &p = s.params;
    const AudioShaping &sh = s.shaping;
    return QJsonObject{
        {QStringLiteral("feature"), nameOf(p.feature, featureNames, featureValues)},
        {QStringLiteral("sr"), p.sampleRate > 0 ? QJsonValue(p.sampleRate) : QJsonValue(QJsonValue::Null)},
        {QStringLiteral("mono"), p.mono},
        {QStringLiteral("offset"), p.offset},
        {QStringLiteral("duration"), optionalValue(p.duration)},
        {QStringLiteral("n_fft"), p.nFft},
        {QStringLiteral("hop_length"), p.hopLength},
        {QStringLiteral("win_length"), p.winLength > 0 ? QJsonValue(p.winLength) : QJsonValue(QJsonValue::Null)},
        {QStringLiteral("window"), nameOf(p.window, windowNames, windowValues)},
        {QStringLiteral("center"), p.center},
        {QStringLiteral("pad_mode"), nameOf(p.padMode, padNames, padValues)},
        {QStringLiteral("power"), p.power},
        {QStringLiteral("n_mels"), p.nMels},
        {QStringLiteral("fmin"), p.fmin},
        {QStringLiteral("fmax"), optionalValue(p.fmax)},
        {QStringLiteral("htk"), p.htk},
        {QStringLiteral("norm"),
         p.melNorm == MelNorm::Slaney ? QJsonValue(QStringLiteral("slaney")) : QJsonValue(QJsonValue::Null)},
        {QStringLiteral("ref"), p.ref},
        {QStringLiteral("amin"), p.amin},
        {QStringLiteral("top_db"), optionalValue(p.topDb)},
        {QStringLiteral("n_mfcc"), p.nMfcc},
        {QStringLiteral("dct_type"), p.dctType},
        {QStringLiteral("dct_norm"),
         p.dctNorm == DctNorm::Ortho ? QJsonValue(QStringLiteral("ortho")) : QJsonValue(QJsonValue::Null)},
        {QStringLiteral("lifter"), p.lifter},
        {QStringLiteral("shaping"),
         QJsonObject{{QStringLiteral("orientation"), nameOf(sh.orientation, orientationNames, orientationValues)},
                     {QStringLiteral("frames"), sh.frames},
                     {QStringLiteral("sample_count"), double(sh.sampleCount)},
                     {QStringLiteral("crop"), nameOf(sh.crop, cropNames, cropValues)},
                     {QStringLiteral("mean_over_time"), sh.meanOverTime},
                     {QStringLiteral("channel_axis"), nameOf(sh.channelAxis, axisNames, axisValues)},
                     {QStringLiteral("pad_value"), double(sh.padValue)}}},
    };
}

void readText(const FieldReader &r, ProjectText &t, const QDir &base)
{
    r.choice(QStringLiteral("tokenizer"), t.tokenizer, tokenizerNames, tokenizerNames);
    r.path(QStringLiteral("vocabulary"), t.vocabularyPath, base);
    r.string(QStringLiteral("text_column"), t.textColumn);
    r.string(QStringLiteral("label_column"), t.labelColumn);
    r.integer(QStringLiteral("max_len"), t.maxLength, 0, 1000000);
    r.choice(QStringLiteral("padding"), t.padding.padding, sideNames, sideValues);
    r.choice(QStringLiteral("truncating"), t.padding.truncating, sideNames, sideValues);
    r.integer(QStringLiteral("padding_value"), t.padding.value, -1000000000, 1000000000);
}

QJsonObject textJson(const ProjectText &t, const QDir &base)
{
    return QJsonObject{
        {QStringLiteral("tokenizer"), t.tokenizer},
        {QStringLiteral("vocabulary"), storedPath(t.vocabularyPath, base)},
        {QStringLiteral("text_column"), t.textColumn},
        {QStringLiteral("label_column"), t.labelColumn},
        {QStringLiteral("max_len"), t.maxLength},
        {QStringLiteral("padding"), nameOf(t.padding.padding, sideNames, sideValues)},
        {QStringLiteral("truncating"), nameOf(t.padding.truncating, sideNames, sideValues)},
        {QStringLiteral("padding_value"), t.padding.value},
    };
}

void readTraining(const FieldReader &r, ProjectTrainingSettings &t)
{
    r.string(QStringLiteral("optimizer"), t.optimizer);
    if (r.ok()
        && !QStringList{QStringLiteral("adam"), QStringLiteral("sgd"), QStringLiteral("rmsprop")}.contains(t.optimizer))
        r.fail(QStringLiteral("optimizer"),
               QStringLiteral("must be one of adam, sgd, rmsprop (found '%1')").arg(t.optimizer));
    r.optionalNumber(QStringLiteral("learning_rate"), t.learningRate, 0, 1e3);
    r.number(QStringLiteral("momentum"), t.momentum, 0, 1);
    r.boolean(QStringLiteral("nesterov"), t.nesterov);
    r.integer(QStringLiteral("batch_size"), t.batchSize, 1, 1 << 20);
    r.integer(QStringLiteral("epochs"), t.epochs, 0, 1000000);
    r.string(QStringLiteral("train"), t.train);
    if (r.ok() && t.train != QLatin1String("head") && t.train != QLatin1String("all")
        && !(t.train.startsWith(QLatin1String("from:")) && t.train.size() > 5))
        r.fail(QStringLiteral("train"), QStringLiteral("must be head, all or from:LAYER (found '%1')").arg(t.train));
    r.integer(QStringLiteral("phase1_epochs"), t.phase1Epochs, 0, 1000000);
    r.number(QStringLiteral("unfreeze_lr_multiplier"), t.unfreezeLrMultiplier, 0, 1e6);
    r.number(QStringLiteral("label_smoothing"), t.labelSmoothing, 0, 1);
    QString weights = t.balancedClassWeights ? QStringLiteral("balanced") : QStringLiteral("none");
    r.string(QStringLiteral("class_weights"), weights);
    if (r.ok() && weights != QLatin1String("none") && weights != QLatin1String("balanced"))
        r.fail(QStringLiteral("class_weights"), QStringLiteral("must be none or balanced (found '%1')").arg(weights));
    t.balancedClassWeights = weights == QLatin1String("balanced");
    r.boolean(QStringLiteral("shuffle"), t.shuffle);
    r.seed(QStringLiteral("seed"), t.seed);
    r.string(QStringLiteral("monitor"), t.monitor);
    if (r.ok()
        && !QStringList{QStringLiteral("val_loss"), QStringLiteral("val_accuracy"), QStringLiteral("loss"),
                        QStringLiteral("accuracy")}
                .contains(t.monitor))
        r.fail(QStringLiteral("monitor"),
               QStringLiteral("must be one of val_loss, val_accuracy, loss, accuracy (found '%1')").arg(t.monitor));
    r.optionalInteger(QStringLiteral("early_stopping_patience"), t.earlyStoppingPatience, 0, 1000000);
    r.number(QStringLiteral("min_delta"), t.minDelta, 0, 1e9);
    r.optionalInteger(QStringLiteral("reduce_lr_patience"), t.reduceLrPatience, 0, 1000000);
    r.number(QStringLiteral("reduce_lr_factor"), t.reduceLrFactor, 1e-9, 1);
    r.number(QStringLiteral("min_lr"), t.minLr, 0, 1e3);
    r.boolean(QStringLiteral("compare_scratch"), t.compareScratch);
}

QJsonObject trainingJson(const ProjectTrainingSettings &t)
{
    return QJsonObject{
        {QStringLiteral("optimizer"), t.optimizer},
        {QStringLiteral("learning_rate"), optionalValue(t.learningRate)},
        {QStringLiteral("momentum"), t.momentum},
        {QStringLiteral("nesterov"), t.nesterov},
        {QStringLiteral("batch_size"), t.batchSize},
        {QStringLiteral("epochs"), t.epochs},
        {QStringLiteral("train"), t.train},
        {QStringLiteral("phase1_epochs"), t.phase1Epochs},
        {QStringLiteral("unfreeze_lr_multiplier"), t.unfreezeLrMultiplier},
        {QStringLiteral("label_smoothing"), t.labelSmoothing},
        {QStringLiteral("class_weights"), t.balancedClassWeights ? QStringLiteral("balanced") : QStringLiteral("none")},
        {QStringLiteral("shuffle"), t.shuffle},
        {QStringLiteral("seed"),
         double(t.seed) <= maxExactInteger ? QJsonValue(double(t.seed)) : QJsonValue(QString::number(t.seed))},
        {QStringLiteral("monitor"), t.monitor},
        {QStringLiteral("early_stopping_patience"), optionalValue(t.earlyStoppingPatience)},
        {QStringLiteral("min_delta"), t.minDelta},
        {QStringLiteral("reduce_lr_patience"), optionalValue(t.reduceLrPatience)},
        {QStringLiteral("reduce_lr_factor"), t.reduceLrFactor},
        {QStringLiteral("min_lr"), t.minLr},
        {QStringLiteral("compare_scratch"), t.compareScratch},
    };
}

} // namespace

QString ProjectFile::suffix()
{
    return QStringLiteral("graft");
}

Expected<Project> ProjectFile::read(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error{QStringLiteral("%1: cannot open the project file (%2).").arg(path, file.errorString())};
    if (file.size() > maxBytes)
        return Error{QStringLiteral("%1: %2 bytes is too large for a project file (at most %3); is it one?")
                         .arg(path)
                         .arg(file.size())
                         .arg(maxBytes)};
    return parse(file.readAll(), path);
}

Expected<Project> ProjectFile::parse(const QByteArray &json, const QString &projectPath)
{
    if (json.size() > maxBytes)
        return Error{QStringLiteral("%1: %2 bytes is too large for a project file.").arg(projectPath).arg(json.size())};
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return Error{QStringLiteral("%1: not valid JSON at byte %2 (%3).")
                         .arg(projectPath)
                         .arg(parseError.offset)
                         .arg(parseError.errorString())};
    if (!document.isObject())
        return Error{
            QStringLiteral("%1: a project file holds one JSON object, not %2.")
                .arg(projectPath, document.isArray() ? QStringLiteral("an array") : QStringLiteral("a value"))};
    const QJsonObject root = document.object();
    if (root.value(QStringLiteral("format")).toString() != formatTag)
        return Error{
            QStringLiteral("%1: not a Graft project (\"format\" must be \"%2\").").arg(projectPath, formatTag)};
    const QJsonValue versionValue = root.value(QStringLiteral("version"));
    const double fileVersion = versionValue.toDouble(-1);
    if (!versionValue.isDouble() || fileVersion != std::floor(fileVersion) || fileVersion < 1)
        return Error{QStringLiteral("%1: \"version\" must be a whole number from 1.").arg(projectPath)};
    if (fileVersion > version)
        return Error{QStringLiteral("%1: written by a newer Graft (project version %2); this one reads version %3. "
                                    "Update Graft to open it.")
                         .arg(projectPath)
                         .arg(fileVersion)
                         .arg(version)};

    const QDir base = QFileInfo(projectPath).absoluteDir();
    QString error;
    const FieldReader r(root, projectPath, QString(), &error);
    Project project;

    const FieldReader model = r.object(QStringLiteral("model"));
    model.path(QStringLiteral("path"), project.model.path, base);
    model.path(QStringLiteral("architecture"), project.model.architecturePath, base);
    model.path(QStringLiteral("old_class_names"), project.model.oldClassNamesPath, base);

    const FieldReader dataset = r.object(QStringLiteral("dataset"));
    dataset.path(QStringLiteral("path"), project.dataset.path, base);
    dataset.path(QStringLiteral("validation_path"), project.dataset.validationPath, base);
    dataset.number(QStringLiteral("validation_split"), project.dataset.validationSplit, 0.0, 0.95);

    const FieldReader features = r.object(QStringLiteral("features"));
    readAudio(features.object(QStringLiteral("audio")), project.audio);
    const FieldReader image = features.object(QStringLiteral("image"));
    image.integer(QStringLiteral("height"), project.image.height, 1, 1 << 16);
    image.integer(QStringLiteral("width"), project.image.width, 1, 1 << 16);
    image.choice(QStringLiteral("color_mode"), project.image.colorMode, colorNames, colorValues);
    image.choice(QStringLiteral("scale"), project.image.scale, scaleNames, scaleValues);
    image.boolean(QStringLiteral("channels_first"), project.image.channelsFirst);

    if (r.has(QStringLiteral("text"))) {
        ProjectText text;
        readText(r.object(QStringLiteral("text")), text, base);
        project.text = text;
    }

    if (r.has(QStringLiteral("head_plan"))) {
        const QJsonValue plan = root.value(QStringLiteral("head_plan"));
        if (!plan.isObject())
            r.fail(QStringLiteral("head_plan"),
                   QStringLiteral("must be an object (a head plan as graft-cli finetune writes it)"));
        else
            project.headPlan = plan.toObject();
    }
    readTraining(r.object(QStringLiteral("training")), project.training);

    if (!error.isEmpty())
        return Error{error};
    if (auto ok = project.audio.params.validate(); !ok)
        return Error{QStringLiteral("%1: features.audio: %2").arg(projectPath, ok.errorString())};
    return project;
}

QByteArray ProjectFile::serialize(const Project &project, const QString &projectPath)
{
    const QDir base = QFileInfo(projectPath).absoluteDir();
    QJsonObject root{
        {QStringLiteral("format"), formatTag},
        {QStringLiteral("version"), version},
        {QStringLiteral("model"),
         QJsonObject{{QStringLiteral("path"), storedPath(project.model.path, base)},
                     {QStringLiteral("architecture"), storedPath(project.model.architecturePath, base)},
                     {QStringLiteral("old_class_names"), storedPath(project.model.oldClassNamesPath, base)}}},
        {QStringLiteral("dataset"),
         QJsonObject{{QStringLiteral("path"), storedPath(project.dataset.path, base)},
                     {QStringLiteral("validation_path"), storedPath(project.dataset.validationPath, base)},
                     {QStringLiteral("validation_split"), project.dataset.validationSplit}}},
        {QStringLiteral("features"),
         QJsonObject{
             {QStringLiteral("audio"), audioJson(project.audio)},
             {QStringLiteral("image"),
              QJsonObject{{QStringLiteral("height"), project.image.height},
                          {QStringLiteral("width"), project.image.width},
                          {QStringLiteral("color_mode"), nameOf(project.image.colorMode, colorNames, colorValues)},
                          {QStringLiteral("scale"), nameOf(project.image.scale, scaleNames, scaleValues)},
                          {QStringLiteral("channels_first"), project.image.channelsFirst}}}}},
        {QStringLiteral("training"), trainingJson(project.training)},
    };
    if (project.text)
        root.insert(QStringLiteral("text"), textJson(*project.text, base));
    if (project.headPlan)
        root.insert(QStringLiteral("head_plan"), *project.headPlan);
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

Expected<void> ProjectFile::write(const Project &project, const QString &path)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return Error{QStringLiteral("%1: cannot write the project file (%2).").arg(path, file.errorString())};
    const QByteArray bytes = serialize(project, path);
    if (file.write(bytes) != bytes.size() || !file.commit())
        return Error{QStringLiteral("%1: writing the project file failed (%2); any earlier file is unchanged.")
                         .arg(path, file.errorString())};
    return {};
}

} // namespace graft
