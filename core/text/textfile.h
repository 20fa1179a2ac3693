#pragma once

#include "core/common/expected.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace graft {

// Bounds on text inputs read whole into memory: far above any real vocabulary
// or labelled-text table, low enough that a wrong file fails fast.
namespace textlimits {
constexpr qint64 maxVocabularyBytes = qint64(256) << 20;
constexpr qint64 maxTableBytes = qint64(1) << 30;
constexpr qint64 maxSampleFileBytes = qint64(64) << 20;
constexpr qint64 maxJsonInputBytes = qint64(512) << 20;
} // namespace textlimits

/** Whole-file UTF-8 reading shared by the vocabulary, CSV and text-folder readers. */
class TextFile final
{
public:
    TextFile() = delete;

    /** Reads `path` read-only; fails if it is missing, larger than `maxBytes` or not valid UTF-8. A BOM is dropped. */
    static Expected<QString> readUtf8(const QString &path, qint64 maxBytes);
    /** Decodes `bytes` as strict UTF-8 (BOM dropped); `sourceName` names the file in the error. */
    static Expected<QString> decodeUtf8(const QByteArray &bytes, const QString &sourceName);

    /**
     * Splits a vocabulary-style file into lines: "\n" or "\r\n" ends a line and
     * a final line terminator does not start an extra empty line.
     */
    static QStringList splitLines(const QString &text);
};

} // namespace graft
