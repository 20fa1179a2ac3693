#pragma once

#include "core/audio/audiofeatureparams.h"

#include <vector>

namespace graft {

/**
 * scipy.signal.get_window(window, winLength, fftbins=True) in double, centred
 * in nFft samples with zeros around it (librosa.util.pad_center), as the STFT uses it.
 */
std::vector<double> stftWindow(WindowType window, int winLength, int nFft);

/**
 * The DCT that scipy.fftpack.dct(x, type, norm) applies along the mel axis, as a
 * (rows × size) matrix: rows = n_mfcc because librosa keeps only the first rows.
 */
std::vector<double> dctMatrix(int type, DctNorm norm, int rows, int size);

} // namespace graft
