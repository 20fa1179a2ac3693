#pragma once

#include "core/audio/audiofeatureparams.h"
#include "core/common/expected.h"

class QCommandLineParser;

namespace graft::cli {

/**
 * The librosa-named audio feature options (--sr, --n-mfcc, --n-fft, --hop-length,
 * --window, --pad-mode, --fmin, --htk, --top-db, ...) shared by every command
 * that extracts audio features, so they parse and document the same everywhere.
 */
void addAudioFeatureOptions(QCommandLineParser &parser);

/**
 * Reads the options added by addAudioFeatureOptions(); unset options keep
 * `defaults` (librosa's values unless a caller has its own). Errors name the
 * option and the value that was rejected.
 */
Expected<AudioFeatureParams> audioFeatureParamsFromOptions(const QCommandLineParser &parser,
                                                           const AudioFeatureParams &defaults = {});

} // namespace graft::cli
