#include "core/training/textsamples.h"

#include "core/dataset/classfolderscanner.h"
#include "core/dataset/datasetsplit.h"
#include "core/model/modelspec.h"
#include "core/text/textdataset.h"
#include "core/text/texttokenizer.h"

#include <QFileInfo>
#include <QHash>

#include <algorithm>
#include <memory>

namespace graft {

namespace {

QString sideName(PaddingSide side)
{
    return side == PaddingSide::Pre ? QStringLiteral("pre") : QStringLiteral("post");
}

QString where(const TextDataset &dataset, int i)
{
    const int line = dataset.lines.value(i);
    return line > 0 ? QStringLiteral("line %1").arg(line) : QFileInfo(dataset.sources.value(i)).fileName();
}

/** Dataset issues: unusable rows and files are skipped samples, the rest (empty class folders) notes. */
void takeIssues(const TextDataset &dataset, TrainingData &data)
{
    for (const TextDatasetIssue &issue : dataset.issues) {
        if (QFileInfo(issue.path).isDir())
            data.notes << issue.message;
        else
            data.skipped.append({issue.path, issue.message});
    }
}

Expected<TextDataset> readDataset(const QString &path, const TextSourceSettings &settings)
{
    CsvDatasetOptions options;
    options.textColumn = CsvColumn::parse(settings.textColumn);
    options.labelColumn = CsvColumn::parse(settings.labelColumn);
    return TextDatasetLoader::load(path, options);
}

/** Counts over all tokenized texts, for the notes. */
struct TokenStats
{
    qint64 tokens = 0;
    qint64 unknown = 0;
    int longest = 0;
    int empty = 0;
    int truncated = 0;
};

/** One dataset's texts as id rows of `length`; rows holding an id the Embedding cannot look up are skipped. */
struct Encoder
{
    const TextTokenizer &tokenizer;
    int unknownId = -1;
    int idLimit = 0;
    QString idLimitWhat;
    PaddingOptions padding;
    TokenStats stats;

    QVector<QVector<int>> tokenize(const TextDataset &dataset)
    {
        QVector<QVector<int>> ids;
        ids.reserve(dataset.texts.size());
        for (const QString &text : dataset.texts) {
            QVector<int> row = tokenizer.tokenize(text).ids;
            stats.tokens += row.size();
            if (unknownId >= 0)
                stats.unknown += std::count(row.cbegin(), row.cend(), unknownId);
            stats.longest = std::max(stats.longest, int(row.size()));
            if (row.isEmpty())
                ++stats.empty;
            ids.append(std::move(row));
        }
        return ids;
    }

    SampleSet encode(const TextDataset &dataset, const QVector<QVector<int>> &ids, const QVector<int> &labels,
                     int length, TrainingData &data)
    {
        SampleSet set;
        set.values.reserve(std::size_t(ids.size()) * std::size_t(length));
        for (int i = 0; i < ids.size(); ++i) {
            if (ids[i].size() > length)
                ++stats.truncated;
            const QVector<int> row = padSequence(ids[i], length, padding);
            const auto bad = std::find_if(row.cbegin(), row.cend(), [this](int id) { return id < 0 || id >= idLimit; });
            if (bad != row.cend()) {
                const TokenizedText tokens = tokenizer.tokenize(dataset.texts.at(i));
                const int at = int(tokens.ids.indexOf(*bad));
                const QString token = at >= 0 ? QStringLiteral(" (\"%1\")").arg(tokens.tokens.at(at)) : QString();
                data.skipped.append({dataset.sources.value(i), QStringLiteral("%1: token id %2%3 is outside %4")
                                                                   .arg(where(dataset, i))
                                                                   .arg(*bad)
                                                                   .arg(token, idLimitWhat)});
                continue;
            }
            for (int id : row)
                set.values.push_back(float(id)); // exact: float holds every integer below 2^24
            set.labels.append(labels.at(i));
        }
        set.shape = {std::int64_t(set.labels.size()), length};
        return set;
    }
};

/** Validation labels by class name; a class the training data lacks is an error. */
Expected<QVector<int>> mapLabels(const TextDataset &validation, const QStringList &classNames, const QString &path,
                                 QStringList *missing)
{
    QVector<int> map;
    for (const QString &name : validation.classNames) {
        const int index = int(classNames.indexOf(name));
        if (index < 0)
            return makeError(QStringLiteral("%1: the validation class \"%2\" is not among the %3 training classes (%4)")
                                 .arg(path, name)
                                 .arg(classNames.size())
                                 .arg(classNames.join(QStringLiteral(", "))));
        map.append(index);
    }
    for (const QString &name : classNames)
        if (!validation.classNames.contains(name))
            *missing << name;
    QVector<int> labels;
    labels.reserve(validation.labels.size());
    for (int label : validation.labels)
        labels.append(map.at(label));
    return labels;
}

} // namespace

QString TextSampleLoader::tokenizerDisplayName(const QString &spec)
{
    const QString kind = spec.section(QLatin1Char(':'), 0, 0).trimmed().toLower();
    if (kind == QLatin1String("wordpiece"))
        return QStringLiteral("WordPiece");
    if (kind == QLatin1String("textvectorization"))
        return QStringLiteral("TextVectorization");
    return kind;
}

int TextSampleLoader::embeddingInputDim(const ModelSpec &model)
{
    for (const Layer &layer : model.layers) {
        if (layer.className == QLatin1String("Embedding"))
            return layer.config.value(QStringLiteral("input_dim")).toInt(0);
        if (layer.nestedModel)
            if (const int dim = embeddingInputDim(*layer.nestedModel); dim > 0)
                return dim;
    }
    return 0;
}

Expected<TrainingData> TextSampleLoader::load(const TrainingDataSource &source, const Shape &modelInputShape,
                                              int embeddingInputDim)
{
    const TextSourceSettings &text = source.text;
    if (!modelInputShape.empty() && modelInputShape.size() != 1)
        return makeError(QStringLiteral("the model takes inputs of shape %1, not a sequence of token ids: a text "
                                        "classifier's input is (length,)")
                             .arg(shapeToString(modelInputShape, false)));
    const std::int64_t modelLength = modelInputShape.empty() ? -1 : modelInputShape.front();
    if (text.maxLength < 0)
        return makeError(QStringLiteral("the maximum text length must be positive, got %1").arg(text.maxLength));
    if (text.maxLength > 0 && modelLength > 0 && text.maxLength != modelLength)
        return makeError(
            QStringLiteral("the maximum length is %1 ids but the model takes %2 ids per text (input shape (%2,))")
                .arg(text.maxLength)
                .arg(modelLength));

    auto tokenizer = TextTokenizer::fromSpec(text.tokenizer);
    if (!tokenizer)
        return tokenizer.error();
    const int vocabulary = (*tokenizer)->vocabularySize();

    QString trainPath = source.dataPath;
    QString validationPath = source.validationPath;
    if (validationPath.isEmpty() && QFileInfo(trainPath).isDir())
        if (const auto layout = ClassFolderScanner::detectSplitLayout(trainPath)) {
            trainPath = layout->trainPath;
            validationPath = layout->validationPath;
        }

    TrainingData data;
    auto train = readDataset(trainPath, text);
    if (!train)
        return train.error();
    data.classNames = train->classNames;
    takeIssues(*train, data);
    std::optional<TextDataset> validation;
    QVector<int> validationLabels;
    if (!validationPath.isEmpty()) {
        auto read = readDataset(validationPath, text);
        if (!read)
            return read.error();
        QStringList missing;
        auto labels = mapLabels(*read, data.classNames, validationPath, &missing);
        if (!labels)
            return labels.error();
        validationLabels = *labels;
        if (!missing.isEmpty())
            data.notes
                << QStringLiteral("%1 has no samples of %2").arg(validationPath, missing.join(QStringLiteral(", ")));
        takeIssues(*read, data);
        validation = std::move(*read);
    }

    Encoder encoder{**tokenizer,  (*tokenizer)->unknownTokenId(),
                    vocabulary,   QStringLiteral("the vocabulary's %1 ids").arg(vocabulary),
                    text.padding, {}};
    if (embeddingInputDim > 0) {
        encoder.idLimit = embeddingInputDim;
        encoder.idLimitWhat = QStringLiteral("the model's Embedding input_dim %1").arg(embeddingInputDim);
        if (vocabulary > embeddingInputDim)
            data.notes << QStringLiteral("the vocabulary %1 has %2 ids but the model's Embedding takes %3: texts with "
                                         "higher ids are skipped; is this the tokenizer the model was trained with?")
                              .arg(text.tokenizer.section(QLatin1Char(':'), 1))
                              .arg(vocabulary)
                              .arg(embeddingInputDim);
    }
    if (text.padding.value < 0 || text.padding.value >= encoder.idLimit)
        return makeError(
            QStringLiteral("the padding value %1 is outside %2").arg(text.padding.value).arg(encoder.idLimitWhat));

    const QVector<QVector<int>> trainIds = encoder.tokenize(*train);
    const QVector<QVector<int>> validationIds = validation ? encoder.tokenize(*validation) : QVector<QVector<int>>();
    int length = text.maxLength > 0 ? text.maxLength : int(modelLength);
    if (length <= 0) {
        // Keras pad_sequences(maxlen=None): the longest sequence.
        length = std::max(1, encoder.stats.longest);
        data.notes << QStringLiteral("the model takes texts of any length: padded to the longest, %1 ids").arg(length);
    }

    SampleSet all = encoder.encode(*train, trainIds, train->labels, length, data);
    if (validation) {
        data.train = std::move(all);
        data.validation = encoder.encode(*validation, validationIds, validationLabels, length, data);
        data.notes << QStringLiteral("validation samples from %1").arg(validationPath);
    } else {
        const DatasetSplit split = stratifiedSplit(all.labels, source.validationSplit, source.seed);
        data.train = all.subset(split.train);
        data.validation = all.subset(split.validation);
        data.notes << QStringLiteral("validation: a stratified %1 % split (seed %2)")
                          .arg(source.validationSplit * 100.0)
                          .arg(source.seed);
    }
    if (data.train.count() == 0) {
        QString why =
            data.skipped.isEmpty() ? QString() : QStringLiteral(", first: ") + data.skipped.constFirst().reason;
        if (embeddingInputDim > 0 && vocabulary > embeddingInputDim)
            why += QStringLiteral("; the tokenizer's vocabulary has %1 ids, the model's Embedding only %2: is it the "
                                  "tokenizer the model was trained with?")
                       .arg(vocabulary)
                       .arg(embeddingInputDim);
        return makeError(QStringLiteral("%1: no usable texts are left (%2 skipped%3)")
                             .arg(trainPath)
                             .arg(data.skipped.size())
                             .arg(why));
    }

    const TokenStats &stats = encoder.stats;
    const QString kind = tokenizerDisplayName(text.tokenizer);
    data.description = QStringLiteral("%1 ids, %2 per text ('%3' padding, '%4' truncating)")
                           .arg(kind)
                           .arg(length)
                           .arg(sideName(text.padding.padding), sideName(text.padding.truncating));
    const int texts = int(trainIds.size() + validationIds.size());
    if (stats.truncated > 0)
        data.notes << QStringLiteral("%1 of %2 texts have more than %3 tokens (the longest %4) and lose their %5")
                          .arg(stats.truncated)
                          .arg(texts)
                          .arg(length)
                          .arg(stats.longest)
                          .arg(text.padding.truncating == PaddingSide::Pre ? QStringLiteral("start")
                                                                           : QStringLiteral("end"));
    if (stats.tokens > 0 && stats.unknown > 0)
        data.notes << QStringLiteral("%1 % of the tokens are out of the vocabulary (%2 of %3)")
                          .arg(100.0 * double(stats.unknown) / double(stats.tokens), 0, 'f', 1)
                          .arg(stats.unknown)
                          .arg(stats.tokens);
    if (stats.empty > 0)
        data.notes << QStringLiteral("%1 texts have no tokens at all and are only padding").arg(stats.empty);
    return data;
}

} // namespace graft
