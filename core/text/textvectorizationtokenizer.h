#pragma once

#include "core/common/expected.h"
#include "core/text/texttokenizer.h"

#include <QHash>
#include <QString>
#include <QStringList>

namespace graft {

/**
 * The string-to-id half of a Keras TextVectorization layer with its defaults:
 * standardize="lower_and_strip_punctuation", split="whitespace", output_mode="int".
 * Id 0 is padding (''), id 1 the OOV token '[UNK]', vocabulary tokens start at 2.
 */
class TextVectorizationTokenizer final : public TextTokenizer
{
public:
    static constexpr int paddingId = 0;
    static constexpr int outOfVocabularyId = 1;

    /**
     * Reads a vocabulary file, one token per line. If the first two lines are ''
     * and '[UNK]' (a saved `get_vocabulary()`), line n has id n. Otherwise the file
     * is the token list Keras accepts as `vocabulary=path`, and line n has id n + 2.
     * '' or '[UNK]' anywhere else, or a repeated token, is an error, as in Keras.
     */
    static Expected<TextVectorizationTokenizer> fromVocabularyFile(const QString &path);
    /** Same rules, on lines already read; `sourceName` names them in errors. */
    static Expected<TextVectorizationTokenizer> fromVocabulary(
        const QStringList &lines, const QString &sourceName = QStringLiteral("vocabulary"));

    /** Keras "lower_and_strip_punctuation": ASCII-only lowercasing, then the 32 ASCII punctuation characters removed. */
    static QString standardize(const QString &text);
    /** Keras split="whitespace": runs of ASCII whitespace separate tokens; no empty tokens. */
    static QStringList split(const QString &standardized);

    /** Tokens are the standardized words; out-of-vocabulary words keep their text and get id 1. */
    TokenizedText tokenize(const QString &text) const override;
    int vocabularySize() const override { return int(m_vocabulary.size()); }
    int unknownTokenId() const override { return outOfVocabularyId; }

    /** The full vocabulary as `get_vocabulary()` returns it: '', '[UNK]', then the tokens. */
    QStringList vocabulary() const { return m_vocabulary; }

private:
    TextVectorizationTokenizer() = default;

    QStringList m_vocabulary;
    QHash<QString, int> m_ids;
};

} // namespace graft
