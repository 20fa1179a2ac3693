#pragma once

#include "core/common/expected.h"
#include "core/training/trainingdata.h"

namespace graft {

/**
 * The text half of TrainingDataLoader: a CSV/TSV file or class folders of .txt files,
 * tokenized as the model was trained (WordPiece or TextVectorization), padded and
 * truncated like Keras's pad_sequences, ids checked against the model's Embedding.
 */
class TextSampleLoader final
{
public:
    TextSampleLoader() = delete;

    /**
     * Loads `source.dataPath` (and `validationPath`, else a stratified split) with
     * `source.text`. `modelInputShape` is the model's [length] input (length -1: any);
     * `embeddingInputDim` > 0 bounds every id, else the vocabulary size does.
     */
    static Expected<TrainingData> load(const TrainingDataSource &source, const Shape &modelInputShape,
                                       int embeddingInputDim = 0);

    /** input_dim of the model's first Embedding layer (nested models included); 0 when there is none. */
    static int embeddingInputDim(const ModelSpec &model);

    /** "WordPiece", "TextVectorization", from a tokenizer spec such as "wordpiece:vocab.txt". */
    static QString tokenizerDisplayName(const QString &spec);
};

} // namespace graft
