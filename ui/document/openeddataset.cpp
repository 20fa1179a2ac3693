#include "ui/document/openeddataset.h"

#include "core/dataset/classfolderscanner.h"

#include <QDir>
#include <QFileInfo>
#include <QObject>

namespace graft::ui {

namespace {

/** A folder holding X.npy and y.npy (any case) is an array dataset, not class folders. */
bool isArrayFolder(const QString &path)
{
    const QStringList files = QDir(path).entryList(QDir::Files);
    bool x = false;
    bool y = false;
    for (const QString &name : files) {
        x = x || name.compare(QLatin1String("x.npy"), Qt::CaseInsensitive) == 0;
        y = y || name.compare(QLatin1String("y.npy"), Qt::CaseInsensitive) == 0;
    }
    return x && y;
}

} // namespace

bool OpenedDataset::isArrayFileName(const QString &path)
{
    const QString lower = path.toLower();
    return lower.endsWith(QLatin1String(".npy")) || lower.endsWith(QLatin1String(".npz"))
           || lower.endsWith(QLatin1String(".h5")) || lower.endsWith(QLatin1String(".hdf5"));
}

OpenedDataset::ScanOutcome OpenedDataset::scan(const QString &path, const QString &textColumn,
                                               const QString &labelColumn, const std::atomic_bool *cancel)
{
    auto dataset = std::make_shared<OpenedDataset>();
    dataset->path = path;
    const QFileInfo info(path);
    if (!info.exists())
        return {nullptr, QObject::tr("%1 does not exist.").arg(path)};
    if (TextDatasetLoader::looksLikeTextDataset(path) && !isArrayFolder(path)) {
        auto text = TextDatasetScanner::scan(path, textColumn, labelColumn);
        if (!text)
            return {nullptr, text.errorString()};
        dataset->text = std::move(*text);
        return {dataset, {}};
    }
    if (info.isFile() || isArrayFolder(path)) {
        if (info.isFile() && !isArrayFileName(path))
            return {nullptr, QObject::tr("%1 is not a dataset: choose a folder of class folders, an .npy, .npz, "
                                         ".h5 or .hdf5 array file, or a .csv or .tsv text table.")
                                 .arg(path)};
        auto arrays = ArrayDatasetLoader::load(path);
        if (!arrays)
            return {nullptr, arrays.errorString()};
        dataset->arrays = std::move(*arrays);
        return {dataset, {}};
    }
    ClassFolderScanOptions options;
    options.cancel = cancel;
    if (const auto layout = ClassFolderScanner::detectSplitLayout(path)) {
        auto train = ClassFolderScanner::scan(layout->trainPath, options);
        if (!train)
            return {nullptr, train.errorString()};
        options.kind = train->kind;
        options.classNames = train->classNames;
        auto validation = ClassFolderScanner::scan(layout->validationPath, options);
        if (!validation)
            return {nullptr, validation.errorString()};
        dataset->train = std::move(*train);
        dataset->validation = std::move(*validation);
        return {dataset, {}};
    }
    auto train = ClassFolderScanner::scan(path, options);
    if (!train)
        return {nullptr, train.errorString()};
    dataset->train = std::move(*train);
    return {dataset, {}};
}

QStringList OpenedDataset::classNames() const
{
    if (text)
        return text->train.classNames;
    if (train)
        return train->classNames;
    if (!arrays)
        return {};
    if (!arrays->classNames.isEmpty())
        return arrays->classNames;
    QStringList names;
    for (int i = 0; i < arrays->classCounts().size(); ++i)
        names << QString::number(i);
    return names;
}

QVector<int> OpenedDataset::trainCounts() const
{
    if (text)
        return TextScan::classCounts(text->train, int(text->train.classNames.size()));
    if (train)
        return train->classCounts();
    return arrays ? arrays->classCounts() : QVector<int>();
}

QVector<int> OpenedDataset::validationCounts() const
{
    if (text && text->validation)
        return TextScan::classCounts(*text->validation, int(text->train.classNames.size()));
    return validation ? validation->classCounts() : QVector<int>();
}

SampleKind OpenedDataset::kind() const
{
    return train ? train->kind : SampleKind::FeatureArray;
}

QVector<DatasetIssue> OpenedDataset::issues() const
{
    QVector<DatasetIssue> all;
    for (const auto *folder : {&train, &validation}) {
        if (*folder)
            all += (*folder)->badFiles + (*folder)->warnings;
    }
    if (arrays)
        for (const QString &warning : arrays->warnings)
            all.append({arrays->sourcePath, warning});
    if (text) {
        for (const TextDataset *set : {&text->train, text->validation ? &*text->validation : nullptr}) {
            if (!set)
                continue;
            for (const TextDatasetIssue &issue : set->issues) {
                const QString line = QObject::tr("line %1").arg(issue.line);
                const bool named = issue.line <= 0 || issue.message.contains(line);
                all.append({issue.path, named ? issue.message : line + QStringLiteral(": ") + issue.message});
            }
        }
    }
    return all;
}

} // namespace graft::ui
