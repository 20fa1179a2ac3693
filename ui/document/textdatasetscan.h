#pragma once

#include "core/text/textdataset.h"

#include <QString>
#include <QStringList>
#include <QVector>

#include <optional>

namespace graft::ui {

/** A text dataset as the Dataset page opened it: the samples, and for a table the columns it was read with. */
struct TextScan
{
    bool isTable = false; ///< a CSV/TSV file (else class folders of .txt files)
    QStringList header;   ///< the table's column names (empty for folders)
    QString textColumn;   ///< the columns the samples were read with (tables only)
    QString labelColumn;
    QString trainPath;      ///< the table, the class folders, or train/ of a train/val layout
    QString validationPath; ///< val/ beside train/, else empty
    TextDataset train;
    std::optional<TextDataset> validation;
    QString error; ///< the table could not be read with these columns: choose others

    static QVector<int> classCounts(const TextDataset &dataset, int classCount);
};

/**
 * Finding and reading text datasets for the Dataset page, on a worker thread: which
 * paths are text, which CSV columns to propose, and the load through core's
 * TextDatasetLoader. No widgets.
 */
class TextDatasetScanner final
{
public:
    TextDatasetScanner() = delete;

    /**
     * The columns to read: `preferred` when the header has it (by name, any case), else
     * the usual names ("text", "sentence", …; "label", "category", …), else the first
     * two distinct columns. Indices are returned as names when the header has them.
     */
    static std::pair<QString, QString> proposeColumns(const QStringList &header, const QString &preferredText,
                                                      const QString &preferredLabel);
    /**
     * Reads a table (with the proposed columns) or class folders. Fails only when nothing
     * can be shown; a table whose columns do not work comes back with `error` and its header,
     * so the user can choose other columns.
     */
    /** How a column is named in settings: its header name when that selects it alone, else its index. */
    static QString columnSpec(const QStringList &header, int column);

    static Expected<TextScan> scan(const QString &path, const QString &preferredText = QString(),
                                   const QString &preferredLabel = QString());
};

} // namespace graft::ui
