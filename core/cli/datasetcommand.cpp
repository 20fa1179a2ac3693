#include "core/cli/clioutput.h"
#include "core/cli/command.h"
#include "core/cli/textdatasetreport.h"
#include "core/dataset/arraydataset.h"
#include "core/dataset/classfolderscanner.h"
#include "core/dataset/datasetreport.h"
#include "core/dataset/datasetsplit.h"
#include "core/text/textdataset.h"

#include <QCommandLineParser>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>

namespace graft::cli {

namespace {

const QString commandName = QStringLiteral("dataset");

bool looksLikeArrays(const QString &path)
{
    const QFileInfo info(path);
    if (info.isFile())
        return true;
    for (const char *name : {"X.npy", "x.npy", "features.npy"}) {
        if (QFileInfo::exists(info.absoluteFilePath() + QLatin1Char('/') + QLatin1String(name)))
            return true;
    }
    return false;
}

int runDataset(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Describes a dataset: classes (label = index in sorted class-folder order, as Keras and torchvision), "
        "sample counts, formats, balanced class weights (n_samples / (n_classes * count)), bad files with the "
        "reason each was skipped, and warnings (empty or tiny classes, a single class, hidden files, symlink loops, "
        "names that are not UTF-8).\n\n"
        "PATH is a folder with one subfolder per class (audio WAV/FLAC/OGG, images PNG/JPEG/BMP or one .npy per "
        "sample), a folder holding train/ and val/ class folders, a folder with X.npy + y.npy, an .npz or an HDF5 "
        "file.\n\n"
        "Text datasets: a CSV/TSV file with a text and a label column (--text-column, --label-column; by header "
        "name or 0-based index), or a folder of class subfolders of .txt files (Keras's text_dataset_from_directory). "
        "They are recognized by the .csv/.tsv suffix or the .txt files, or by any text option; bad rows are listed "
        "with their line. With --tokenizer, token counts per text and the out-of-vocabulary share are shown too."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("PATH"), QStringLiteral("The dataset folder or array file."));
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print one JSON object instead of text."));
    const QCommandLineOption validation(QStringLiteral("validation"),
                                        QStringLiteral("A separate validation folder with the same class folders."),
                                        QStringLiteral("DIR"));
    const QCommandLineOption split(
        QStringLiteral("validation-split"),
        QStringLiteral("Also show the stratified split that keeps this fraction of each class for validation."),
        QStringLiteral("FRACTION"));
    const QCommandLineOption seed(QStringLiteral("seed"), QStringLiteral("Seed of the split (default 1337)."),
                                  QStringLiteral("N"), QStringLiteral("1337"));
    const QCommandLineOption classNames(
        QStringLiteral("class-names"),
        QStringLiteral("Arrays: class names, one per line or a JSON list (default: class_names.txt beside the data)."),
        QStringLiteral("FILE"));
    const QCommandLineOption textColumn(
        QStringLiteral("text-column"),
        QStringLiteral("Text table: the text column, by header name or 0-based index (default: text)."),
        QStringLiteral("C"), QStringLiteral("text"));
    const QCommandLineOption labelColumn(
        QStringLiteral("label-column"),
        QStringLiteral("Text table: the label column, by header name or 0-based index (default: label)."),
        QStringLiteral("C"), QStringLiteral("label"));
    const QCommandLineOption tokenizer(
        QStringLiteral("tokenizer"),
        QStringLiteral("Text: wordpiece:vocab.txt or textvectorization:vocab.txt, for token counts and the "
                       "out-of-vocabulary share."),
        QStringLiteral("SPEC"));
    const QCommandLineOption maxLen(
        QStringLiteral("max-len"),
        QStringLiteral("Text with --tokenizer: count the texts longer than N ids (truncated for the model)."),
        QStringLiteral("N"));
    parser.addOptions({json, validation, split, seed, classNames, textColumn, labelColumn, tokenizer, maxLen});

    if (!parser.parse(QStringList{QStringLiteral("graft-cli dataset")} + arguments))
        return fail(commandName, parser.errorText(), 2);
    if (parser.isSet(QStringLiteral("help"))) {
        out() << parser.helpText();
        out().flush();
        return 0;
    }
    if (parser.positionalArguments().size() != 1)
        return fail(commandName, QStringLiteral("expected exactly one PATH (see --help)"), 2);
    const QString path = parser.positionalArguments().front();
    if (!QFileInfo::exists(path))
        return fail(commandName, QStringLiteral("'%1' does not exist").arg(path));

    double fraction = 0.0;
    if (parser.isSet(split)) {
        bool ok = false;
        fraction = parser.value(split).toDouble(&ok);
        if (!ok || fraction <= 0.0 || fraction >= 1.0)
            return fail(commandName,
                        QStringLiteral("--validation-split must be a fraction between 0 and 1, not '%1'")
                            .arg(parser.value(split)),
                        2);
    }
    bool seedOk = false;
    const quint64 seedValue = parser.value(seed).toULongLong(&seedOk);
    if (!seedOk)
        return fail(commandName, QStringLiteral("--seed must be a whole number, not '%1'").arg(parser.value(seed)), 2);

    QJsonObject report;
    QString text;
    QVector<int> labels;
    const bool textOptions =
        parser.isSet(textColumn) || parser.isSet(labelColumn) || parser.isSet(tokenizer) || parser.isSet(maxLen);
    if (textOptions || TextDatasetLoader::looksLikeTextDataset(path)) {
        TextReportOptions options;
        options.textColumn = parser.value(textColumn);
        options.labelColumn = parser.value(labelColumn);
        options.validationPath = parser.value(validation);
        options.tokenizer = parser.value(tokenizer);
        if (parser.isSet(maxLen)) {
            bool ok = false;
            options.maxLength = parser.value(maxLen).toInt(&ok);
            if (!ok || options.maxLength < 1)
                return fail(
                    commandName,
                    QStringLiteral("--max-len must be a positive whole number, not '%1'").arg(parser.value(maxLen)), 2);
            if (options.tokenizer.isEmpty())
                return fail(commandName, QStringLiteral("--max-len counts tokens: give --tokenizer too"), 2);
        }
        QString trainPath = path;
        if (options.validationPath.isEmpty() && QFileInfo(path).isDir())
            if (const auto layout = ClassFolderScanner::detectSplitLayout(path)) {
                trainPath = layout->trainPath;
                options.validationPath = layout->validationPath;
            }
        const auto textReport = TextDatasetReport::make(trainPath, options);
        if (!textReport)
            return fail(commandName, textReport.errorString());
        report = textReport->json;
        text = textReport->text;
        labels = textReport->labels;
    } else if (looksLikeArrays(path)) {
        const auto arrays = ArrayDatasetLoader::load(path, parser.value(classNames));
        if (!arrays)
            return fail(commandName, arrays.errorString());
        report = DatasetReport::json(*arrays);
        text = DatasetReport::text(*arrays);
        labels = arrays->labels;
    } else {
        QString trainPath = path;
        QString validationPath = parser.value(validation);
        if (validationPath.isEmpty()) {
            if (const auto layout = ClassFolderScanner::detectSplitLayout(path)) {
                trainPath = layout->trainPath;
                validationPath = layout->validationPath;
            }
        }
        const auto train = ClassFolderScanner::scan(trainPath);
        if (!train)
            return fail(commandName, train.errorString());
        std::optional<ClassFolderDataset> validationSet;
        if (!validationPath.isEmpty()) {
            ClassFolderScanOptions options;
            options.classNames = train->classNames;
            options.kind = train->kind;
            options.fewSamplesWarning = 2; // a few per class are normal in a validation folder
            auto scanned = ClassFolderScanner::scan(validationPath, options);
            if (!scanned)
                return fail(commandName, scanned.errorString());
            validationSet = std::move(*scanned);
        }
        report = DatasetReport::json(*train, validationSet);
        text = DatasetReport::text(*train, validationSet);
        labels = train->labels();
    }

    if (fraction > 0.0) {
        const DatasetSplit s = stratifiedSplit(labels, fraction, seedValue);
        report.insert(QStringLiteral("split"), QJsonObject{{QStringLiteral("validation_fraction"), fraction},
                                                           {QStringLiteral("seed"), QString::number(seedValue)},
                                                           {QStringLiteral("train"), s.train.size()},
                                                           {QStringLiteral("validation"), s.validation.size()}});
        text += QStringLiteral("Stratified split (%1 for validation, seed %2): %3 train, %4 validation\n")
                    .arg(fraction)
                    .arg(seedValue)
                    .arg(s.train.size())
                    .arg(s.validation.size());
    }
    if (parser.isSet(json))
        out() << QJsonDocument(report).toJson(QJsonDocument::Indented);
    else
        out() << text;
    out().flush();
    return 0;
}

} // namespace

Command datasetCommand()
{
    return {commandName, QStringLiteral("Describe a dataset: classes, counts, formats, class weights and bad files"),
            runDataset};
}

} // namespace graft::cli
