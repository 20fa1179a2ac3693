#pragma once

#include "core/audio/audiofeatureparams.h"
#include "core/audio/featurematrix.h"
#include "core/audio/featureshaping.h"
#include "core/common/expected.h"

#include <QString>

#include <cstdint>
#include <optional>
#include <vector>

namespace graft {

/**
 * How librosa-shaped features (features × frames) become one model input sample,
 * mirroring what training scripts do after librosa.feature.mfcc.
 */
struct AudioShaping
{
    FeatureOrientation orientation = FeatureOrientation::FeaturesByFrames;
    int frames = 0;               ///< pad/crop to this many frames; 0 keeps them (samples padded to the longest)
    std::int64_t sampleCount = 0; ///< pad/crop the waveform to this many samples before extraction (signal[:N]); 0: off
    CropAnchor crop = CropAnchor::Start;
    bool meanOverTime = false; ///< np.mean(mfcc, axis=1): one value per feature row
    ChannelAxis channelAxis = ChannelAxis::None;
    float padValue = 0.0f;

    QString toKeyString() const;
};

/** Every setting that decides an audio sample's features: librosa's parameters and the shaping. */
struct AudioPipelineSettings
{
    AudioFeatureParams params;
    AudioShaping shaping;

    /** The sample shape for `frames` extracted frames and `channels` audio channels. */
    std::vector<std::int64_t> sampleShape(std::int64_t frames, int channels = 1) const;
    /** The shape when it does not depend on the audio (frames or samples fixed, or mean over time). */
    std::optional<std::vector<std::int64_t>> fixedSampleShape(int channels = 1) const;
    /** Applies the shaping to librosa-shaped features (after any sample-count fix) in C order. */
    std::vector<float> shape(const FeatureMatrix &features) const;

    QString toKeyString() const;
};

/** What image channels the model expects (Keras's color_mode). */
enum class ColorMode { Grayscale, Rgb, Rgba };
/** Pixel values as Keras's loaders give them (0–255) or divided by 255. */
enum class PixelScale { Raw, UnitInterval };

QString colorModeName(ColorMode mode);
std::optional<ColorMode> colorModeFromName(const QString &name);

/** How an image file becomes one model input sample (Keras's image_dataset_from_directory). */
struct ImageSettings
{
    int height = 256; ///< Keras's default image_size=(256, 256)
    int width = 256;
    ColorMode colorMode = ColorMode::Rgb;
    PixelScale scale = PixelScale::Raw;
    bool channelsFirst = false; ///< (C, H, W) instead of Keras's usual (H, W, C)

    int channels() const;
    std::vector<std::int64_t> sampleShape() const;
    QString toKeyString() const;
};

/** Settings that fit a model input shape, and why they were chosen (for the user to confirm or correct). */
struct AudioSettingsProposal
{
    AudioPipelineSettings settings;
    QString explanation;
};

/**
 * Proposes shaping (and n_mfcc / n_mels) so that features fit `inputShape` (no
 * batch axis; -1 or 0 for a free dimension): (13,) → mean over time of 13 MFCCs;
 * (40, 87, 1) → 40 MFCCs × 87 frames plus a channel axis; (87, 40) → transposed.
 * Other parameters are taken from `base`.
 */
Expected<AudioSettingsProposal> proposeFeatureSettings(const std::vector<std::int64_t> &inputShape,
                                                       const AudioFeatureParams &base = {});

struct ImageSettingsProposal
{
    ImageSettings settings;
    QString explanation;
};

/** (H, W, C) with C 1/3/4 → grayscale/rgb/rgba at H × W; (C, H, W) when only the first axis fits. */
Expected<ImageSettingsProposal> proposeImageSettings(const std::vector<std::int64_t> &inputShape);

/** "(40, 87, 1)". */
QString shapeText(const std::vector<std::int64_t> &shape);

} // namespace graft
