#pragma once

#include "core/common/expected.h"

#include <QString>
#include <QStringList>

#include <optional>

namespace graft {

/** Which array a feature extraction returns, named as the librosa call that makes it. */
enum class AudioFeatureKind {
    Mfcc,             ///< librosa.feature.mfcc: (n_mfcc, frames)
    MelSpectrogram,   ///< librosa.feature.melspectrogram: power, (n_mels, frames)
    MelSpectrogramDb, ///< librosa.power_to_db(melspectrogram): (n_mels, frames)
};

/** scipy.signal.get_window names that the STFT accepts, all periodic (fftbins=True). */
enum class WindowType { Hann, Hamming, Blackman, Rectangular };

/** np.pad modes for center=True ('constant' is librosa 0.10's default). */
enum class PadMode { Constant, Reflect, Edge };

/** Mel filter normalisation: librosa's norm='slaney' (area) or norm=None. */
enum class MelNorm { Slaney, None };

/** scipy.fftpack.dct's norm: 'ortho' (librosa's mfcc default) or None. */
enum class DctNorm { Ortho, None };

/**
 * Every parameter of librosa.load + librosa.feature.mfcc / melspectrogram /
 * power_to_db, defaulting to librosa 0.10's values.
 */
struct AudioFeatureParams
{
    AudioFeatureKind feature = AudioFeatureKind::Mfcc;

    // librosa.load
    int sampleRate = 22050; ///< target rate; 0 keeps the file's own rate (sr=None)
    bool mono = true;
    double offset = 0.0;            ///< seconds
    std::optional<double> duration; ///< seconds; unset reads to the end

    // librosa.stft / _spectrogram
    int nFft = 2048;
    int hopLength = 512;
    int winLength = 0; ///< 0 means n_fft
    WindowType window = WindowType::Hann;
    bool center = true;
    PadMode padMode = PadMode::Constant;
    double power = 2.0;

    // librosa.filters.mel
    int nMels = 128;
    double fmin = 0.0;
    std::optional<double> fmax; ///< unset means sr / 2
    bool htk = false;
    MelNorm melNorm = MelNorm::Slaney;

    // librosa.power_to_db
    double ref = 1.0;
    double amin = 1e-10;
    std::optional<double> topDb = 80.0; ///< unset disables the floor (top_db=None)

    // librosa.feature.mfcc
    int nMfcc = 20;
    int dctType = 2;
    DctNorm dctNorm = DctNorm::Ortho;
    double lifter = 0.0;

    int effectiveWinLength() const { return winLength > 0 ? winLength : nFft; }
    double effectiveFmax(int sampleRateHz) const { return fmax ? *fmax : sampleRateHz / 2.0; }
    /** Rows of the result: n_mfcc for MFCC, n_mels otherwise. */
    int featureRows() const { return feature == AudioFeatureKind::Mfcc ? nMfcc : nMels; }
    /** Frames librosa returns for a signal of sampleCount samples (0 if too short without centering). */
    qint64 frameCount(qint64 sampleCount) const;

    /** Checks every parameter that does not depend on the audio; the message names the parameter. */
    Expected<void> validate() const;
    /** Checks the parameters that depend on the signal's sample rate (fmax, fmin). */
    Expected<void> validateForSampleRate(int sampleRateHz) const;

    /** A stable, human-readable description of every field (for cache keys and logs). */
    QString toKeyString() const;

    bool operator==(const AudioFeatureParams &other) const { return toKeyString() == other.toKeyString(); }
    bool operator!=(const AudioFeatureParams &other) const { return !(*this == other); }
};

// Names as librosa spells them (window='hann', pad_mode='constant', feature 'mfcc').
QString featureKindName(AudioFeatureKind kind);
std::optional<AudioFeatureKind> featureKindFromName(const QString &name);
QStringList featureKindNames();
QString windowTypeName(WindowType window);
std::optional<WindowType> windowTypeFromName(const QString &name);
QStringList windowTypeNames();
QString padModeName(PadMode mode);
std::optional<PadMode> padModeFromName(const QString &name);
QStringList padModeNames();

} // namespace graft
