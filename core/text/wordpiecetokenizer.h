#pragma once

#include "core/common/expected.h"
#include "core/text/texttokenizer.h"

#include <QHash>
#include <QString>
#include <QStringList>
#include <QVector>

namespace graft {

/**
 * BERT's WordPiece tokenizer over a vocab.txt, behaving as Hugging Face's
 * bert-base-uncased tokenizer with add_special_tokens=false: special tokens are
 * matched in the raw text, the rest goes through BertNormalizer, BertPreTokenizer
 * and greedy longest-match-first WordPiece.
 */
class WordPieceTokenizer final : public TextTokenizer
{
public:
    static constexpr int maxInputCharsPerWord = 100;

    /** Reads a vocab.txt: one token per line, the line number (from 0) is the id. */
    static Expected<WordPieceTokenizer> fromVocabularyFile(const QString &path);
    /** `vocabulary[i]` is the token with id i; `sourceName` names it in errors. */
    static Expected<WordPieceTokenizer> fromVocabulary(const QStringList &vocabulary,
                                                       const QString &sourceName = QStringLiteral("vocabulary"));

    TokenizedText tokenize(const QString &text) const override;
    int vocabularySize() const override { return int(m_vocabulary.size()); }
    int unknownTokenId() const override { return m_unknownId; }

    /** The id of `token`, or -1 when the vocabulary lacks it. */
    int tokenId(const QString &token) const { return m_ids.value(token, -1); }
    /** Special tokens of this vocabulary recognized whole in raw text ([PAD] [UNK] [CLS] [SEP] [MASK] that exist). */
    QStringList specialTokens() const { return m_specialTokens; }

private:
    WordPieceTokenizer() = default;

    void appendSection(QStringView section, TokenizedText &result) const;
    void appendWord(const QString &word, TokenizedText &result) const;

    QStringList m_vocabulary;
    QHash<QString, int> m_ids;
    QStringList m_specialTokens;
    int m_unknownId = -1;
    int m_longestTokenChars = 0; // bounds the longest-match search without changing its result
};

} // namespace graft
