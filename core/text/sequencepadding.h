#pragma once

#include <QStringView>
#include <QVector>

#include <optional>

namespace graft {

/** Which end of a sequence is padded or cut: 'pre' = the start, 'post' = the end. */
enum class PaddingSide { Pre, Post };

/** Keras pad_sequences() arguments; the defaults are Keras's. */
struct PaddingOptions
{
    PaddingSide padding = PaddingSide::Pre;
    PaddingSide truncating = PaddingSide::Pre;
    int value = 0;
};

// Keras pad_sequences(): fits id sequences to one length for an
// Embedding(input_length=...) model.

/** Pads or truncates one sequence to exactly `maxLength` (>= 0) ids. */
QVector<int> padSequence(const QVector<int> &sequence, int maxLength, const PaddingOptions &options = {});
/** Every sequence to `maxLength`, or to the longest sequence when it is not given (Keras maxlen=None). */
QVector<QVector<int>> padSequences(const QVector<QVector<int>> &sequences, std::optional<int> maxLength,
                                   const PaddingOptions &options = {});
/** "pre" or "post"; anything else gives nothing. */
std::optional<PaddingSide> parsePaddingSide(QStringView text);

} // namespace graft
