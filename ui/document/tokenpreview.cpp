#include "ui/document/tokenpreview.h"

#include "core/text/texttokenizer.h"

namespace graft::ui {

Expected<TokenPreview> computeTokenPreview(const TokenPreviewRequest &request,
                                           const std::shared_ptr<const TextTokenizer> &cached,
                                           const QString &cachedSpec)
{
    TokenPreview preview;
    preview.tokenizerSpec = request.tokenizerSpec;
    if (cached && cachedSpec == request.tokenizerSpec) {
        preview.tokenizer = cached;
    } else {
        auto loaded = TextTokenizer::fromSpec(request.tokenizerSpec);
        if (!loaded)
            return loaded.error();
        preview.tokenizer = std::shared_ptr<const TextTokenizer>(std::move(*loaded));
    }
    const int unknownId = preview.tokenizer->unknownTokenId();
    for (const TokenPreviewSample &sample : request.samples) {
        TokenPreviewRow row;
        row.index = sample.index;
        row.className = sample.className;
        row.text = sample.text;
        TokenizedText tokenized = preview.tokenizer->tokenize(sample.text);
        row.tokens = std::move(tokenized.tokens);
        row.ids = std::move(tokenized.ids);
        row.unknown.resize(row.ids.size());
        for (int i = 0; i < row.ids.size(); ++i) {
            row.unknown[i] = unknownId >= 0 && row.ids.at(i) == unknownId;
            row.unknownCount += row.unknown[i] ? 1 : 0;
        }
        row.modelInput = request.maxLength > 0 ? padSequence(row.ids, request.maxLength, request.padding) : row.ids;
        preview.rows.append(std::move(row));
    }
    return preview;
}

} // namespace graft::ui
