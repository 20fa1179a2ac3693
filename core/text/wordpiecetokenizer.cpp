#include "core/text/wordpiecetokenizer.h"

#include "core/text/bertnormalizer.h"
#include "core/text/textfile.h"

#include <algorithm>
#include <vector>

namespace graft {

namespace {

const QString unknownToken = QStringLiteral("[UNK]");
const QString continuationPrefix = QStringLiteral("##");

int codePointCount(QStringView text)
{
    int count = 0;
    for (qsizetype i = 0; i < text.size(); ++i) {
        if (!(text.at(i).isLowSurrogate() && i > 0 && text.at(i - 1).isHighSurrogate()))
            ++count;
    }
    return count;
}

} // namespace

Expected<WordPieceTokenizer> WordPieceTokenizer::fromVocabularyFile(const QString &path)
{
    Expected<QString> text = TextFile::readUtf8(path, textlimits::maxVocabularyBytes);
    if (!text)
        return makeError(QStringLiteral("cannot load WordPiece vocabulary: %1").arg(text.errorString()));
    return fromVocabulary(TextFile::splitLines(*text), path);
}

Expected<WordPieceTokenizer> WordPieceTokenizer::fromVocabulary(const QStringList &vocabulary,
                                                                const QString &sourceName)
{
    if (vocabulary.isEmpty())
        return makeError(QStringLiteral("%1 is empty; a BERT vocab.txt has one token per line").arg(sourceName));

    WordPieceTokenizer tokenizer;
    tokenizer.m_vocabulary = vocabulary;
    tokenizer.m_ids.reserve(vocabulary.size());
    for (int id = 0; id < vocabulary.size(); ++id) {
        const QString &token = vocabulary.at(id);
        if (token.isEmpty())
            continue; // a blank line still takes its id but can never be produced
        // A repeated token maps to its last line, as in transformers' load_vocab.
        tokenizer.m_ids.insert(token, id);
        tokenizer.m_longestTokenChars = std::max(tokenizer.m_longestTokenChars, codePointCount(token));
    }
    tokenizer.m_unknownId = tokenizer.m_ids.value(unknownToken, -1);
    if (tokenizer.m_unknownId < 0) {
        return makeError(QStringLiteral("%1 has no \"[UNK]\" line, so it is not a BERT WordPiece vocabulary "
                                        "(use the vocab.txt that came with the model)")
                             .arg(sourceName));
    }
    for (const char *special : {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"}) {
        const QString token = QString::fromLatin1(special);
        if (tokenizer.m_ids.contains(token))
            tokenizer.m_specialTokens.append(token);
    }
    return tokenizer;
}

TokenizedText WordPieceTokenizer::tokenize(const QString &text) const
{
    TokenizedText result;
    // Special tokens are matched in the raw text, leftmost first and longest at a
    // position, before any normalization could lowercase or split them.
    qsizetype sectionStart = 0;
    qsizetype position = 0;
    while (position < text.size()) {
        const QString *match = nullptr;
        for (const QString &special : m_specialTokens) {
            if (QStringView(text).mid(position).startsWith(special) && (!match || special.size() > match->size())) {
                match = &special;
            }
        }
        if (!match) {
            ++position;
            continue;
        }
        appendSection(QStringView(text).mid(sectionStart, position - sectionStart), result);
        result.tokens.append(*match);
        result.ids.append(m_ids.value(*match));
        position += match->size();
        sectionStart = position;
    }
    appendSection(QStringView(text).mid(sectionStart), result);
    return result;
}

void WordPieceTokenizer::appendSection(QStringView section, TokenizedText &result) const
{
    if (section.isEmpty())
        return;
    for (const QString &word : BertNormalizer::preTokenize(BertNormalizer::normalize(section)))
        appendWord(word, result);
}

void WordPieceTokenizer::appendWord(const QString &word, TokenizedText &result) const
{
    const QList<uint> ucs4 = word.toUcs4();
    const std::vector<char32_t> chars(ucs4.begin(), ucs4.end());
    const int length = int(chars.size());
    if (length > maxInputCharsPerWord) {
        result.tokens.append(unknownToken);
        result.ids.append(m_unknownId);
        return;
    }

    QStringList pieces;
    QVector<int> pieceIds;
    int start = 0;
    while (start < length) {
        int end = std::min(length, start + m_longestTokenChars);
        int foundId = -1;
        QString found;
        while (start < end) {
            QString candidate = QString::fromUcs4(chars.data() + start, end - start);
            if (start > 0)
                candidate.prepend(continuationPrefix);
            const auto it = m_ids.constFind(candidate);
            if (it != m_ids.constEnd()) {
                foundId = it.value();
                found = candidate;
                break;
            }
            --end;
        }
        if (foundId < 0) {
            // One unmatchable piece makes the whole word unknown.
            result.tokens.append(unknownToken);
            result.ids.append(m_unknownId);
            return;
        }
        pieces.append(found);
        pieceIds.append(foundId);
        start = end;
    }
    result.tokens.append(pieces);
    result.ids.append(pieceIds);
}

} // namespace graft
