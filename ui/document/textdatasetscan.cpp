#include "ui/document/textdatasetscan.h"

#include "core/dataset/classfolderscanner.h"
#include "core/text/csvreader.h"

#include <QFileInfo>

namespace graft::ui {

namespace {

int findColumn(const QStringList &header, const QString &name)
{
    if (name.trimmed().isEmpty())
        return -1;
    for (int i = 0; i < header.size(); ++i)
        if (header.at(i).trimmed().compare(name.trimmed(), Qt::CaseInsensitive) == 0)
            return i;
    bool isNumber = false;
    const int index = name.trimmed().toInt(&isNumber);
    return isNumber && index >= 0 && index < header.size() ? index : -1;
}

int findAny(const QStringList &header, const QStringList &names, int except)
{
    for (const QString &name : names) {
        const int column = findColumn(header, name);
        if (column >= 0 && column != except)
            return column;
    }
    return -1;
}

Expected<TextScan> scanTable(const QString &path, const QString &preferredText, const QString &preferredLabel)
{
    Expected<CsvTable> table = CsvReader().readFile(path);
    if (!table)
        return table.error();
    TextScan scan;
    scan.isTable = true;
    scan.trainPath = path;
    scan.header = table->header;
    if (scan.header.size() < 2)
        return makeError(QObject::tr("%1 has %n column(s); a text dataset table needs a text and a label column.",
                                     nullptr, int(scan.header.size()))
                             .arg(path));
    std::tie(scan.textColumn, scan.labelColumn) =
        TextDatasetScanner::proposeColumns(scan.header, preferredText, preferredLabel);
    CsvDatasetOptions options;
    options.textColumn = CsvColumn::parse(scan.textColumn);
    options.labelColumn = CsvColumn::parse(scan.labelColumn);
    Expected<TextDataset> dataset = TextDatasetLoader::fromCsvTable(*table, path, options);
    if (dataset)
        scan.train = std::move(*dataset);
    else
        scan.error = dataset.errorString();
    return scan;
}

Expected<TextScan> scanFolders(const QString &path)
{
    TextScan scan;
    scan.trainPath = path;
    if (const auto layout = ClassFolderScanner::detectSplitLayout(path)) {
        scan.trainPath = layout->trainPath;
        scan.validationPath = layout->validationPath;
    }
    Expected<TextDataset> train = TextDatasetLoader::fromDirectory(scan.trainPath);
    if (!train)
        return train.error();
    scan.train = std::move(*train);
    if (!scan.validationPath.isEmpty()) {
        Expected<TextDataset> validation = TextDatasetLoader::fromDirectory(scan.validationPath);
        if (!validation)
            return validation.error();
        if (validation->classNames != scan.train.classNames)
            return makeError(QObject::tr("%1 and %2 have different class folders (%3 / %4).")
                                 .arg(scan.trainPath, scan.validationPath,
                                      scan.train.classNames.join(QStringLiteral(", ")),
                                      validation->classNames.join(QStringLiteral(", "))));
        scan.validation = std::move(*validation);
    }
    return scan;
}

} // namespace

QString TextDatasetScanner::columnSpec(const QStringList &header, int column)
{
    // CsvColumn::parse reads a number as an index, and core matches names ignoring case when unambiguous.
    const QString name = header.value(column).trimmed();
    bool isNumber = false;
    name.toInt(&isNumber);
    if (name.isEmpty() || isNumber || findColumn(header, name) != column || header.value(column) != name)
        return QString::number(column);
    return name;
}

QVector<int> TextScan::classCounts(const TextDataset &dataset, int classCount)
{
    QVector<int> counts(classCount, 0);
    for (int label : dataset.labels)
        if (label >= 0 && label < classCount)
            ++counts[label];
    return counts;
}

std::pair<QString, QString> TextDatasetScanner::proposeColumns(const QStringList &header, const QString &preferredText,
                                                               const QString &preferredLabel)
{
    static const QStringList textNames{QStringLiteral("text"),    QStringLiteral("sentence"), QStringLiteral("review"),
                                       QStringLiteral("title"),   QStringLiteral("content"),  QStringLiteral("body"),
                                       QStringLiteral("message"), QStringLiteral("document")};
    static const QStringList labelNames{
        QStringLiteral("label"),  QStringLiteral("labels"), QStringLiteral("category"), QStringLiteral("class"),
        QStringLiteral("target"), QStringLiteral("intent"), QStringLiteral("sentiment")};
    int text = findAny(header, QStringList{preferredText} + textNames, -1);
    int label = findAny(header, QStringList{preferredLabel} + labelNames, text);
    if (text < 0)
        text = label == 0 ? 1 : 0;
    if (label < 0)
        label = text == 0 ? 1 : 0;
    return {TextDatasetScanner::columnSpec(header, text), TextDatasetScanner::columnSpec(header, label)};
}

Expected<TextScan> TextDatasetScanner::scan(const QString &path, const QString &preferredText,
                                            const QString &preferredLabel)
{
    if (QFileInfo(path).isFile())
        return scanTable(path, preferredText, preferredLabel);
    return scanFolders(path);
}

} // namespace graft::ui
