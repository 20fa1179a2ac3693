// The text path of TrainingDataLoader: CSV/TSV and .txt folders become Embedding ids,
// tokenized, padded and truncated like Keras's pad_sequences, checked against the model.

#include "core/training/textsamples.h"
#include "tests/common/testdata.h"
#include "core/text/texttokenizer.h"
#include "core/training/trainingdata.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace graft;

namespace {

// TextVectorization vocabulary without '' and '[UNK]': line n has id n + 2.
const QStringList words{QStringLiteral("alpha"), QStringLiteral("beta"), QStringLiteral("gamma"),
                        QStringLiteral("delta"), QStringLiteral("eps"),  QStringLiteral("zeta"),
                        QStringLiteral("eta"),   QStringLiteral("theta")};

int idOf(const QString &word)
{
    return int(words.indexOf(word)) + 2;
}

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

std::vector<float> row(const SampleSet &set, int i)
{
    const std::int64_t n = set.sampleSize();
    return {set.values.begin() + i * n, set.values.begin() + (i + 1) * n};
}

std::vector<float> ids(std::initializer_list<int> values)
{
    return std::vector<float>(values.begin(), values.end());
}

QString reasons(const TrainingData &data)
{
    QStringList out;
    for (const DatasetIssue &issue : data.skipped)
        out << issue.path + QStringLiteral(": ") + issue.reason;
    return out.join(QLatin1Char('\n'));
}

/** A model spec with only what the loader looks at: the input and an Embedding's input_dim. */
ModelSpec embeddingModel(std::int64_t length, int inputDim)
{
    ModelSpec model;
    model.inputs.append(ModelInput{QStringLiteral("input_1"), {length}});
    Layer embedding;
    embedding.name = QStringLiteral("embedding");
    embedding.className = QStringLiteral("Embedding");
    embedding.config.insert(QStringLiteral("input_dim"), inputDim);
    model.layers.append(embedding);
    return model;
}

} // namespace

class TestTextSamples final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_vocab = m_dir.filePath(QStringLiteral("vocab.txt"));
        QVERIFY(writeFile(m_vocab, words.join(QLatin1Char('\n')).toUtf8() + '\n'));
    }

    void csvRowsBecomeIds()
    {
        // Quoted fields with the delimiter, doubled quotes and a line break; a short row; an empty label.
        const QString csv = m_dir.filePath(QStringLiteral("rows.csv"));
        QVERIFY(writeFile(csv, "id,text,label\n"
                               "1,\"Alpha, beta!\",first\n"
                               "2,\"gamma \"\"delta\"\"\neps\",second\n"
                               "3,zeta\n"
                               "4,eta theta,\n"
                               "5,unknown words beta,first\n"));
        TrainingDataSource source;
        source.dataPath = csv;
        source.validationSplit = 0.0;
        source.text.tokenizer = QStringLiteral("textvectorization:") + m_vocab;
        auto data = TrainingDataLoader::load(source, Shape{4});
        QVERIFY2(data, qPrintable(data.errorString()));
        QCOMPARE(data->classNames, (QStringList{QStringLiteral("first"), QStringLiteral("second")}));
        QCOMPARE(data->train.shape, (std::vector<std::int64_t>{3, 4}));
        QCOMPARE(data->train.labels, (QVector<int>{0, 1, 0}));
        QCOMPARE(row(data->train, 0), ids({0, 0, idOf("alpha"), idOf("beta")}));
        QCOMPARE(row(data->train, 1), ids({0, idOf("gamma"), idOf("delta"), idOf("eps")}));
        QCOMPARE(row(data->train, 2), ids({0, 1, 1, idOf("beta")})); // out-of-vocabulary words are id 1
        QCOMPARE(data->validation.count(), 0);
        QCOMPARE(data->description,
                 QStringLiteral("TextVectorization ids, 4 per text ('pre' padding, 'pre' truncating)"));
        // The two bad rows, each named by file and line.
        QCOMPARE(data->skipped.size(), 2);
        QCOMPARE(data->skipped[0].path, csv);
        QVERIFY2(data->skipped[0].reason.contains(QLatin1String("line 5")), qPrintable(reasons(*data)));
        QVERIFY2(data->skipped[1].reason.contains(QLatin1String("line 6"))
                     && data->skipped[1].reason.contains(QLatin1String("empty label")),
                 qPrintable(reasons(*data)));
        QVERIFY2(data->notes.join(QLatin1Char('\n')).contains(QLatin1String("out of the vocabulary (2 of 8)")),
                 qPrintable(data->notes.join(QLatin1Char('\n'))));

        // Columns by index, and a TSV.
        const QString tsv = m_dir.filePath(QStringLiteral("rows.tsv"));
        QVERIFY(writeFile(tsv, "label\ttext\nb\tbeta\na\talpha gamma\n"));
        source.dataPath = tsv;
        source.text.textColumn = QStringLiteral("1");
        source.text.labelColumn = QStringLiteral("0");
        data = TrainingDataLoader::load(source, Shape{2});
        QVERIFY2(data, qPrintable(data.errorString()));
        QCOMPARE(data->classNames, (QStringList{QStringLiteral("a"), QStringLiteral("b")}));
        QCOMPARE(data->train.labels, (QVector<int>{1, 0}));
        QCOMPARE(row(data->train, 1), ids({idOf("alpha"), idOf("gamma")}));
    }

    void paddingAndTruncating_data()
    {
        QTest::addColumn<QString>("padding");
        QTest::addColumn<QString>("truncating");
        QTest::addColumn<std::vector<float>>("longRow");
        QTest::addColumn<std::vector<float>>("shortRow");
        const int a = idOf("alpha"), b = idOf("beta"), g = idOf("gamma"), d = idOf("delta"), e = idOf("eps"),
                  z = idOf("zeta");
        QTest::newRow("pre/pre") << "pre"
                                 << "pre" << ids({b, g, d, e, z}) << ids({0, 0, 0, a, b});
        QTest::newRow("pre/post") << "pre"
                                  << "post" << ids({a, b, g, d, e}) << ids({0, 0, 0, a, b});
        QTest::newRow("post/pre") << "post"
                                  << "pre" << ids({b, g, d, e, z}) << ids({a, b, 0, 0, 0});
        QTest::newRow("post/post") << "post"
                                   << "post" << ids({a, b, g, d, e}) << ids({a, b, 0, 0, 0});
    }

    void paddingAndTruncating()
    {
        QFETCH(QString, padding);
        QFETCH(QString, truncating);
        QFETCH(std::vector<float>, longRow);
        QFETCH(std::vector<float>, shortRow);
        const QString csv = m_dir.filePath(QStringLiteral("lengths.csv"));
        QVERIFY(writeFile(csv, "text,label\nalpha beta gamma delta eps zeta,x\nalpha beta,y\n"));
        TrainingDataSource source;
        source.dataPath = csv;
        source.validationSplit = 0.0;
        source.text.tokenizer = QStringLiteral("textvectorization:") + m_vocab;
        source.text.padding.padding = *parsePaddingSide(padding);
        source.text.padding.truncating = *parsePaddingSide(truncating);
        source.text.maxLength = 5; // the model takes any length: maxLength decides
        auto data = TrainingDataLoader::load(source, Shape{-1});
        QVERIFY2(data, qPrintable(data.errorString()));
        QCOMPARE(row(data->train, 0), longRow);
        QCOMPARE(row(data->train, 1), shortRow);
        QCOMPARE(data->description, QStringLiteral("TextVectorization ids, 5 per text ('%1' padding, '%2' truncating)")
                                        .arg(padding, truncating));
        QVERIFY2(data->notes.join(QLatin1Char('\n')).contains(QLatin1String("1 of 2 texts have more than 5 tokens")),
                 qPrintable(data->notes.join(QLatin1Char('\n'))));

        // Without maxLength and with a model of any length: the longest text, as pad_sequences(maxlen=None).
        source.text.maxLength = 0;
        data = TrainingDataLoader::load(source, Shape{-1});
        QVERIFY2(data, qPrintable(data.errorString()));
        QCOMPARE(data->train.shape, (std::vector<std::int64_t>{2, 6}));
    }

    void folderOfTxtWithSplit()
    {
        const QString root = m_dir.filePath(QStringLiteral("folder"));
        for (int i = 0; i < 10; ++i) {
            QVERIFY(writeFile(QStringLiteral("%1/neg/%2.txt").arg(root).arg(i),
                              QStringLiteral("alpha %1").arg(words[i % 8]).toUtf8()));
            QVERIFY(writeFile(QStringLiteral("%1/pos/sub/%2.txt").arg(root).arg(i),
                              QStringLiteral("beta %1 gamma").arg(words[i % 8]).toUtf8()));
        }
        QVERIFY(writeFile(root + QStringLiteral("/pos/empty.txt"), "  \n"));
        QVERIFY(writeFile(root + QStringLiteral("/pos/notes.md"), "not a sample"));
        TrainingDataSource source;
        source.dataPath = root;
        source.validationSplit = 0.3;
        source.seed = 7;
        source.text.tokenizer = QStringLiteral("textvectorization:") + m_vocab;
        auto data = TrainingDataLoader::load(source, Shape{3});
        QVERIFY2(data, qPrintable(data.errorString()));
        QCOMPARE(data->classNames, (QStringList{QStringLiteral("neg"), QStringLiteral("pos")}));
        QCOMPARE(data->train.count(), 14);
        QCOMPARE(data->validation.count(), 6);
        QCOMPARE(data->validation.labels.count(0), 3); // stratified: 30 % of each class
        QCOMPARE(data->validation.labels.count(1), 3);
        QCOMPARE(data->skipped.size(), 1);
        QVERIFY(data->skipped[0].path.endsWith(QLatin1String("empty.txt")));
        // Every "pos" text is beta … gamma, padded 'pre' to 3: a row of the class's own words.
        for (int i = 0; i < data->validation.count(); ++i) {
            const std::vector<float> r = row(data->validation, i);
            QCOMPARE(r.front(), float(data->validation.labels[i] == 1 ? idOf("beta") : 0));
        }
        // The same seed gives the same split; another seed another.
        auto again = TrainingDataLoader::load(source, Shape{3});
        QVERIFY(again);
        QCOMPARE(again->validation.values, data->validation.values);
        source.seed = 8;
        auto other = TrainingDataLoader::load(source, Shape{3});
        QVERIFY(other);
        QVERIFY(other->validation.values != data->validation.values);

        // train/ and val/ folders: validation from val/.
        const QString split = m_dir.filePath(QStringLiteral("split"));
        QVERIFY(writeFile(split + QStringLiteral("/train/a/1.txt"), "alpha"));
        QVERIFY(writeFile(split + QStringLiteral("/train/b/1.txt"), "beta"));
        QVERIFY(writeFile(split + QStringLiteral("/val/b/1.txt"), "beta beta"));
        source.dataPath = split;
        data = TrainingDataLoader::load(source, Shape{2});
        QVERIFY2(data, qPrintable(data.errorString()));
        QCOMPARE(data->train.count(), 2);
        QCOMPARE(data->validation.labels, QVector<int>{1});
        QCOMPARE(row(data->validation, 0), ids({idOf("beta"), idOf("beta")}));
    }

    void validationTableMatchedByName()
    {
        const QString train = m_dir.filePath(QStringLiteral("train.csv"));
        const QString validation = m_dir.filePath(QStringLiteral("val.csv"));
        QVERIFY(writeFile(train, "text,label\nalpha,a\nbeta,b\ngamma,c\n"));
        QVERIFY(writeFile(validation, "text,label\ngamma gamma,c\nalpha alpha,a\n"));
        TrainingDataSource source;
        source.dataPath = train;
        source.validationPath = validation;
        source.text.tokenizer = QStringLiteral("textvectorization:") + m_vocab;
        auto data = TrainingDataLoader::load(source, Shape{2});
        QVERIFY2(data, qPrintable(data.errorString()));
        QCOMPARE(data->train.count(), 3);
        QCOMPARE(data->validation.labels, (QVector<int>{2, 0})); // "c" and "a" of the training classes
        QVERIFY(data->notes.join(QLatin1Char('\n')).contains(QLatin1String("has no samples of b")));

        QVERIFY(writeFile(validation, "text,label\nalpha,a\ndelta,d\n"));
        data = TrainingDataLoader::load(source, Shape{2});
        QVERIFY(!data);
        QVERIFY2(data.errorString().contains(validation) && data.errorString().contains(QLatin1String("\"d\"")),
                 qPrintable(data.errorString()));
    }

    void idsBeyondTheEmbeddingAreSkipped()
    {
        // The vocabulary has ids 0..9; the model's Embedding only 0..5.
        const QString csv = m_dir.filePath(QStringLiteral("oov.csv"));
        QVERIFY(writeFile(csv, "text,label\nalpha beta,x\nalpha theta,y\nnothing known,x\nbeta gamma,y\n"));
        TrainingDataSource source;
        source.dataPath = csv;
        source.validationSplit = 0.0;
        source.text.tokenizer = QStringLiteral("textvectorization:") + m_vocab;
        auto data = TrainingDataLoader::load(source, embeddingModel(2, 6));
        QVERIFY2(data, qPrintable(data.errorString()));
        QCOMPARE(data->train.count(), 3);
        QCOMPARE(row(data->train, 1), ids({1, 1}));
        QCOMPARE(data->skipped.size(), 1);
        QCOMPARE(data->skipped[0].path, csv);
        QVERIFY2(data->skipped[0].reason.contains(QLatin1String("line 3"))
                     && data->skipped[0].reason.contains(QLatin1String("\"theta\""))
                     && data->skipped[0].reason.contains(QLatin1String("input_dim 6")),
                 qPrintable(reasons(*data)));
        QVERIFY(data->notes.join(QLatin1Char('\n'))
                    .contains(QLatin1String("has 10 ids but the model's Embedding takes 6")));

        // Without a model, the vocabulary bounds the ids: nothing is skipped.
        data = TrainingDataLoader::load(source, Shape{2});
        QVERIFY2(data, qPrintable(data.errorString()));
        QCOMPARE(data->train.count(), 4);
        QCOMPARE(TextSampleLoader::embeddingInputDim(embeddingModel(2, 6)), 6);
    }

    void wordPieceIds()
    {
        const QString vocab = graft::testing::dataPath(QStringLiteral("text/bert-base-uncased-vocab.txt"));
        if (!QFileInfo::exists(vocab))
            QSKIP("the bert-base-uncased vocabulary is not in the fixtures");
        auto tokenizer = TextTokenizer::fromSpec(QStringLiteral("wordpiece:") + vocab);
        QVERIFY2(tokenizer, qPrintable(tokenizer.errorString()));
        const QString csv = m_dir.filePath(QStringLiteral("titles.csv"));
        const QStringList texts{QStringLiteral("Stainless steel water bottle, 750 ml"),
                                QStringLiteral("Café crème: unaffordable 🙂 headphones"), QStringLiteral("Résumé")};
        QVERIFY(writeFile(csv, QStringLiteral("title;category\n%1;kitchen\n\"%2\";audio\n%3;office\n")
                                   .arg(texts[0], texts[1], texts[2])
                                   .toUtf8()));
        TrainingDataSource source;
        source.dataPath = csv;
        source.validationSplit = 0.0;
        source.text.tokenizer = QStringLiteral("wordpiece:") + vocab;
        source.text.textColumn = QStringLiteral("title");
        source.text.labelColumn = QStringLiteral("category");
        source.text.padding.padding = PaddingSide::Post;
        auto data = TrainingDataLoader::load(source, embeddingModel(8, 30522));
        QVERIFY2(data, qPrintable(data.errorString() + reasons(*data)));
        QCOMPARE(data->train.count(), 3);
        QCOMPARE(data->description, QStringLiteral("WordPiece ids, 8 per text ('post' padding, 'pre' truncating)"));
        for (int i = 0; i < texts.size(); ++i) {
            const QVector<int> expected = padSequence((*tokenizer)->tokenize(texts[i]).ids, 8, source.text.padding);
            QCOMPARE(row(data->train, i), std::vector<float>(expected.cbegin(), expected.cend()));
        }
        // The emoji is [UNK]: one unknown token among them all.
        QVERIFY2(data->notes.join(QLatin1Char('\n')).contains(QLatin1String("out of the vocabulary (1 of")),
                 qPrintable(data->notes.join(QLatin1Char('\n'))));

        // A model with a smaller vocabulary than bert-base-uncased: its ids do not fit, and the error says why.
        data = TrainingDataLoader::load(source, embeddingModel(8, 1000));
        QVERIFY(!data);
        QVERIFY2(data.errorString().contains(QLatin1String("30522"))
                     && data.errorString().contains(QLatin1String("1000")),
                 qPrintable(data.errorString()));
    }

    void errorsNameTheProblem()
    {
        const QString csv = m_dir.filePath(QStringLiteral("plain.csv"));
        QVERIFY(writeFile(csv, "sentence,label\nalpha,x\nbeta,y\n"));
        TrainingDataSource source;
        source.dataPath = csv;
        source.text.tokenizer = QStringLiteral("textvectorization:") + m_vocab;
        auto data = TrainingDataLoader::load(source, Shape{4});
        QVERIFY(!data);
        QVERIFY2(data.errorString().contains(csv) && data.errorString().contains(QLatin1String("sentence")),
                 qPrintable(data.errorString()));

        source.text.textColumn = QStringLiteral("sentence");
        data = TrainingDataLoader::load(source, Shape{40, 87, 1});
        QVERIFY(!data);
        QVERIFY2(data.errorString().contains(QLatin1String("(40, 87, 1)")), qPrintable(data.errorString()));

        source.text.maxLength = 8;
        data = TrainingDataLoader::load(source, Shape{4});
        QVERIFY(!data);
        QVERIFY2(data.errorString().contains(QLatin1String("8")) && data.errorString().contains(QLatin1String("4")),
                 qPrintable(data.errorString()));

        source.text.maxLength = 0;
        source.text.tokenizer = QStringLiteral("sentencepiece:") + m_vocab;
        data = TrainingDataLoader::load(source, Shape{4});
        QVERIFY(!data);
        QVERIFY2(data.errorString().contains(QLatin1String("sentencepiece")), qPrintable(data.errorString()));

        source.text.tokenizer = QStringLiteral("textvectorization:") + m_dir.filePath(QStringLiteral("missing.txt"));
        data = TrainingDataLoader::load(source, Shape{4});
        QVERIFY(!data);
        QVERIFY2(data.errorString().contains(QLatin1String("missing.txt")), qPrintable(data.errorString()));

        // Token-id arrays take no tokenizer.
        source.text.tokenizer = QStringLiteral("textvectorization:") + m_vocab;
        source.dataPath.clear();
        source.featuresPath = m_dir.filePath(QStringLiteral("X.npy"));
        source.labelsPath = m_dir.filePath(QStringLiteral("y.npy"));
        data = TrainingDataLoader::load(source, Shape{4});
        QVERIFY(!data);
        QVERIFY2(data.errorString().contains(QLatin1String("tokenizer")), qPrintable(data.errorString()));
    }

private:
    QTemporaryDir m_dir;
    QString m_vocab;
};

GRAFT_TEST_APPLESS_MAIN(TestTextSamples)
#include "tst_textsamples.moc"
