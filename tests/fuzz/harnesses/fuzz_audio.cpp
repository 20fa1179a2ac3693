// libFuzzer: WAV/FLAC/OGG headers and data through the audio decoder
// (libsndfile, channel mixing, finiteness checks; resampling to 16 kHz).
#include "core/audio/audioloader.h"
#include "fuzzfile.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QString path = graft::fuzz::scratchFile(QStringLiteral(".audio"), data, size);
    (void)graft::probeAudio(path);
    graft::AudioLoadOptions options;
    options.sampleRate = 16000;
    // A header may declare hours of audio; a fuzz input decodes at most 10 s.
    options.duration = 10.0;
    auto audio = graft::loadAudio(path, options);
    if (!audio && audio.errorString().isEmpty())
        __builtin_trap();
    return 0;
}
