#include "core/cli/clioutput.h"
#include "core/cli/command.h"
#include "core/text/sequencepadding.h"
#include "core/text/textfile.h"
#include "core/text/texttokenizer.h"

#include <QCommandLineParser>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstdio>

namespace graft::cli {

namespace {

const QString commandName = QStringLiteral("tokenize");

Expected<QStringList> readStrings(const QString &path)
{
    QByteArray bytes;
    if (path == QLatin1String("-")) {
        QFile input;
        if (!input.open(stdin, QIODevice::ReadOnly))
            return makeError(QStringLiteral("cannot read standard input"));
        bytes = input.read(textlimits::maxJsonInputBytes + 1);
    } else {
        QFile input(path);
        if (!input.open(QIODevice::ReadOnly))
            return makeError(QStringLiteral("cannot open %1: %2").arg(path, input.errorString()));
        bytes = input.read(textlimits::maxJsonInputBytes + 1);
    }
    if (bytes.size() > textlimits::maxJsonInputBytes)
        return makeError(QStringLiteral("%1 is larger than %2 MiB").arg(path).arg(textlimits::maxJsonInputBytes >> 20));

    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(bytes, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        return makeError(QStringLiteral("%1 is not valid JSON at byte %2: %3")
                             .arg(path)
                             .arg(parseError.offset)
                             .arg(parseError.errorString()));
    }
    if (!document.isArray())
        return makeError(
            QStringLiteral("%1 must hold a JSON array of strings, e.g. [\"first text\", \"second\"]").arg(path));
    QStringList strings;
    const QJsonArray array = document.array();
    for (qsizetype i = 0; i < array.size(); ++i) {
        if (!array.at(i).isString())
            return makeError(QStringLiteral("%1: element %2 is not a string; the input is a JSON array of strings")
                                 .arg(path)
                                 .arg(i));
        strings.append(array.at(i).toString());
    }
    return strings;
}

QJsonArray toJson(const QStringList &strings)
{
    QJsonArray array;
    for (const QString &string : strings)
        array.append(string);
    return array;
}

QJsonArray toJson(const QVector<int> &ids)
{
    QJsonArray array;
    for (const int id : ids)
        array.append(id);
    return array;
}

} // namespace

Command tokenizeCommand()
{
    return {commandName, QStringLiteral("Tokenize texts with a BERT or Keras TextVectorization vocabulary"),
            [](const QStringList &arguments) -> int {
                QCommandLineParser parser;
                parser.setApplicationDescription(QStringLiteral(
                    "Reads a JSON array of strings and prints a JSON array of {\"text\", \"tokens\", \"ids\"}, one per "
                    "string, in input order.\n"
                    "wordpiece: Hugging Face bert-base-uncased behaviour (lowercase, accents stripped, punctuation "
                    "split, WordPiece with ##, special tokens in the text kept whole); no [CLS]/[SEP] are added.\n"
                    "textvectorization: Keras TextVectorization defaults (ASCII lowercase, ASCII punctuation "
                    "stripped, split on whitespace); 0 = padding, 1 = [UNK]. The vocabulary file is one token per "
                    "line; if it starts with the lines '' and '[UNK]' (get_vocabulary()), line n is id n, "
                    "otherwise line n is id n + 2. Tokens are the standardized words, also when out of vocabulary.\n"
                    "With --max-len, --padding or --truncating, \"ids\" is padded/truncated like Keras "
                    "pad_sequences(value=0) while \"tokens\" stays unpadded; without --max-len the length is the "
                    "longest sequence of the input."));
                parser.addHelpOption();
                const QCommandLineOption tokenizerOption(
                    QStringLiteral("tokenizer"),
                    QStringLiteral("wordpiece:VOCAB.txt (BERT vocab.txt) or textvectorization:VOCAB.txt (required)."),
                    QStringLiteral("KIND:VOCAB"));
                const QCommandLineOption inputOption(QStringLiteral("json-input"),
                                                     QStringLiteral("JSON file holding an array of strings, '-' for "
                                                                    "standard input (required)."),
                                                     QStringLiteral("STRINGS.json"));
                const QCommandLineOption maxLenOption(QStringLiteral("max-len"),
                                                      QStringLiteral("Pad or truncate every id sequence to N ids."),
                                                      QStringLiteral("N"));
                const QCommandLineOption paddingOption(QStringLiteral("padding"),
                                                       QStringLiteral("Where padding goes: pre (default) or post."),
                                                       QStringLiteral("pre|post"));
                const QCommandLineOption truncatingOption(
                    QStringLiteral("truncating"),
                    QStringLiteral("Which ids are cut from a long sequence: pre (default, keeps the end) or post."),
                    QStringLiteral("pre|post"));
                parser.addOptions({tokenizerOption, inputOption, maxLenOption, paddingOption, truncatingOption});
                if (!parser.parse(QStringList{QStringLiteral("graft-cli tokenize")} + arguments))
                    return fail(commandName, parser.errorText(), 2);
                if (parser.isSet(QStringLiteral("help"))) {
                    out() << parser.helpText();
                    out().flush();
                    return 0;
                }
                if (!parser.positionalArguments().isEmpty())
                    return fail(commandName,
                                QStringLiteral("unexpected argument '%1' (see --help)")
                                    .arg(parser.positionalArguments().constFirst()),
                                2);
                if (!parser.isSet(tokenizerOption) || !parser.isSet(inputOption))
                    return fail(commandName, QStringLiteral("--tokenizer and --json-input are required (see --help)"),
                                2);

                const bool pad =
                    parser.isSet(maxLenOption) || parser.isSet(paddingOption) || parser.isSet(truncatingOption);
                PaddingOptions padding;
                std::optional<int> maxLength;
                if (parser.isSet(maxLenOption)) {
                    bool ok = false;
                    const int value = parser.value(maxLenOption).toInt(&ok);
                    if (!ok || value < 1)
                        return fail(commandName,
                                    QStringLiteral("--max-len must be a positive integer, got '%1'")
                                        .arg(parser.value(maxLenOption)),
                                    2);
                    maxLength = value;
                }
                for (const auto &[option, side] :
                     {std::pair{&paddingOption, &padding.padding}, std::pair{&truncatingOption, &padding.truncating}}) {
                    if (!parser.isSet(*option))
                        continue;
                    const std::optional<PaddingSide> parsed = parsePaddingSide(parser.value(*option));
                    if (!parsed)
                        return fail(commandName,
                                    QStringLiteral("--%1 must be 'pre' or 'post', got '%2'")
                                        .arg(option->names().constFirst(), parser.value(*option)),
                                    2);
                    *side = *parsed;
                }

                const Expected<std::unique_ptr<TextTokenizer>> tokenizer =
                    TextTokenizer::fromSpec(parser.value(tokenizerOption));
                if (!tokenizer)
                    return fail(commandName, tokenizer.errorString());
                const Expected<QStringList> texts = readStrings(parser.value(inputOption));
                if (!texts)
                    return fail(commandName, texts.errorString());

                QVector<TokenizedText> results;
                results.reserve(texts->size());
                QVector<QVector<int>> sequences;
                for (const QString &text : *texts) {
                    results.append((*tokenizer)->tokenize(text));
                    sequences.append(results.constLast().ids);
                }
                if (pad)
                    sequences = padSequences(sequences, maxLength, padding);

                QJsonArray output;
                for (qsizetype i = 0; i < results.size(); ++i) {
                    QJsonObject entry;
                    entry.insert(QStringLiteral("text"), texts->at(i));
                    entry.insert(QStringLiteral("tokens"), toJson(results.at(i).tokens));
                    entry.insert(QStringLiteral("ids"), toJson(sequences.at(i)));
                    output.append(entry);
                }
                out() << QString::fromUtf8(QJsonDocument(output).toJson(QJsonDocument::Indented));
                out().flush();
                return 0;
            }};
}

} // namespace graft::cli
