#pragma once

// Test helper: writes small 16-bit PCM WAV files (and broken ones) for dataset tests.

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QString>
#include <QtEndian>

#include <cmath>
#include <vector>

namespace graft::test {

inline QByteArray wavBytes(int channels, int sampleRate, const std::vector<qint16> &interleaved)
{
    QByteArray data(reinterpret_cast<const char *>(interleaved.data()), qsizetype(interleaved.size() * 2));
    QByteArray bytes;
    auto u32 = [&](quint32 v) {
        char b[4];
        qToLittleEndian(v, b);
        bytes.append(b, 4);
    };
    auto u16 = [&](quint16 v) {
        char b[2];
        qToLittleEndian(v, b);
        bytes.append(b, 2);
    };
    bytes.append("RIFF");
    u32(quint32(36 + data.size()));
    bytes.append("WAVEfmt ");
    u32(16);
    u16(1);
    u16(quint16(channels));
    u32(quint32(sampleRate));
    u32(quint32(sampleRate * channels * 2));
    u16(quint16(channels * 2));
    u16(16);
    bytes.append("data");
    u32(quint32(data.size()));
    bytes.append(data);
    return bytes;
}

/** A sine tone of `frames` frames (same on every channel), amplitude 0.3. */
inline std::vector<qint16> tone(int channels, int frames, double frequency, int sampleRate)
{
    std::vector<qint16> samples;
    samples.reserve(std::size_t(channels) * frames);
    for (int i = 0; i < frames; ++i) {
        const auto v = qint16(std::lround(0.3 * 32767 * std::sin(2 * M_PI * frequency * i / sampleRate)));
        for (int c = 0; c < channels; ++c)
            samples.push_back(v);
    }
    return samples;
}

inline bool writeFile(const QString &path, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return false;
    return file.write(bytes) == bytes.size();
}

inline bool writeTone(const QString &path, int channels, int frames, double frequency, int sampleRate = 16000)
{
    return writeFile(path, wavBytes(channels, sampleRate, tone(channels, frames, frequency, sampleRate)));
}

} // namespace graft::test
