#pragma once

#include "core/common/expected.h"
#include "core/text/sequencepadding.h"

#include <QString>
#include <QStringList>
#include <QVector>

#include <memory>

namespace graft {
class TextTokenizer;
}

namespace graft::ui {

/** One sample to preview: its index in the dataset, class and text. */
struct TokenPreviewSample
{
    int index = -1;
    QString className;
    QString text;
};

/** A sample as the model will see it: the tokenizer's tokens and ids, then pad_sequences' ids. */
struct TokenPreviewRow
{
    int index = -1;
    QString className;
    QString text;
    QStringList tokens;
    QVector<int> ids;
    QVector<int> modelInput; ///< ids padded/truncated to the max length (ids as they are without one)
    QVector<bool> unknown;   ///< per token: the tokenizer's unknown id ([UNK], OOV 1)
    int unknownCount = 0;
};

/** What to preview, and with which tokenizer and padding. */
struct TokenPreviewRequest
{
    QString tokenizerSpec; ///< TextTokenizer::fromSpec: "wordpiece:…", "textvectorization:…"
    QVector<TokenPreviewSample> samples;
    int maxLength = 0; ///< 0: no padding (the model's length is unknown)
    PaddingOptions padding;
};

struct TokenPreview
{
    std::shared_ptr<const TextTokenizer> tokenizer; ///< for reuse by the next request with the same spec
    QString tokenizerSpec;
    QVector<TokenPreviewRow> rows;
};

/**
 * Tokenizes a few samples for the Dataset page's preview with core's TextTokenizer
 * and padSequence. Runs on a worker thread: loading a 30522-line vocabulary is not
 * free. `cached` is used when it was loaded for the same spec.
 */
Expected<TokenPreview> computeTokenPreview(const TokenPreviewRequest &request,
                                           const std::shared_ptr<const TextTokenizer> &cached = {},
                                           const QString &cachedSpec = QString());

} // namespace graft::ui
