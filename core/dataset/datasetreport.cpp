#include "core/dataset/datasetreport.h"

#include "core/dataset/samplesettings.h"

#include <QJsonArray>
#include <QTextStream>

#include <algorithm>

namespace graft {

namespace {

QJsonArray issuesJson(const QVector<DatasetIssue> &issues)
{
    QJsonArray array;
    for (const DatasetIssue &issue : issues)
        array.append(QJsonObject{{QStringLiteral("file"), issue.path}, {QStringLiteral("reason"), issue.reason}});
    return array;
}

QJsonArray classesJson(const QStringList &names, const QVector<int> &counts, const QVector<int> &validationCounts)
{
    const QVector<double> weights = balancedClassWeights(counts);
    QJsonArray array;
    for (int i = 0; i < names.size(); ++i) {
        QJsonObject entry{{QStringLiteral("index"), i},
                          {QStringLiteral("name"), names[i]},
                          {QStringLiteral("count"), counts.value(i)},
                          {QStringLiteral("class_weight"), weights.value(i)}};
        if (!validationCounts.isEmpty())
            entry.insert(QStringLiteral("validation_count"), validationCounts.value(i));
        array.append(entry);
    }
    return array;
}

QJsonObject folderJson(const ClassFolderDataset &dataset)
{
    QJsonObject formats;
    for (auto it = dataset.formats.cbegin(); it != dataset.formats.cend(); ++it)
        formats.insert(it.key(), it.value());
    QJsonObject object{{QStringLiteral("path"), dataset.rootPath},
                       {QStringLiteral("kind"), sampleKindName(dataset.kind)},
                       {QStringLiteral("samples"), dataset.samples.size()},
                       {QStringLiteral("formats"), formats},
                       {QStringLiteral("bad_files"), issuesJson(dataset.badFiles)},
                       {QStringLiteral("warnings"), issuesJson(dataset.warnings)}};
    if (dataset.kind == SampleKind::Audio) {
        QJsonObject rates;
        for (auto it = dataset.sampleRates.cbegin(); it != dataset.sampleRates.cend(); ++it)
            rates.insert(QString::number(it.key()), it.value());
        object.insert(QStringLiteral("channels"), dataset.channels);
        object.insert(QStringLiteral("sample_rates"), rates);
        object.insert(QStringLiteral("total_seconds"), dataset.totalSeconds);
    }
    if (dataset.kind == SampleKind::FeatureArray) {
        QJsonArray shape;
        for (std::int64_t d : dataset.featureShape)
            shape.append(qint64(d));
        object.insert(QStringLiteral("sample_shape"), shape);
    }
    return object;
}

void writeClasses(QTextStream &out, const QStringList &names, const QVector<int> &counts,
                  const QVector<int> &validationCounts)
{
    const QVector<double> weights = balancedClassWeights(counts);
    int nameWidth = 5;
    for (const QString &name : names)
        nameWidth = std::max(nameWidth, int(name.size()));
    out << QStringLiteral("  %1  %2").arg(QStringLiteral("#"), 4).arg(QStringLiteral("class"), -nameWidth)
        << QStringLiteral("  %1").arg(QStringLiteral("train"), 7);
    if (!validationCounts.isEmpty())
        out << QStringLiteral("  %1").arg(QStringLiteral("val"), 7);
    out << QStringLiteral("  %1\n").arg(QStringLiteral("weight"), 8);
    for (int i = 0; i < names.size(); ++i) {
        out << QStringLiteral("  %1  %2  %3").arg(i, 4).arg(names[i], -nameWidth).arg(counts.value(i), 7);
        if (!validationCounts.isEmpty())
            out << QStringLiteral("  %1").arg(validationCounts.value(i), 7);
        out << QStringLiteral("  %1\n").arg(weights.value(i), 8, 'f', 3);
    }
    const double ratio = imbalanceRatio(counts);
    if (ratio > DatasetReport::imbalanceThreshold)
        out << QStringLiteral("Class imbalance: the largest class has %1× the samples of the smallest; "
                              "the balanced class weights above (n_samples / (n_classes × count)) compensate.\n")
                   .arg(ratio, 0, 'f', 1);
}

void writeIssues(QTextStream &out, const QString &title, const QVector<DatasetIssue> &issues)
{
    if (issues.isEmpty())
        return;
    out << title << QStringLiteral(" (%1):\n").arg(issues.size());
    for (const DatasetIssue &issue : issues)
        out << QStringLiteral("  %1: %2\n").arg(issue.path, issue.reason);
}

void writeFolder(QTextStream &out, const ClassFolderDataset &dataset, const QString &role)
{
    out << QStringLiteral("%1: %2 (%3 %4 samples)\n")
               .arg(role, dataset.rootPath)
               .arg(dataset.samples.size())
               .arg(sampleKindName(dataset.kind));
    QStringList formats;
    for (auto it = dataset.formats.cbegin(); it != dataset.formats.cend(); ++it)
        formats << QStringLiteral("%1 × %2").arg(it.value()).arg(it.key());
    if (!formats.isEmpty())
        out << QStringLiteral("  formats: %1\n").arg(formats.join(QStringLiteral(", ")));
    if (dataset.kind == SampleKind::Audio && !dataset.samples.isEmpty()) {
        QStringList rates;
        for (auto it = dataset.sampleRates.cbegin(); it != dataset.sampleRates.cend(); ++it)
            rates << QStringLiteral("%1 Hz × %2").arg(it.key()).arg(it.value());
        out << QStringLiteral("  channels: %1, sample rates: %2, total %3 s\n")
                   .arg(dataset.channels)
                   .arg(rates.join(QStringLiteral(", ")))
                   .arg(dataset.totalSeconds, 0, 'f', 1);
    }
    if (dataset.kind == SampleKind::FeatureArray && !dataset.featureShape.empty())
        out << QStringLiteral("  sample shape: %1\n").arg(shapeText(dataset.featureShape));
    writeIssues(out, QStringLiteral("  Bad files, skipped"), dataset.badFiles);
    writeIssues(out, QStringLiteral("  Warnings"), dataset.warnings);
}

} // namespace

QString DatasetReport::text(const ClassFolderDataset &train, const std::optional<ClassFolderDataset> &validation)
{
    QString result;
    QTextStream out(&result);
    writeFolder(out, train, validation ? QStringLiteral("Training") : QStringLiteral("Dataset"));
    if (validation)
        writeFolder(out, *validation, QStringLiteral("Validation"));
    out << QStringLiteral("%1 classes (label = index, sorted folder names):\n").arg(train.classNames.size());
    writeClasses(out, train.classNames, train.classCounts(), validation ? validation->classCounts() : QVector<int>());
    out.flush();
    return result;
}

QJsonObject DatasetReport::json(const ClassFolderDataset &train, const std::optional<ClassFolderDataset> &validation)
{
    QJsonObject object = folderJson(train);
    const QVector<int> counts = train.classCounts();
    object.insert(QStringLiteral("classes"),
                  classesJson(train.classNames, counts, validation ? validation->classCounts() : QVector<int>()));
    object.insert(QStringLiteral("imbalance_ratio"), imbalanceRatio(counts));
    if (validation)
        object.insert(QStringLiteral("validation"), folderJson(*validation));
    return object;
}

QString DatasetReport::text(const ArrayDataset &dataset)
{
    QString result;
    QTextStream out(&result);
    out << QStringLiteral("Dataset: %1 (%2: features '%3', labels '%4')\n")
               .arg(dataset.sourcePath, dataset.format, dataset.featuresName, dataset.labelsName);
    out << QStringLiteral("  %1 samples of shape %2, labels %3\n")
               .arg(dataset.count())
               .arg(shapeText(dataset.sampleShape()))
               .arg(dataset.oneHotLabels ? QStringLiteral("one-hot") : QStringLiteral("integer"));
    for (const QString &warning : dataset.warnings)
        out << QStringLiteral("  warning: %1\n").arg(warning);
    out << QStringLiteral("%1 classes:\n").arg(dataset.classNames.size());
    writeClasses(out, dataset.classNames, dataset.classCounts(), {});
    out.flush();
    return result;
}

QJsonObject DatasetReport::json(const ArrayDataset &dataset)
{
    QJsonArray shape;
    for (std::int64_t d : dataset.sampleShape())
        shape.append(qint64(d));
    const QVector<int> counts = dataset.classCounts();
    return QJsonObject{{QStringLiteral("path"), dataset.sourcePath},
                       {QStringLiteral("kind"), QStringLiteral("arrays")},
                       {QStringLiteral("format"), dataset.format},
                       {QStringLiteral("features_array"), dataset.featuresName},
                       {QStringLiteral("labels_array"), dataset.labelsName},
                       {QStringLiteral("samples"), qint64(dataset.count())},
                       {QStringLiteral("sample_shape"), shape},
                       {QStringLiteral("one_hot_labels"), dataset.oneHotLabels},
                       {QStringLiteral("classes"), classesJson(dataset.classNames, counts, {})},
                       {QStringLiteral("imbalance_ratio"), imbalanceRatio(counts)},
                       {QStringLiteral("warnings"), QJsonArray::fromStringList(dataset.warnings)},
                       {QStringLiteral("bad_files"), QJsonArray()}};
}

} // namespace graft
