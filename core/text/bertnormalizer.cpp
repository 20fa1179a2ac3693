#include "core/text/bertnormalizer.h"

#include <QChar>

#include <vector>

namespace graft {

namespace {

using CodePoints = std::vector<char32_t>;

CodePoints toCodePoints(QStringView text)
{
    CodePoints result;
    result.reserve(size_t(text.size()));
    // Lone surrogates come out as U+FFFD, which clean_text drops like Hugging Face drops category Cs.
    for (const char32_t c : text.toUcs4())
        result.push_back(c);
    return result;
}

QString fromCodePoints(const CodePoints &codePoints)
{
    return QString::fromUcs4(codePoints.data(), qsizetype(codePoints.size()));
}

// Unicode's Cased and Case_Ignorable properties, which decide where a capital
// sigma lowercases to the final form. Qt has no direct accessors; categories
// plus the Word_Break MidLetter/MidNumLet/Single_Quote characters cover them.
bool isCased(char32_t c)
{
    const QChar::Category category = QChar::category(c);
    return category == QChar::Letter_Uppercase || category == QChar::Letter_Lowercase
           || category == QChar::Letter_Titlecase;
}

bool isCaseIgnorable(char32_t c)
{
    switch (QChar::category(c)) {
    case QChar::Mark_NonSpacing:
    case QChar::Mark_Enclosing:
    case QChar::Other_Format:
    case QChar::Letter_Modifier:
    case QChar::Symbol_Modifier: return true;
    default: break;
    }
    switch (c) {
    case 0x0027:
    case 0x002E:
    case 0x003A:
    case 0x00B7:
    case 0x0387:
    case 0x055F:
    case 0x05F4:
    case 0x2018:
    case 0x2019:
    case 0x2024:
    case 0x2027:
    case 0xFE13:
    case 0xFE52:
    case 0xFE55:
    case 0xFF07:
    case 0xFF0E:
    case 0xFF1A: return true;
    default: return false;
    }
}

// Unicode Final_Sigma: preceded by a cased letter and not followed by one,
// case-ignorable characters skipped on both sides.
bool isFinalSigma(const CodePoints &text, size_t index)
{
    size_t before = index;
    bool casedBefore = false;
    while (before > 0) {
        const char32_t c = text[--before];
        if (isCaseIgnorable(c))
            continue;
        casedBefore = isCased(c);
        break;
    }
    if (!casedBefore)
        return false;
    for (size_t after = index + 1; after < text.size(); ++after) {
        if (isCaseIgnorable(text[after]))
            continue;
        return !isCased(text[after]);
    }
    return true;
}

} // namespace

bool BertNormalizer::isControl(char32_t c)
{
    if (c == U'\t' || c == U'\n' || c == U'\r')
        return false;
    // Cc, Cf, Co and Cs, as tokenizers.js and Python's `category.startswith("C")`.
    // Unassigned code points (Cn) are kept: Qt's Unicode tables are older than
    // the reference implementations', and a newly assigned character must not vanish.
    switch (QChar::category(c)) {
    case QChar::Other_Control:
    case QChar::Other_Format:
    case QChar::Other_PrivateUse:
    case QChar::Other_Surrogate: return true;
    default: return false;
    }
}

bool BertNormalizer::isWhitespace(char32_t c)
{
    // JavaScript's \s (Unicode White_Space plus U+FEFF), which tokenizers.js uses
    // both for cleaning and for splitting; the Rust tokenizers agree on every
    // character left after control characters are removed.
    switch (c) {
    case 0x0009:
    case 0x000A:
    case 0x000B:
    case 0x000C:
    case 0x000D:
    case 0x0020:
    case 0x00A0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
    case 0xFEFF: return true;
    default: return c >= 0x2000 && c <= 0x200A;
    }
}

bool BertNormalizer::isPunctuation(char32_t c)
{
    // All ASCII non-alphanumeric printables count, symbols like $ + < = > ^ ` | ~ included.
    if ((c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126))
        return true;
    switch (QChar::category(c)) {
    case QChar::Punctuation_Connector:
    case QChar::Punctuation_Dash:
    case QChar::Punctuation_Open:
    case QChar::Punctuation_Close:
    case QChar::Punctuation_InitialQuote:
    case QChar::Punctuation_FinalQuote:
    case QChar::Punctuation_Other: return true;
    default: return false;
    }
}

bool BertNormalizer::isChineseIdeograph(char32_t c)
{
    // The CJK Unified/Compatibility Ideograph blocks of Hugging Face's _is_chinese_char
    // (transformers, tokenizers.js). Hangul, kana and fullwidth forms are not in it.
    return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x2A6DF)
           || (c >= 0x2A700 && c <= 0x2B73F) || (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B820 && c <= 0x2CEAF)
           || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
}

QString BertNormalizer::normalize(QStringView text)
{
    const CodePoints input = toCodePoints(text);

    CodePoints cleaned;
    cleaned.reserve(input.size() + input.size() / 4);
    for (const char32_t c : input) {
        if (c == 0 || c == 0xFFFD || isControl(c))
            continue;
        const char32_t mapped = isWhitespace(c) ? U' ' : c;
        if (isChineseIdeograph(mapped)) {
            cleaned.push_back(U' ');
            cleaned.push_back(mapped);
            cleaned.push_back(U' ');
        } else {
            cleaned.push_back(mapped);
        }
    }

    // Lowercase before decomposing, as transformers and tokenizers.js do: the
    // only difference from the other order is the context-dependent final sigma.
    // QChar::toLower is Unicode's simple mapping; the full mapping differs only
    // for U+0130, whose combining dot the accent stripping removes again.
    CodePoints lowered;
    lowered.reserve(cleaned.size());
    for (size_t i = 0; i < cleaned.size(); ++i) {
        const char32_t c = cleaned[i];
        if (c == 0x0130) {
            lowered.push_back(U'i');
            lowered.push_back(0x0307);
        } else if (c == 0x03A3 && isFinalSigma(cleaned, i)) {
            lowered.push_back(0x03C2);
        } else {
            lowered.push_back(QChar::toLower(c));
        }
    }

    const QString decomposed = fromCodePoints(lowered).normalized(QString::NormalizationForm_D);
    CodePoints stripped;
    stripped.reserve(size_t(decomposed.size()));
    for (const char32_t c : decomposed.toUcs4()) {
        if (QChar::category(c) != QChar::Mark_NonSpacing)
            stripped.push_back(c);
    }
    return fromCodePoints(stripped);
}

QStringList BertNormalizer::preTokenize(QStringView normalized)
{
    QStringList words;
    CodePoints word;
    const auto flush = [&] {
        if (!word.empty()) {
            words.append(fromCodePoints(word));
            word.clear();
        }
    };
    for (const char32_t c : normalized.toUcs4()) {
        if (isWhitespace(c)) {
            flush();
        } else if (isPunctuation(c)) {
            flush();
            words.append(QString::fromUcs4(&c, 1));
        } else {
            word.push_back(c);
        }
    }
    flush();
    return words;
}

} // namespace graft
