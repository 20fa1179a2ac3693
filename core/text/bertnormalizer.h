#pragma once

#include <QString>
#include <QStringList>
#include <QStringView>

namespace graft {

/**
 * Hugging Face's BertNormalizer (clean_text, handle_chinese_chars, lowercase,
 * strip_accents) and BertPreTokenizer, as configured for bert-base-uncased.
 * Works on code points, so characters outside the BMP are never split apart.
 */
class BertNormalizer final
{
public:
    BertNormalizer() = delete;

    /** Cleans, spaces out CJK ideographs, lowercases, then NFD-decomposes and drops nonspacing marks. */
    static QString normalize(QStringView text);
    /** Splits normalized text on whitespace and isolates every punctuation character. */
    static QStringList preTokenize(QStringView normalized);

    static bool isControl(char32_t c);
    static bool isWhitespace(char32_t c);
    static bool isPunctuation(char32_t c);
    static bool isChineseIdeograph(char32_t c);
};

} // namespace graft
