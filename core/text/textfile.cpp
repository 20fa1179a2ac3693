#include "core/text/textfile.h"

#include <QFile>
#include <QFileInfo>

namespace graft {

namespace {

/** Byte offset of the first malformed UTF-8 sequence, or -1 (overlongs, surrogates and > U+10FFFF are malformed). */
qsizetype firstInvalidUtf8(const QByteArray &bytes)
{
    const auto *data = reinterpret_cast<const unsigned char *>(bytes.constData());
    const qsizetype size = bytes.size();
    qsizetype i = 0;
    while (i < size) {
        const unsigned char lead = data[i];
        if (lead < 0x80) {
            ++i;
            continue;
        }
        int length = 0;
        char32_t minimum = 0;
        char32_t codePoint = 0;
        if ((lead & 0xE0) == 0xC0) {
            length = 2, minimum = 0x80, codePoint = lead & 0x1F;
        } else if ((lead & 0xF0) == 0xE0) {
            length = 3, minimum = 0x800, codePoint = lead & 0x0F;
        } else if ((lead & 0xF8) == 0xF0) {
            length = 4, minimum = 0x10000, codePoint = lead & 0x07;
        } else {
            return i;
        }
        if (i + length > size)
            return i;
        for (int k = 1; k < length; ++k) {
            if ((data[i + k] & 0xC0) != 0x80)
                return i;
            codePoint = (codePoint << 6) | (data[i + k] & 0x3F);
        }
        if (codePoint < minimum || codePoint > 0x10FFFF || (codePoint >= 0xD800 && codePoint <= 0xDFFF))
            return i;
        i += length;
    }
    return -1;
}

} // namespace

Expected<QString> TextFile::decodeUtf8(const QByteArray &bytes, const QString &sourceName)
{
    const qsizetype bad = firstInvalidUtf8(bytes);
    if (bad >= 0) {
        const qsizetype line = bytes.left(bad).count('\n') + 1;
        return makeError(QStringLiteral("%1 is not valid UTF-8 (bad byte at line %2, byte offset %3); "
                                        "re-save it with UTF-8 encoding")
                             .arg(sourceName)
                             .arg(line)
                             .arg(bad));
    }
    QString text = QString::fromUtf8(bytes);
    if (text.startsWith(QChar(0xFEFF)))
        text.remove(0, 1);
    return text;
}

Expected<QString> TextFile::readUtf8(const QString &path, qint64 maxBytes)
{
    const QFileInfo info(path);
    if (!info.exists())
        return makeError(QStringLiteral("%1 does not exist").arg(path));
    if (!info.isFile())
        return makeError(QStringLiteral("%1 is not a file").arg(path));
    if (info.size() > maxBytes) {
        return makeError(QStringLiteral("%1 is %2 MiB, more than the %3 MiB accepted for this kind of file")
                             .arg(path)
                             .arg(info.size() >> 20)
                             .arg(maxBytes >> 20));
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return makeError(QStringLiteral("cannot open %1: %2").arg(path, file.errorString()));
    const QByteArray bytes = file.read(maxBytes + 1);
    if (file.error() != QFileDevice::NoError)
        return makeError(QStringLiteral("cannot read %1: %2").arg(path, file.errorString()));
    if (bytes.size() > maxBytes)
        return makeError(QStringLiteral("%1 grew beyond %2 MiB while being read").arg(path).arg(maxBytes >> 20));
    return decodeUtf8(bytes, path);
}

QStringList TextFile::splitLines(const QString &text)
{
    QStringList lines = text.split(QLatin1Char('\n'));
    if (!lines.isEmpty() && lines.constLast().isEmpty())
        lines.removeLast();
    for (QString &line : lines) {
        if (line.endsWith(QLatin1Char('\r')))
            line.chop(1);
    }
    return lines;
}

} // namespace graft
