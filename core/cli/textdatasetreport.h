#pragma once

#include "core/common/expected.h"

#include <QJsonObject>
#include <QString>
#include <QVector>

namespace graft::cli {

/** What `graft-cli dataset` was asked about a text dataset. */
struct TextReportOptions
{
    QString textColumn = QStringLiteral("text");
    QString labelColumn = QStringLiteral("label");
    QString validationPath;
    QString tokenizer; ///< empty: no token statistics
    int maxLength = 0; ///< with a tokenizer: how many texts would be truncated
};

/** A text dataset's report for `graft-cli dataset`, as JSON and as text, and its training labels. */
struct TextDatasetReport
{
    QJsonObject json;
    QString text;
    QVector<int> labels;

    /** Reads a CSV/TSV file or class folders of .txt files (and the validation set) and describes them. */
    static Expected<TextDatasetReport> make(const QString &path, const TextReportOptions &options);
};

} // namespace graft::cli
