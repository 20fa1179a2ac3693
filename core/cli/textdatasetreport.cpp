#include "core/cli/textdatasetreport.h"

#include "core/dataset/datasetreport.h"
#include "core/dataset/datasettypes.h"
#include "core/text/sequencepadding.h"
#include "core/text/textdataset.h"
#include "core/text/texttokenizer.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QTextStream>

#include <algorithm>
#include <optional>

namespace graft::cli {

namespace {

Expected<TextDataset> read(const QString &path, const TextReportOptions &options)
{
    CsvDatasetOptions csv;
    csv.textColumn = CsvColumn::parse(options.textColumn);
    csv.labelColumn = CsvColumn::parse(options.labelColumn);
    return TextDatasetLoader::load(path, csv);
}

QVector<int> countsOf(const QVector<int> &labels, int classes)
{
    QVector<int> counts(classes, 0);
    for (int label : labels)
        if (label >= 0 && label < classes)
            ++counts[label];
    return counts;
}

/** Bad rows and files (skipped) and folder-level warnings (empty class folders), as JSON. */
void issuesJson(const TextDataset &dataset, QJsonArray &bad, QJsonArray &warnings)
{
    for (const TextDatasetIssue &issue : dataset.issues) {
        QJsonObject entry{{QStringLiteral("file"), issue.path}, {QStringLiteral("reason"), issue.message}};
        if (issue.line > 0)
            entry.insert(QStringLiteral("line"), issue.line);
        (QFileInfo(issue.path).isDir() ? warnings : bad).append(entry);
    }
}

QJsonObject setJson(const QString &path, const TextDataset &dataset)
{
    QJsonArray bad, warnings;
    issuesJson(dataset, bad, warnings);
    return QJsonObject{
        {QStringLiteral("path"), QFileInfo(path).absoluteFilePath()},
        {QStringLiteral("kind"), QStringLiteral("text")},
        {QStringLiteral("format"), QFileInfo(path).isDir() ? QStringLiteral("folder") : QStringLiteral("table")},
        {QStringLiteral("samples"), int(dataset.texts.size())},
        {QStringLiteral("bad_files"), bad},
        {QStringLiteral("warnings"), warnings}};
}

void writeSet(QTextStream &out, const QString &role, const QString &path, const TextDataset &dataset,
              const TextReportOptions &options)
{
    const bool table = !QFileInfo(path).isDir();
    out << QStringLiteral("%1: %2 (%3 texts, %4)\n")
               .arg(role, path)
               .arg(dataset.texts.size())
               .arg(table ? QStringLiteral("table: text column \"%1\", label column \"%2\"")
                                .arg(options.textColumn, options.labelColumn)
                          : QStringLiteral("class folders of .txt files"));
    QStringList bad, warnings;
    for (const TextDatasetIssue &issue : dataset.issues)
        (QFileInfo(issue.path).isDir() ? warnings : bad) << issue.message;
    if (!bad.isEmpty()) {
        out << QStringLiteral("  Bad %1, skipped (%2):\n")
                   .arg(table ? QStringLiteral("rows") : QStringLiteral("files"))
                   .arg(bad.size());
        for (const TextDatasetIssue &issue : dataset.issues)
            if (!QFileInfo(issue.path).isDir())
                out << QStringLiteral("  %1: %2\n").arg(issue.path, issue.message);
    }
    if (!warnings.isEmpty()) {
        out << QStringLiteral("  Warnings (%1):\n").arg(warnings.size());
        for (const QString &warning : warnings)
            out << QStringLiteral("  %1\n").arg(warning);
    }
}

/** Token counts per text with the tokenizer: what the model would see. */
Expected<QJsonObject> tokenStats(const QString &spec, int maxLength, const QStringList &texts, QString *text)
{
    auto tokenizer = TextTokenizer::fromSpec(spec);
    if (!tokenizer)
        return tokenizer.error();
    const int unknownId = (*tokenizer)->unknownTokenId();
    qint64 tokens = 0, unknown = 0;
    int longest = 0, empty = 0, truncated = 0;
    QVector<int> lengths;
    lengths.reserve(texts.size());
    for (const QString &t : texts) {
        const QVector<int> ids = (*tokenizer)->tokenize(t).ids;
        tokens += ids.size();
        unknown += unknownId >= 0 ? std::count(ids.cbegin(), ids.cend(), unknownId) : 0;
        longest = std::max(longest, int(ids.size()));
        empty += ids.isEmpty() ? 1 : 0;
        truncated += maxLength > 0 && ids.size() > maxLength ? 1 : 0;
        lengths.append(int(ids.size()));
    }
    std::sort(lengths.begin(), lengths.end());
    const double mean = texts.isEmpty() ? 0.0 : double(tokens) / double(texts.size());
    const int median = lengths.isEmpty() ? 0 : lengths.at(lengths.size() / 2);
    const double unknownShare = tokens > 0 ? double(unknown) / double(tokens) : 0.0;
    QJsonObject json{{QStringLiteral("tokenizer"), spec},
                     {QStringLiteral("vocabulary_size"), (*tokenizer)->vocabularySize()},
                     {QStringLiteral("tokens"), qint64(tokens)},
                     {QStringLiteral("mean_length"), mean},
                     {QStringLiteral("median_length"), median},
                     {QStringLiteral("longest"), longest},
                     {QStringLiteral("unknown_tokens"), qint64(unknown)},
                     {QStringLiteral("unknown_share"), unknownShare},
                     {QStringLiteral("empty_texts"), empty}};
    QTextStream out(text);
    out << QStringLiteral(
               "Tokens (%1, %2 ids): %3 per text on average, median %4, longest %5; %6 % out of the vocabulary\n")
               .arg(spec)
               .arg((*tokenizer)->vocabularySize())
               .arg(mean, 0, 'f', 1)
               .arg(median)
               .arg(longest)
               .arg(unknownShare * 100.0, 0, 'f', 2);
    if (empty > 0)
        out << QStringLiteral("  %1 texts have no tokens at all\n").arg(empty);
    if (maxLength > 0) {
        json.insert(QStringLiteral("max_length"), maxLength);
        json.insert(QStringLiteral("truncated_texts"), truncated);
        out << QStringLiteral("  %1 of %2 texts are longer than %3 ids and would be truncated\n")
                   .arg(truncated)
                   .arg(texts.size())
                   .arg(maxLength);
    }
    return json;
}

} // namespace

Expected<TextDatasetReport> TextDatasetReport::make(const QString &path, const TextReportOptions &options)
{
    auto train = read(path, options);
    if (!train)
        return train.error();
    std::optional<TextDataset> validation;
    QVector<int> validationLabels;
    if (!options.validationPath.isEmpty()) {
        auto loaded = read(options.validationPath, options);
        if (!loaded)
            return loaded.error();
        for (int label : std::as_const(loaded->labels)) {
            const int index = int(train->classNames.indexOf(loaded->classNames.at(label)));
            if (index < 0)
                return makeError(
                    QStringLiteral("%1: the validation class \"%2\" is not among the training classes of %3")
                        .arg(options.validationPath, loaded->classNames.at(label), path));
            validationLabels.append(index);
        }
        validation = std::move(*loaded);
    }

    const QStringList &names = train->classNames;
    const QVector<int> counts = countsOf(train->labels, int(names.size()));
    const QVector<int> validationCounts = validation ? countsOf(validationLabels, int(names.size())) : QVector<int>();
    const QVector<double> weights = balancedClassWeights(counts);

    TextDatasetReport report;
    report.labels = train->labels;
    report.json = setJson(path, *train);
    if (!QFileInfo(path).isDir()) {
        report.json.insert(QStringLiteral("text_column"), options.textColumn);
        report.json.insert(QStringLiteral("label_column"), options.labelColumn);
    }
    QJsonArray classes;
    for (int i = 0; i < names.size(); ++i) {
        QJsonObject entry{{QStringLiteral("index"), i},
                          {QStringLiteral("name"), names.at(i)},
                          {QStringLiteral("count"), counts.value(i)},
                          {QStringLiteral("class_weight"), weights.value(i)}};
        if (validation)
            entry.insert(QStringLiteral("validation_count"), validationCounts.value(i));
        classes.append(entry);
    }
    report.json.insert(QStringLiteral("classes"), classes);
    report.json.insert(QStringLiteral("imbalance_ratio"), imbalanceRatio(counts));
    if (validation)
        report.json.insert(QStringLiteral("validation"), setJson(options.validationPath, *validation));

    QTextStream out(&report.text);
    writeSet(out, validation ? QStringLiteral("Training") : QStringLiteral("Dataset"), path, *train, options);
    if (validation)
        writeSet(out, QStringLiteral("Validation"), options.validationPath, *validation, options);
    out << QStringLiteral("%1 classes (label = index, sorted %2):\n")
               .arg(names.size())
               .arg(QFileInfo(path).isDir() ? QStringLiteral("folder names") : QStringLiteral("label values"));
    int nameWidth = 5;
    for (const QString &name : names)
        nameWidth = std::max(nameWidth, int(name.size()));
    out << QStringLiteral("  %1  %2  %3")
               .arg(QStringLiteral("#"), 4)
               .arg(QStringLiteral("class"), -nameWidth)
               .arg(QStringLiteral("train"), 7);
    if (validation)
        out << QStringLiteral("  %1").arg(QStringLiteral("val"), 7);
    out << QStringLiteral("  %1\n").arg(QStringLiteral("weight"), 8);
    for (int i = 0; i < names.size(); ++i) {
        out << QStringLiteral("  %1  %2  %3").arg(i, 4).arg(names.at(i), -nameWidth).arg(counts.value(i), 7);
        if (validation)
            out << QStringLiteral("  %1").arg(validationCounts.value(i), 7);
        out << QStringLiteral("  %1\n").arg(weights.value(i), 8, 'f', 3);
    }
    const double ratio = imbalanceRatio(counts);
    if (ratio > DatasetReport::imbalanceThreshold)
        out << QStringLiteral("Class imbalance: the largest class has %1× the samples of the smallest; "
                              "the balanced class weights above (n_samples / (n_classes × count)) compensate.\n")
                   .arg(ratio, 0, 'f', 1);
    out.flush();

    if (!options.tokenizer.isEmpty()) {
        QStringList texts = train->texts;
        if (validation)
            texts += validation->texts;
        QString tokensText;
        auto stats = tokenStats(options.tokenizer, options.maxLength, texts, &tokensText);
        if (!stats)
            return stats.error();
        report.json.insert(QStringLiteral("tokens"), *stats);
        report.text += tokensText;
    }
    return report;
}

} // namespace graft::cli
