#pragma once

#include "core/audio/audiofeatureparams.h"
#include "core/common/expected.h"

#include <QString>

class QCommandLineParser;

namespace graft {

/**
 * The folder mode of `graft-cli features PATH --out X.npy --labels y.npy`:
 * every sample of a class-folder dataset (audio, images or .npy), shaped for a
 * model, written as one float32 X.npy (N, ...) and int64 labels y.npy (N,).
 * featurescommand.cpp adds these options and hands folders over to run().
 */
class DatasetFeaturesCommand final
{
public:
    DatasetFeaturesCommand() = delete;

    /** --labels, --class-names, --model, shaping (--frames, --samples, --orientation, --mean, --channel-axis, --crop), image and cache options. */
    static void addOptions(QCommandLineParser &parser);

    /**
     * Extracts `folder` with librosa parameters `params` (already parsed from the
     * feature options) and the folder-mode options in `parser`; returns the
     * summary to print. Bad files are listed in the summary, not errors.
     */
    static Expected<QString> run(const QCommandLineParser &parser, const QString &folder, const QString &outPath,
                                 const AudioFeatureParams &params);
};

} // namespace graft
