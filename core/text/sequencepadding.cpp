#include "core/text/sequencepadding.h"

#include <algorithm>

namespace graft {

QVector<int> padSequence(const QVector<int> &sequence, int maxLength, const PaddingOptions &options)
{
    // Keras itself fails on maxlen=0 with a non-empty sequence; an empty row is the useful reading.
    const qsizetype length = std::max(0, maxLength);
    const qsizetype kept = std::min(length, sequence.size());
    // truncating='pre' keeps the last ids (s[-maxlen:]), 'post' the first (s[:maxlen]).
    const qsizetype from = options.truncating == PaddingSide::Pre ? sequence.size() - kept : 0;
    QVector<int> result(length, options.value);
    // padding='pre' puts the kept ids at the end of the row, 'post' at its start.
    const qsizetype to = options.padding == PaddingSide::Pre ? length - kept : 0;
    std::copy(sequence.cbegin() + from, sequence.cbegin() + from + kept, result.begin() + to);
    return result;
}

QVector<QVector<int>> padSequences(const QVector<QVector<int>> &sequences, std::optional<int> maxLength,
                                   const PaddingOptions &options)
{
    int length = 0;
    if (maxLength) {
        length = *maxLength;
    } else {
        for (const QVector<int> &sequence : sequences)
            length = std::max(length, int(sequence.size()));
    }
    QVector<QVector<int>> result;
    result.reserve(sequences.size());
    for (const QVector<int> &sequence : sequences)
        result.append(padSequence(sequence, length, options));
    return result;
}

std::optional<PaddingSide> parsePaddingSide(QStringView text)
{
    if (text == QLatin1String("pre"))
        return PaddingSide::Pre;
    if (text == QLatin1String("post"))
        return PaddingSide::Post;
    return std::nullopt;
}

} // namespace graft
