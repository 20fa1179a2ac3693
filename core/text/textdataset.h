#pragma once

#include "core/common/expected.h"
#include "core/text/csvreader.h"

#include <QString>
#include <QStringList>
#include <QVector>

namespace graft {

/** A sample (or folder) left out of a text dataset, and why. */
struct TextDatasetIssue
{
    QString path; // the file at fault
    int line = 0; // 1-based line of the CSV record; 0 for folder datasets
    QString message;
};

/** Labelled texts for a text classifier: texts[i] has class labels[i], an index into classNames. */
struct TextDataset
{
    QStringList texts;
    QVector<int> labels;
    QStringList classNames;
    QVector<TextDatasetIssue> issues;
    QStringList sources; ///< per text: the CSV file or the .txt file it came from
    QVector<int> lines;  ///< per text: the 1-based line its CSV record starts on; 0 for .txt files
};

/** A CSV column, by header name or by 0-based index. */
struct CsvColumn
{
    QString name;
    int index = -1;

    static CsvColumn named(const QString &name) { return {name, -1}; }
    static CsvColumn at(int index) { return {QString(), index}; }
    /** A number selects by index, anything else by name. */
    static CsvColumn parse(const QString &text);
};

struct CsvDatasetOptions
{
    CsvColumn textColumn = CsvColumn::named(QStringLiteral("text"));
    CsvColumn labelColumn = CsvColumn::named(QStringLiteral("label"));
    CsvOptions csv;
};

/**
 * Builds a TextDataset from a CSV/TSV table or from a folder of class subfolders
 * of .txt files (Keras text_dataset_from_directory). Bad rows and empty files
 * are reported in `issues` and left out; only unusable inputs are errors.
 */
class TextDatasetLoader final
{
public:
    TextDatasetLoader() = delete;

    /** Class names are the sorted distinct labels (trimmed); rows with the wrong field count or an empty text/label are skipped. */
    static Expected<TextDataset> fromCsv(const QString &path, const CsvDatasetOptions &options = {});
    /** Same, on an already parsed table; `sourceName` names it in issues and errors. */
    static Expected<TextDataset> fromCsvTable(const CsvTable &table, const QString &sourceName,
                                              const CsvDatasetOptions &options = {});

    /**
     * Class names are the sorted names of the non-hidden subfolders; every .txt file
     * (any case) below a class folder, in sorted order, is one sample. Empty class
     * folders keep their index, as in Keras, and are reported.
     */
    static Expected<TextDataset> fromDirectory(const QString &path);

    /** A CSV/TSV file (fromCsv) or a folder of class subfolders (fromDirectory), by what `path` is. */
    static Expected<TextDataset> load(const QString &path, const CsvDatasetOptions &options = {});

    /**
     * Whether `path` looks like a text dataset: a .csv/.tsv/.tab file, or a folder whose
     * class subfolders (or train/ folder) hold more .txt files than other files (a quick
     * look at the first few hundred entries).
     */
    static bool looksLikeTextDataset(const QString &path);

    /** Python's sorted() order for class names: by Unicode code point. */
    static bool codePointLess(const QString &a, const QString &b);
};

} // namespace graft
