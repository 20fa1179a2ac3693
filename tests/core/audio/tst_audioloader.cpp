// Decoding through libsndfile as librosa.load does: every sample format, channel
// averaging, offset/duration, resampled lengths, and clean errors for bad files.

#include "core/audio/audioloader.h"
#include "core/audio/resampler.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <sndfile.h>

#include <cmath>

using namespace graft;

namespace {

// Integer sample values that exercise sign, zero and both extremes of each width.
std::vector<int> testPattern(int frames, int channels, int bits)
{
    const qint64 maxValue = (qint64(1) << (bits - 1)) - 1;
    std::vector<int> values(std::size_t(frames) * channels);
    for (int i = 0; i < frames; ++i) {
        for (int c = 0; c < channels; ++c) {
            const double phase = 0.37 * i + 1.3 * c;
            qint64 v = qint64(std::llround(std::sin(phase) * double(maxValue)));
            if (i == 0)
                v = c == 0 ? -maxValue - 1 : maxValue;
            values[std::size_t(i) * channels + c] = int(v);
        }
    }
    return values;
}

bool writeIntFile(const QString &path, int format, int sampleRate, int channels, const std::vector<int> &interleaved,
                  int bits)
{
    SF_INFO info{};
    info.samplerate = sampleRate;
    info.channels = channels;
    info.format = format;
    SNDFILE *file = sf_open(QFile::encodeName(path).constData(), SFM_WRITE, &info);
    if (!file)
        return false;
    // libsndfile's int API is left-justified 32-bit: shift narrower samples up.
    std::vector<int> shifted(interleaved.size());
    for (std::size_t i = 0; i < interleaved.size(); ++i)
        shifted[i] = int(quint32(interleaved[i]) << (32 - bits));
    const sf_count_t frames = sf_count_t(interleaved.size()) / channels;
    const bool ok = sf_writef_int(file, shifted.data(), frames) == frames;
    sf_close(file);
    return ok;
}

bool writeFloatFile(const QString &path, int format, int sampleRate, int channels,
                    const std::vector<float> &interleaved)
{
    SF_INFO info{};
    info.samplerate = sampleRate;
    info.channels = channels;
    info.format = format;
    SNDFILE *file = sf_open(QFile::encodeName(path).constData(), SFM_WRITE, &info);
    if (!file)
        return false;
    const sf_count_t frames = sf_count_t(interleaved.size()) / channels;
    const bool ok = sf_writef_float(file, interleaved.data(), frames) == frames;
    sf_close(file);
    return ok;
}

} // namespace

class AudioLoaderTest final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    QString path(const QString &name) const { return m_dir.filePath(name); }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void decodesEverySampleFormat_data()
    {
        QTest::addColumn<int>("format");
        QTest::addColumn<int>("bits");
        QTest::addColumn<int>("channels");
        QTest::addColumn<QString>("suffix");
        QTest::newRow("wav pcm16 mono") << int(SF_FORMAT_WAV | SF_FORMAT_PCM_16) << 16 << 1 << "wav";
        QTest::newRow("wav pcm16 stereo") << int(SF_FORMAT_WAV | SF_FORMAT_PCM_16) << 16 << 2 << "wav";
        QTest::newRow("wav pcm24 3ch") << int(SF_FORMAT_WAV | SF_FORMAT_PCM_24) << 24 << 3 << "wav";
        QTest::newRow("wav pcm32 stereo") << int(SF_FORMAT_WAV | SF_FORMAT_PCM_32) << 32 << 2 << "wav";
        QTest::newRow("wav u8 mono") << int(SF_FORMAT_WAV | SF_FORMAT_PCM_U8) << 8 << 1 << "wav";
        QTest::newRow("wavex pcm16 6ch") << int(SF_FORMAT_WAVEX | SF_FORMAT_PCM_16) << 16 << 6 << "wav";
        QTest::newRow("flac pcm16 stereo") << int(SF_FORMAT_FLAC | SF_FORMAT_PCM_16) << 16 << 2 << "flac";
        QTest::newRow("flac pcm24 mono") << int(SF_FORMAT_FLAC | SF_FORMAT_PCM_24) << 24 << 1 << "flac";
    }
    void decodesEverySampleFormat()
    {
        QFETCH(int, format);
        QFETCH(int, bits);
        QFETCH(int, channels);
        QFETCH(QString, suffix);
        const int frames = 1000;
        const std::vector<int> pattern = testPattern(frames, channels, bits);
        const QString file = path(QStringLiteral("%1.%2").arg(QTest::currentDataTag()).arg(suffix));
        QVERIFY(writeIntFile(file, format, 8000, channels, pattern, bits));

        AudioLoadOptions options;
        options.sampleRate = 0;
        options.mono = false;
        auto audio = loadAudio(file, options);
        QVERIFY2(audio, qPrintable(audio.errorString()));
        QCOMPARE(audio->sampleRate, 8000);
        QCOMPARE(audio->channels, channels);
        QCOMPARE(audio->frames(), qint64(frames));
        // libsndfile normalises integers by 2^(bits-1); 32-bit values round to float32.
        const double scale = std::ldexp(1.0, bits - 1);
        const double tolerance = bits == 32 ? 1e-7 : 0.0;
        for (int c = 0; c < channels; ++c) {
            for (int i = 0; i < frames; ++i) {
                const double expected = pattern[std::size_t(i) * channels + c] / scale;
                const double got = audio->channel(c)[i];
                if (std::abs(got - expected) > tolerance)
                    QFAIL(qPrintable(
                        QStringLiteral("channel %1 frame %2: got %3, want %4").arg(c).arg(i).arg(got).arg(expected)));
            }
        }

        // mono=True: the float32 mean of the channels, in channel order.
        options.mono = true;
        auto mono = loadAudio(file, options);
        QVERIFY2(mono, qPrintable(mono.errorString()));
        QCOMPARE(mono->channels, 1);
        QCOMPARE(mono->frames(), qint64(frames));
        for (int i = 0; i < frames; ++i) {
            float sum = audio->channel(0)[i];
            for (int c = 1; c < channels; ++c)
                sum += audio->channel(c)[i];
            QCOMPARE(mono->samples[std::size_t(i)], sum / float(channels));
        }
    }

    void decodesFloatWavExactly()
    {
        std::vector<float> samples = {0.0f, 0.25f, -0.5f, 1.5f, -1.0f, 1e-8f, 0.123456789f};
        const QString file = path(QStringLiteral("float.wav"));
        QVERIFY(writeFloatFile(file, SF_FORMAT_WAV | SF_FORMAT_FLOAT, 44100, 1, samples));
        AudioLoadOptions options;
        options.sampleRate = 0;
        auto audio = loadAudio(file, options);
        QVERIFY2(audio, qPrintable(audio.errorString()));
        QCOMPARE(audio->samples, samples); // float WAV is passed through unclipped, like soundfile
    }

    void decodesOggVorbis()
    {
        std::vector<float> samples(16000);
        for (std::size_t i = 0; i < samples.size(); ++i)
            samples[i] = 0.5f * float(std::sin(2 * 3.14159265358979 * 440.0 * double(i) / 16000.0));
        const QString file = path(QStringLiteral("tone.ogg"));
        QVERIFY(writeFloatFile(file, SF_FORMAT_OGG | SF_FORMAT_VORBIS, 16000, 1, samples));
        AudioLoadOptions options;
        options.sampleRate = 0;
        auto audio = loadAudio(file, options);
        QVERIFY2(audio, qPrintable(audio.errorString()));
        QCOMPARE(audio->sampleRate, 16000);
        QCOMPARE(audio->frames(), qint64(samples.size()));
        double energy = 0;
        double error = 0;
        for (std::size_t i = 0; i < samples.size(); ++i) {
            energy += double(samples[i]) * samples[i];
            error += std::pow(double(samples[i]) - audio->samples[i], 2);
        }
        QVERIFY2(error < 1e-3 * energy, "Vorbis round trip should be close to the input");
    }

    void offsetAndDurationTruncateLikeLibrosa()
    {
        const std::vector<int> pattern = testPattern(8000, 1, 16);
        const QString file = path(QStringLiteral("offsets.wav"));
        QVERIFY(writeIntFile(file, SF_FORMAT_WAV | SF_FORMAT_PCM_16, 8000, 1, pattern, 16));
        AudioLoadOptions options;
        options.sampleRate = 0;
        options.offset = 0.10005;  // int(800.4) = 800
        options.duration = 0.2501; // int(2000.8) = 2000
        auto audio = loadAudio(file, options);
        QVERIFY2(audio, qPrintable(audio.errorString()));
        QCOMPARE(audio->frames(), qint64(2000));
        QCOMPARE(audio->samples.front(), float(pattern[800] / 32768.0));
        QCOMPARE(audio->samples.back(), float(pattern[2799] / 32768.0));

        options.duration = 5.0; // past the end: whatever is left
        audio = loadAudio(file, options);
        QVERIFY2(audio, qPrintable(audio.errorString()));
        QCOMPARE(audio->frames(), qint64(8000 - 800));

        options.offset = 1.0; // exactly at the end
        auto empty = loadAudio(file, options);
        QVERIFY(!empty);
        QVERIFY2(empty.errorString().contains(file), qPrintable(empty.errorString()));
        QVERIFY2(empty.errorString().contains(QStringLiteral("offset")), qPrintable(empty.errorString()));
    }

    void decodesFilesLongerThanTheFirstBuffer()
    {
        // Past the loader's first 2^22-frame buffer, so it has to grow while reading.
        const int frames = (1 << 22) + 12345;
        std::vector<int> pattern(frames);
        for (int i = 0; i < frames; ++i)
            pattern[std::size_t(i)] = int((qint64(i) * 7919) % 65536) - 32768; // 64-bit: i * 7919 overflows int
        const QString file = path(QStringLiteral("long.wav"));
        QVERIFY(writeIntFile(file, SF_FORMAT_WAV | SF_FORMAT_PCM_16, 48000, 1, pattern, 16));
        AudioLoadOptions options;
        options.sampleRate = 0;
        auto audio = loadAudio(file, options);
        QVERIFY2(audio, qPrintable(audio.errorString()));
        QCOMPARE(audio->frames(), qint64(frames));
        for (int i : {0, 1 << 22, frames - 1})
            QCOMPARE(audio->samples[std::size_t(i)], float(pattern[std::size_t(i)] / 32768.0));
        QFile::remove(file);
    }

    void resamplesToCeilLength_data()
    {
        QTest::addColumn<int>("inputRate");
        QTest::addColumn<int>("outputRate");
        QTest::addColumn<int>("frames");
        QTest::newRow("16k->22050") << 16000 << 22050 << 16000;
        QTest::newRow("44100->22050 odd") << 44100 << 22050 << 4411;
        QTest::newRow("8000->22050 short") << 8000 << 22050 << 7;
        QTest::newRow("48000->16000") << 48000 << 16000 << 12345;
    }
    void resamplesToCeilLength()
    {
        QFETCH(int, inputRate);
        QFETCH(int, outputRate);
        QFETCH(int, frames);
        const std::vector<int> pattern = testPattern(frames, 2, 16);
        const QString file = path(QStringLiteral("rate_%1_%2_%3.wav").arg(inputRate).arg(outputRate).arg(frames));
        QVERIFY(writeIntFile(file, SF_FORMAT_WAV | SF_FORMAT_PCM_16, inputRate, 2, pattern, 16));
        AudioLoadOptions options;
        options.sampleRate = outputRate;
        auto audio = loadAudio(file, options);
        QVERIFY2(audio, qPrintable(audio.errorString()));
        QCOMPARE(audio->sampleRate, outputRate);
        QCOMPARE(audio->channels, 1);
        const qint64 expected = qint64(std::ceil(double(frames) * (double(outputRate) / inputRate)));
        QCOMPARE(audio->frames(), expected);
        QCOMPARE(resampledLength(frames, inputRate, outputRate), expected);

        options.mono = false; // channels are resampled one by one
        auto stereo = loadAudio(file, options);
        QVERIFY2(stereo, qPrintable(stereo.errorString()));
        QCOMPARE(stereo->channels, 2);
        QCOMPARE(stereo->frames(), expected);
    }

    void resamplingPreservesATone()
    {
        std::vector<float> tone(16000);
        for (std::size_t i = 0; i < tone.size(); ++i)
            tone[i] = float(std::sin(2 * 3.14159265358979 * 440.0 * double(i) / 16000.0));
        auto resampled = resampleSoxrHq(tone.data(), qint64(tone.size()), 16000, 22050);
        QVERIFY2(resampled, qPrintable(resampled.errorString()));
        QCOMPARE(qint64(resampled->size()), qint64(22050));
        double worst = 0;
        for (std::size_t i = 2000; i < 20000; ++i) // away from the filter's edge transients
            worst = std::max(worst,
                             std::abs(resampled->at(i) - std::sin(2 * 3.14159265358979 * 440.0 * double(i) / 22050.0)));
        QVERIFY2(worst < 1e-3, qPrintable(QString::number(worst)));
    }

    void badFilesAreErrorsNamingTheFile_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("reason");
        QTest::newRow("missing") << "missing.wav" << QByteArray() << "does not exist";
        QTest::newRow("garbage") << "garbage.wav" << QByteArray("this is not a RIFF file at all, just text") << "";
        QTest::newRow("empty file") << "zero_bytes.wav" << QByteArray("") << "";
        QTest::newRow("truncated header") << "truncated.wav" << QByteArray("RIFF\x24\x00\x00\x00WAVEfmt ", 16) << "";
    }
    void badFilesAreErrorsNamingTheFile()
    {
        QFETCH(QString, name);
        QFETCH(QByteArray, content);
        QFETCH(QString, reason);
        const QString file = path(name);
        if (name != QLatin1String("missing.wav")) {
            QFile out(file);
            QVERIFY(out.open(QIODevice::WriteOnly));
            out.write(content);
        }
        auto audio = loadAudio(file);
        QVERIFY(!audio);
        QVERIFY2(audio.errorString().contains(file), qPrintable(audio.errorString()));
        if (!reason.isEmpty())
            QVERIFY2(audio.errorString().contains(reason), qPrintable(audio.errorString()));
        auto info = probeAudio(file);
        QVERIFY(!info);
    }

    void wavWithoutSamplesIsAnError()
    {
        const QString file = path(QStringLiteral("no_samples.wav"));
        QVERIFY(writeIntFile(file, SF_FORMAT_WAV | SF_FORMAT_PCM_16, 22050, 1, {}, 16));
        auto info = probeAudio(file);
        QVERIFY2(info, qPrintable(info.errorString()));
        QCOMPARE(info->frames, qint64(0));
        auto audio = loadAudio(file);
        QVERIFY(!audio);
        QVERIFY2(audio.errorString().contains(file) && audio.errorString().contains(QStringLiteral("no audio samples")),
                 qPrintable(audio.errorString()));
    }

    void nonFiniteSamplesAreAnError()
    {
        const QString file = path(QStringLiteral("nan.wav"));
        QVERIFY(writeFloatFile(file, SF_FORMAT_WAV | SF_FORMAT_FLOAT, 22050, 1, {0.0f, std::nanf(""), 0.5f}));
        auto audio = loadAudio(file);
        QVERIFY(!audio);
        QVERIFY2(audio.errorString().contains(QStringLiteral("NaN")), qPrintable(audio.errorString()));
    }

    void probeReportsTheHeader()
    {
        const QString file = path(QStringLiteral("probe.wav"));
        QVERIFY(writeIntFile(file, SF_FORMAT_WAV | SF_FORMAT_PCM_24, 48000, 2, testPattern(480, 2, 24), 24));
        auto info = probeAudio(file);
        QVERIFY2(info, qPrintable(info.errorString()));
        QCOMPARE(info->sampleRate, 48000);
        QCOMPARE(info->channels, 2);
        QCOMPARE(info->frames, qint64(480));
        QVERIFY2(info->format.contains(QStringLiteral("24")), qPrintable(info->format));
    }
};

QTEST_APPLESS_MAIN(AudioLoaderTest)
#include "tst_audioloader.moc"
