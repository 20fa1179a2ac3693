#pragma once

#include "core/common/expected.h"

#include <QString>
#include <QStringList>
#include <QVector>

#include <memory>

namespace graft {

/** The tokens of one text and their vocabulary ids, index for index. */
struct TokenizedText
{
    QStringList tokens;
    QVector<int> ids;
};

/** A vocabulary-backed tokenizer turning one text into model input ids (no [CLS]/[SEP], no padding). */
class TextTokenizer
{
public:
    virtual ~TextTokenizer() = default;

    virtual TokenizedText tokenize(const QString &text) const = 0;
    /** Number of ids the vocabulary can produce (the Embedding input_dim it needs). */
    virtual int vocabularySize() const = 0;
    /** The id out-of-vocabulary words get ([UNK]); -1 when there is none. */
    virtual int unknownTokenId() const = 0;

    /**
     * Loads a tokenizer from "wordpiece:VOCAB.txt" (BERT vocab.txt) or
     * "textvectorization:VOCAB.txt" (Keras TextVectorization vocabulary).
     */
    static Expected<std::unique_ptr<TextTokenizer>> fromSpec(const QString &spec);
};

} // namespace graft
