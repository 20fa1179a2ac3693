#include "core/text/textdataset.h"

#include "core/text/textfile.h"

#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QHash>

#include <algorithm>

namespace graft {

namespace {

Expected<int> resolveColumn(const CsvColumn &column, const QStringList &header, const QString &role,
                            const QString &sourceName)
{
    if (column.index >= 0) {
        if (!header.isEmpty() && column.index >= header.size()) {
            return makeError(
                QStringLiteral("%1 has %2 columns, so there is no %3 column at index %4 (indices start at 0)")
                    .arg(sourceName)
                    .arg(header.size())
                    .arg(role)
                    .arg(column.index));
        }
        return column.index;
    }
    if (header.isEmpty()) {
        return makeError(
            QStringLiteral("%1: the %2 column \"%3\" is chosen by name but the file is read without a header; "
                           "choose it by index instead")
                .arg(sourceName, role, column.name));
    }
    const QString wanted = column.name.trimmed();
    const int exact = int(header.indexOf(wanted));
    if (exact >= 0)
        return exact;
    int found = -1;
    for (int i = 0; i < header.size(); ++i) {
        if (header.at(i).compare(wanted, Qt::CaseInsensitive) != 0)
            continue;
        if (found >= 0) {
            return makeError(QStringLiteral("%1: columns %2 and %3 both match the %4 column \"%5\" ignoring case; "
                                            "choose one by its exact name or index")
                                 .arg(sourceName)
                                 .arg(found)
                                 .arg(i)
                                 .arg(role, wanted));
        }
        found = i;
    }
    if (found >= 0)
        return found;
    return makeError(QStringLiteral("%1 has no %2 column named \"%3\"; its columns are: %4")
                         .arg(sourceName, role, wanted, header.join(QStringLiteral(", "))));
}

/** Fills classNames (sorted) and labels from one label string per sample. */
void assignLabels(const QStringList &labelNames, TextDataset &dataset)
{
    QStringList classes = labelNames;
    std::sort(classes.begin(), classes.end(), TextDatasetLoader::codePointLess);
    classes.erase(std::unique(classes.begin(), classes.end()), classes.end());
    QHash<QString, int> index;
    for (int i = 0; i < classes.size(); ++i)
        index.insert(classes.at(i), i);
    dataset.classNames = classes;
    dataset.labels.clear();
    dataset.labels.reserve(labelNames.size());
    for (const QString &name : labelNames)
        dataset.labels.append(index.value(name));
}

QStringList sortedByCodePoint(QStringList names)
{
    std::sort(names.begin(), names.end(), TextDatasetLoader::codePointLess);
    return names;
}

} // namespace

CsvColumn CsvColumn::parse(const QString &text)
{
    bool isNumber = false;
    const int index = text.trimmed().toInt(&isNumber);
    return isNumber && index >= 0 ? at(index) : named(text);
}

bool TextDatasetLoader::codePointLess(const QString &a, const QString &b)
{
    // UTF-16 order puts U+E000..U+FFFF after supplementary characters; Python's sorted() does not.
    const QList<uint> left = a.toUcs4();
    const QList<uint> right = b.toUcs4();
    return std::lexicographical_compare(left.cbegin(), left.cend(), right.cbegin(), right.cend());
}

Expected<TextDataset> TextDatasetLoader::fromCsv(const QString &path, const CsvDatasetOptions &options)
{
    Expected<CsvTable> table = CsvReader(options.csv).readFile(path);
    if (!table)
        return table.error();
    return fromCsvTable(*table, path, options);
}

Expected<TextDataset> TextDatasetLoader::fromCsvTable(const CsvTable &table, const QString &sourceName,
                                                      const CsvDatasetOptions &options)
{
    if (options.csv.hasHeader && table.header.isEmpty())
        return makeError(QStringLiteral("%1 has no header line and no rows").arg(sourceName));
    if (!options.csv.hasHeader && table.records.isEmpty())
        return makeError(QStringLiteral("%1 has no rows").arg(sourceName));

    const Expected<int> textColumn =
        resolveColumn(options.textColumn, table.header, QStringLiteral("text"), sourceName);
    if (!textColumn)
        return textColumn.error();
    const Expected<int> labelColumn =
        resolveColumn(options.labelColumn, table.header, QStringLiteral("label"), sourceName);
    if (!labelColumn)
        return labelColumn.error();
    if (*textColumn == *labelColumn)
        return makeError(
            QStringLiteral("%1: the text and label columns are both column %2").arg(sourceName).arg(*textColumn));

    // Without a header the first row fixes the width every row must have.
    const qsizetype expectedFields =
        options.csv.hasHeader ? table.header.size() : table.records.constFirst().fields.size();
    const qsizetype neededFields = std::max(*textColumn, *labelColumn) + 1;

    TextDataset dataset;
    for (const CsvProblem &problem : table.problems)
        dataset.issues.append({sourceName, problem.line, problem.message});

    QStringList labelNames;
    for (const CsvRecord &record : table.records) {
        const auto report = [&](const QString &message) { dataset.issues.append({sourceName, record.line, message}); };
        if (record.fields.size() != expectedFields || record.fields.size() < neededFields) {
            report(QStringLiteral("line %1 has %2 fields where %3 are expected (check for an unquoted delimiter or a "
                                  "missing column)")
                       .arg(record.line)
                       .arg(record.fields.size())
                       .arg(std::max(expectedFields, neededFields)));
            continue;
        }
        const QString &text = record.fields.at(*textColumn);
        const QString label = record.fields.at(*labelColumn).trimmed();
        if (text.trimmed().isEmpty()) {
            report(QStringLiteral("line %1 has an empty text").arg(record.line));
            continue;
        }
        if (label.isEmpty()) {
            report(QStringLiteral("line %1 has an empty label").arg(record.line));
            continue;
        }
        dataset.texts.append(text);
        dataset.sources.append(sourceName);
        dataset.lines.append(record.line);
        labelNames.append(label);
    }
    std::stable_sort(dataset.issues.begin(), dataset.issues.end(),
                     [](const TextDatasetIssue &a, const TextDatasetIssue &b) { return a.line < b.line; });

    if (dataset.texts.isEmpty()) {
        return makeError(QStringLiteral("%1 has no usable rows (%2 rows rejected%3)")
                             .arg(sourceName)
                             .arg(dataset.issues.size())
                             .arg(dataset.issues.isEmpty()
                                      ? QString()
                                      : QStringLiteral(", first: ") + dataset.issues.constFirst().message));
    }
    assignLabels(labelNames, dataset);
    return dataset;
}

Expected<TextDataset> TextDatasetLoader::load(const QString &path, const CsvDatasetOptions &options)
{
    const QFileInfo info(path);
    if (!info.exists())
        return makeError(QStringLiteral("%1 does not exist").arg(path));
    return info.isDir() ? fromDirectory(path) : fromCsv(path, options);
}

bool TextDatasetLoader::looksLikeTextDataset(const QString &path)
{
    const QFileInfo info(path);
    if (info.isFile()) {
        const QString suffix = info.suffix().toLower();
        return suffix == QLatin1String("csv") || suffix == QLatin1String("tsv") || suffix == QLatin1String("tab");
    }
    if (!info.isDir())
        return false;
    // A glance, not a scan: enough entries to tell a text folder from audio or image folders.
    constexpr int maxEntries = 400;
    int texts = 0, others = 0, seen = 0;
    QDirIterator walker(path, QDir::Files, QDirIterator::Subdirectories);
    while (walker.hasNext() && seen < maxEntries) {
        walker.next();
        if (walker.fileInfo().absolutePath() == info.absoluteFilePath())
            continue; // files beside the class folders (a README, labels.txt) say nothing
        ++seen;
        if (walker.fileName().endsWith(QLatin1String(".txt"), Qt::CaseInsensitive))
            ++texts;
        else if (!walker.fileName().startsWith(QLatin1Char('.')))
            ++others;
    }
    return texts > 0 && texts > others;
}

Expected<TextDataset> TextDatasetLoader::fromDirectory(const QString &path)
{
    const QFileInfo rootInfo(path);
    if (!rootInfo.exists())
        return makeError(QStringLiteral("%1 does not exist").arg(path));
    if (!rootInfo.isDir())
        return makeError(
            QStringLiteral("%1 is not a folder; a text dataset folder holds one subfolder per class").arg(path));

    const QDir root(path);
    // Hidden folders (".git", ".ipynb_checkpoints") are not classes, as in Keras.
    const QStringList classNames = sortedByCodePoint(root.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::NoSort));
    if (classNames.isEmpty()) {
        return makeError(QStringLiteral("%1 has no class subfolders; put each class's .txt files in a subfolder "
                                        "named after the class")
                             .arg(path));
    }

    TextDataset dataset;
    dataset.classNames = classNames;
    for (int classIndex = 0; classIndex < classNames.size(); ++classIndex) {
        const QString classPath = root.filePath(classNames.at(classIndex));
        // Keras walks the class folder recursively, folders in path order, files by
        // name. Hidden folders are not entered (Keras skips only their own files).
        QStringList folders{classPath};
        QDirIterator walker(classPath, QDir::Dirs | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
        while (walker.hasNext()) {
            walker.next();
            if (!walker.fileName().startsWith(QLatin1Char('.')))
                folders.append(walker.filePath());
        }
        folders = sortedByCodePoint(folders);

        int samples = 0;
        for (const QString &folder : std::as_const(folders)) {
            const QStringList files =
                sortedByCodePoint(QDir(folder).entryList(QDir::Files | QDir::Hidden, QDir::NoSort));
            for (const QString &name : files) {
                if (!name.toLower().endsWith(QLatin1String(".txt")))
                    continue;
                const QString filePath = QDir(folder).filePath(name);
                Expected<QString> text = TextFile::readUtf8(filePath, textlimits::maxSampleFileBytes);
                if (!text) {
                    dataset.issues.append({filePath, 0, text.errorString()});
                    continue;
                }
                if (text->trimmed().isEmpty()) {
                    dataset.issues.append({filePath, 0, QStringLiteral("%1 is empty").arg(filePath)});
                    continue;
                }
                dataset.texts.append(*text);
                dataset.labels.append(classIndex);
                dataset.sources.append(filePath);
                dataset.lines.append(0);
                ++samples;
            }
        }
        if (samples == 0) {
            dataset.issues.append(
                {classPath, 0,
                 QStringLiteral("class folder \"%1\" has no usable .txt files; it keeps class index %2 "
                                "but no samples")
                     .arg(classNames.at(classIndex))
                     .arg(classIndex)});
        }
    }
    if (dataset.texts.isEmpty())
        return makeError(QStringLiteral("%1 has no usable .txt files in its class subfolders").arg(path));
    return dataset;
}

} // namespace graft
