#include "core/dataset/samplesettings.h"

#include <QStringList>

#include <algorithm>

namespace graft {

namespace {

QString orientationName(FeatureOrientation orientation)
{
    return orientation == FeatureOrientation::FeaturesByFrames ? QStringLiteral("features-frames")
                                                               : QStringLiteral("frames-features");
}

QString anchorName(CropAnchor anchor)
{
    switch (anchor) {
    case CropAnchor::Start: return QStringLiteral("start");
    case CropAnchor::Center: return QStringLiteral("center");
    case CropAnchor::End: return QStringLiteral("end");
    }
    return QString();
}

QString channelAxisName(ChannelAxis axis)
{
    switch (axis) {
    case ChannelAxis::None: return QStringLiteral("none");
    case ChannelAxis::First: return QStringLiteral("first");
    case ChannelAxis::Last: return QStringLiteral("last");
    }
    return QString();
}

// Feature counts that training scripts commonly choose; used only to tell the
// feature axis from the frame axis of a 2-D input shape.
bool isTypicalFeatureCount(std::int64_t n)
{
    static const std::int64_t typical[] = {12, 13, 20, 24, 26, 30, 32, 39, 40, 48, 60, 64, 80, 96, 128};
    return std::find(std::begin(typical), std::end(typical), n) != std::end(typical);
}

void setFeatureRows(AudioFeatureParams &params, int rows)
{
    if (params.feature == AudioFeatureKind::Mfcc) {
        params.nMfcc = rows;
        // librosa needs n_mfcc <= n_mels (the DCT keeps the first n_mfcc coefficients).
        params.nMels = std::max(params.nMels, rows);
    } else {
        params.nMels = rows;
    }
}

QString featureWord(const AudioFeatureParams &params)
{
    return params.feature == AudioFeatureKind::Mfcc ? QStringLiteral("MFCCs") : QStringLiteral("mel bands");
}

} // namespace

QString shapeText(const std::vector<std::int64_t> &shape)
{
    QStringList parts;
    for (std::int64_t d : shape)
        parts << (d < 0 ? QStringLiteral("None") : QString::number(d));
    return QStringLiteral("(") + parts.join(QStringLiteral(", "))
           + (shape.size() == 1 ? QStringLiteral(",)") : QStringLiteral(")"));
}

QString AudioShaping::toKeyString() const
{
    return QStringLiteral("orientation=%1;frames=%2;samples=%3;crop=%4;mean=%5;channel_axis=%6;pad=%7")
        .arg(orientationName(orientation))
        .arg(frames)
        .arg(sampleCount)
        .arg(anchorName(crop))
        .arg(meanOverTime ? 1 : 0)
        .arg(channelAxisName(channelAxis))
        .arg(double(padValue), 0, 'g', 9);
}

QString AudioPipelineSettings::toKeyString() const
{
    return params.toKeyString() + QLatin1Char(';') + shaping.toKeyString();
}

std::vector<std::int64_t> AudioPipelineSettings::sampleShape(std::int64_t frames, int channels) const
{
    const std::int64_t rows = params.featureRows();
    const std::int64_t t = shaping.frames > 0 ? shaping.frames : frames;
    std::vector<std::int64_t> base;
    if (shaping.meanOverTime)
        base = {rows};
    else if (shaping.orientation == FeatureOrientation::FeaturesByFrames)
        base = {rows, t};
    else
        base = {t, rows};
    if (channels <= 1) {
        const std::vector<qint64> shaped =
            FeatureShaping::shapeWithChannelAxis(std::vector<qint64>(base.begin(), base.end()), shaping.channelAxis);
        return std::vector<std::int64_t>(shaped.begin(), shaped.end());
    }
    if (shaping.channelAxis == ChannelAxis::Last) {
        base.push_back(channels);
        return base;
    }
    base.insert(base.begin(), channels);
    return base;
}

std::optional<std::vector<std::int64_t>> AudioPipelineSettings::fixedSampleShape(int channels) const
{
    if (shaping.meanOverTime || shaping.frames > 0)
        return sampleShape(0, channels);
    if (shaping.sampleCount > 0)
        return sampleShape(params.frameCount(shaping.sampleCount), channels);
    return std::nullopt;
}

std::vector<float> AudioPipelineSettings::shape(const FeatureMatrix &input) const
{
    FeatureMatrix features = input;
    if (shaping.frames > 0)
        features = FeatureShaping::fixFrameCount(features, shaping.frames, shaping.padValue, shaping.crop);
    if (shaping.meanOverTime)
        features = FeatureShaping::meanOverTime(features);
    else
        features = FeatureShaping::oriented(features, shaping.orientation);
    if (features.channels <= 1 || shaping.channelAxis != ChannelAxis::Last)
        return features.values; // a size-1 axis or channel-first layout changes no element order

    // Channels last: interleave the per-channel planes.
    const std::size_t plane = std::size_t(features.rows) * features.cols;
    std::vector<float> values(features.values.size());
    for (std::size_t i = 0; i < plane; ++i) {
        for (int c = 0; c < features.channels; ++c)
            values[i * features.channels + c] = features.values[c * plane + i];
    }
    return values;
}

QString colorModeName(ColorMode mode)
{
    switch (mode) {
    case ColorMode::Grayscale: return QStringLiteral("grayscale");
    case ColorMode::Rgb: return QStringLiteral("rgb");
    case ColorMode::Rgba: return QStringLiteral("rgba");
    }
    return QString();
}

std::optional<ColorMode> colorModeFromName(const QString &name)
{
    for (ColorMode mode : {ColorMode::Grayscale, ColorMode::Rgb, ColorMode::Rgba}) {
        if (colorModeName(mode) == name.toLower())
            return mode;
    }
    return std::nullopt;
}

int ImageSettings::channels() const
{
    switch (colorMode) {
    case ColorMode::Grayscale: return 1;
    case ColorMode::Rgb: return 3;
    case ColorMode::Rgba: return 4;
    }
    return 3;
}

std::vector<std::int64_t> ImageSettings::sampleShape() const
{
    if (channelsFirst)
        return {channels(), height, width};
    return {height, width, channels()};
}

QString ImageSettings::toKeyString() const
{
    return QStringLiteral("image;size=%1x%2;color=%3;scale=%4;layout=%5")
        .arg(height)
        .arg(width)
        .arg(colorModeName(colorMode))
        .arg(scale == PixelScale::Raw ? QStringLiteral("raw") : QStringLiteral("unit"))
        .arg(channelsFirst ? QStringLiteral("chw") : QStringLiteral("hwc"));
}

Expected<AudioSettingsProposal> proposeFeatureSettings(const std::vector<std::int64_t> &inputShape,
                                                       const AudioFeatureParams &base)
{
    AudioSettingsProposal proposal;
    proposal.settings.params = base;
    AudioShaping &shaping = proposal.settings.shaping;
    QStringList notes;

    std::vector<std::int64_t> dims = inputShape;
    if (dims.size() == 3) {
        if (dims[2] == 1) {
            shaping.channelAxis = ChannelAxis::Last;
            dims.pop_back();
            notes << QStringLiteral("trailing channel axis");
        } else if (dims[0] == 1) {
            shaping.channelAxis = ChannelAxis::First;
            dims.erase(dims.begin());
            notes << QStringLiteral("leading channel axis");
        } else {
            return Error{
                QStringLiteral("Input shape %1 has no size-1 channel axis; mono audio features fit (features, frames), "
                               "(frames, features), either with a channel axis of 1, or (features,)")
                    .arg(shapeText(inputShape))};
        }
    }

    if (dims.size() == 1) {
        if (dims[0] <= 0)
            return Error{
                QStringLiteral("Input shape %1 has a free feature dimension; set the number of features by hand")
                    .arg(shapeText(inputShape))};
        setFeatureRows(proposal.settings.params, int(dims[0]));
        shaping.meanOverTime = true;
        notes.prepend(QStringLiteral("mean over time of %1 %2").arg(dims[0]).arg(featureWord(base)));
    } else if (dims.size() == 2) {
        std::int64_t rows = 0;
        std::int64_t frames = 0;
        if (dims[0] <= 0 && dims[1] <= 0)
            return Error{QStringLiteral("Input shape %1 has no fixed dimension to match features to")
                             .arg(shapeText(inputShape))};
        bool featuresFirst;
        if (dims[0] <= 0)
            featuresFirst = false;
        else if (dims[1] <= 0)
            featuresFirst = true;
        else if (isTypicalFeatureCount(dims[0]) != isTypicalFeatureCount(dims[1]))
            featuresFirst = isTypicalFeatureCount(dims[0]);
        else
            featuresFirst = dims[0] <= dims[1]; // more frames than features is the usual case
        rows = featuresFirst ? dims[0] : dims[1];
        frames = featuresFirst ? dims[1] : dims[0];
        setFeatureRows(proposal.settings.params, int(rows));
        shaping.orientation =
            featuresFirst ? FeatureOrientation::FeaturesByFrames : FeatureOrientation::FramesByFeatures;
        shaping.frames = frames > 0 ? int(frames) : 0;
        QString text = QStringLiteral("%1 %2 × %3 frames")
                           .arg(rows)
                           .arg(featureWord(base))
                           .arg(frames > 0 ? QString::number(frames) : QStringLiteral("any number of"));
        text += featuresFirst ? QStringLiteral(" (librosa's orientation)") : QStringLiteral(" (transposed, as mfcc.T)");
        notes.prepend(text);
        if (frames > 0) {
            const AudioFeatureParams &p = proposal.settings.params;
            const int rate = p.sampleRate > 0 ? p.sampleRate : 22050;
            const double samples = double(frames - 1) * p.hopLength + (p.center ? 0 : p.effectiveWinLength());
            const double seconds = samples / rate;
            notes << QStringLiteral("padded or cropped to %1 frames (≈ %2 s of audio at %3 Hz, hop %4)")
                         .arg(frames)
                         .arg(seconds, 0, 'f', 2)
                         .arg(rate)
                         .arg(p.hopLength);
        } else {
            notes << QStringLiteral("frames padded to the longest file");
        }
    } else {
        return Error{QStringLiteral("Input shape %1 does not look like audio features: expected (features,), "
                                    "(features, frames) or (frames, features), optionally with a channel axis of 1")
                         .arg(shapeText(inputShape))};
    }
    proposal.explanation = shapeText(inputShape) + QStringLiteral(": ") + notes.join(QStringLiteral(", "));
    return proposal;
}

Expected<ImageSettingsProposal> proposeImageSettings(const std::vector<std::int64_t> &inputShape)
{
    auto isChannelCount = [](std::int64_t n) { return n == 1 || n == 3 || n == 4; };
    if (inputShape.size() != 3)
        return Error{QStringLiteral("Input shape %1 is not an image shape: expected (height, width, channels)")
                         .arg(shapeText(inputShape))};
    ImageSettingsProposal proposal;
    std::int64_t h = inputShape[0], w = inputShape[1], c = inputShape[2];
    if (!isChannelCount(c) && isChannelCount(inputShape[0])) {
        proposal.settings.channelsFirst = true;
        c = inputShape[0];
        h = inputShape[1];
        w = inputShape[2];
    } else if (!isChannelCount(c)) {
        return Error{QStringLiteral("Input shape %1 has %2 channels; images give 1 (grayscale), 3 (rgb) or 4 (rgba)")
                         .arg(shapeText(inputShape))
                         .arg(c)};
    }
    proposal.settings.colorMode = c == 1 ? ColorMode::Grayscale : c == 3 ? ColorMode::Rgb : ColorMode::Rgba;
    QStringList notes;
    if (h > 0 && w > 0) {
        proposal.settings.height = int(h);
        proposal.settings.width = int(w);
        notes << QStringLiteral("resized to %1 × %2 (bilinear, as Keras)").arg(h).arg(w);
    } else {
        notes << QStringLiteral("free spatial size: Keras's default 256 × 256");
    }
    notes << colorModeName(proposal.settings.colorMode)
          << (proposal.settings.channelsFirst ? QStringLiteral("channels first") : QStringLiteral("channels last"))
          << QStringLiteral("raw 0–255 values, as Keras's loaders give (choose /255 if the model was trained so)");
    proposal.explanation = shapeText(inputShape) + QStringLiteral(": ") + notes.join(QStringLiteral(", "));
    return proposal;
}

} // namespace graft
