#include "core/text/texttokenizer.h"

#include "core/text/textvectorizationtokenizer.h"
#include "core/text/wordpiecetokenizer.h"

namespace graft {

Expected<std::unique_ptr<TextTokenizer>> TextTokenizer::fromSpec(const QString &spec)
{
    const qsizetype colon = spec.indexOf(QLatin1Char(':'));
    const QString kind = colon < 0 ? QString() : spec.left(colon).trimmed().toLower();
    const QString path = colon < 0 ? QString() : spec.mid(colon + 1);
    if (path.isEmpty() || (kind != QLatin1String("wordpiece") && kind != QLatin1String("textvectorization"))) {
        return makeError(
            QStringLiteral("tokenizer \"%1\" is not understood; use wordpiece:VOCAB.txt (a BERT vocab.txt) "
                           "or textvectorization:VOCAB.txt (a Keras TextVectorization vocabulary)")
                .arg(spec));
    }
    if (kind == QLatin1String("wordpiece")) {
        Expected<WordPieceTokenizer> tokenizer = WordPieceTokenizer::fromVocabularyFile(path);
        if (!tokenizer)
            return tokenizer.error();
        return std::unique_ptr<TextTokenizer>(std::make_unique<WordPieceTokenizer>(std::move(*tokenizer)));
    }
    Expected<TextVectorizationTokenizer> tokenizer = TextVectorizationTokenizer::fromVocabularyFile(path);
    if (!tokenizer)
        return tokenizer.error();
    return std::unique_ptr<TextTokenizer>(std::make_unique<TextVectorizationTokenizer>(std::move(*tokenizer)));
}

} // namespace graft
