#include "core/text/textvectorizationtokenizer.h"

#include "core/text/textfile.h"

namespace graft {

namespace {

const QString maskToken = QString();
const QString oovToken = QStringLiteral("[UNK]");

// Keras's DEFAULT_STRIP_REGEX, r'[!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~\']'
// (keras/src/layers/preprocessing/text_vectorization.py). Inside that class
// ",-\." is the range U+002C..U+002E, so the set is exactly the 32 ASCII
// punctuation characters of Python's string.punctuation.
bool isKerasStrippedPunctuation(QChar c)
{
    return c.unicode() < 0x80 && QByteArrayView("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~").contains(char(c.unicode()));
}

// tf.strings.split() with no separator skips absl::ascii_isspace characters only,
// so U+00A0 and other Unicode spaces stay inside tokens.
bool isAsciiSpace(QChar c)
{
    const char16_t u = c.unicode();
    return u == ' ' || u == '\t' || u == '\n' || u == '\v' || u == '\f' || u == '\r';
}

} // namespace

Expected<TextVectorizationTokenizer> TextVectorizationTokenizer::fromVocabularyFile(const QString &path)
{
    Expected<QString> text = TextFile::readUtf8(path, textlimits::maxVocabularyBytes);
    if (!text)
        return makeError(QStringLiteral("cannot load TextVectorization vocabulary: %1").arg(text.errorString()));
    return fromVocabulary(TextFile::splitLines(*text), path);
}

Expected<TextVectorizationTokenizer> TextVectorizationTokenizer::fromVocabulary(const QStringList &lines,
                                                                                const QString &sourceName)
{
    const bool hasReservedLines = lines.size() >= 2 && lines.at(0) == maskToken && lines.at(1) == oovToken;
    const int firstTokenLine = hasReservedLines ? 2 : 0;
    if (lines.size() <= firstTokenLine) {
        return makeError(QStringLiteral("%1 has no vocabulary tokens; export it with "
                                        "layer.get_vocabulary(), one token per line")
                             .arg(sourceName));
    }

    TextVectorizationTokenizer tokenizer;
    tokenizer.m_vocabulary = {maskToken, oovToken};
    tokenizer.m_ids.reserve(lines.size());
    for (int line = firstTokenLine; line < lines.size(); ++line) {
        const QString &token = lines.at(line);
        const int lineNumber = line + 1;
        if (token == maskToken || token == oovToken) {
            return makeError(QStringLiteral("%1 line %2: the reserved token '%3' may only appear as the first two "
                                            "lines ('' then '[UNK]', as get_vocabulary() returns them)")
                                 .arg(sourceName)
                                 .arg(lineNumber)
                                 .arg(token));
        }
        const int id = int(tokenizer.m_vocabulary.size());
        const auto existing = tokenizer.m_ids.constFind(token);
        if (existing != tokenizer.m_ids.constEnd()) {
            return makeError(QStringLiteral("%1 line %2 repeats the token \"%3\" (already at id %4); "
                                            "a TextVectorization vocabulary has unique tokens")
                                 .arg(sourceName)
                                 .arg(lineNumber)
                                 .arg(token)
                                 .arg(existing.value()));
        }
        tokenizer.m_ids.insert(token, id);
        tokenizer.m_vocabulary.append(token);
    }
    return tokenizer;
}

QString TextVectorizationTokenizer::standardize(const QString &text)
{
    // tf.strings.lower() runs with its default encoding '' (absl::AsciiStrToLower),
    // so 'É' or 'Я' keep their case, exactly as in a trained Keras model.
    QString result;
    result.reserve(text.size());
    for (const QChar c : text) {
        if (isKerasStrippedPunctuation(c))
            continue;
        const char16_t u = c.unicode();
        result.append((u >= 'A' && u <= 'Z') ? QChar(u + ('a' - 'A')) : c);
    }
    return result;
}

QStringList TextVectorizationTokenizer::split(const QString &standardized)
{
    QStringList tokens;
    qsizetype start = -1;
    for (qsizetype i = 0; i <= standardized.size(); ++i) {
        const bool boundary = i == standardized.size() || isAsciiSpace(standardized.at(i));
        if (boundary && start >= 0) {
            tokens.append(standardized.mid(start, i - start));
            start = -1;
        } else if (!boundary && start < 0) {
            start = i;
        }
    }
    return tokens;
}

TokenizedText TextVectorizationTokenizer::tokenize(const QString &text) const
{
    TokenizedText result;
    result.tokens = split(standardize(text));
    result.ids.reserve(result.tokens.size());
    for (const QString &token : std::as_const(result.tokens))
        result.ids.append(m_ids.value(token, outOfVocabularyId));
    return result;
}

} // namespace graft
