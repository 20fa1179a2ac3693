// A text classifier grown from 3 to 3 + 5 classes through graft-cli, the way issue 10's user
// does it: Embedding → BiLSTM → BatchNormalization → BiLSTM → Dense(softmax), built and trained
// by Graft itself on generated texts (TextVectorization vocabulary), saved as a Keras .h5, then
// fine-tuned with the text options. The old output rows start bit for bit as they were, the old
// classes stay accurate, the new ones are learned, and the exported file is one Keras can load.

#include "core/formats/kerasfileloader.h"
#include "core/training/modelevaluator.h"
#include "core/training/trainingdata.h"
#include "tests/core/export/exporttesthelpers.h"
#include "tests/core/training/trainingtestmodels.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <random>

using namespace graft;
using namespace graft::testmodels;

namespace {

const QStringList oldClasses{QStringLiteral("books"), QStringLiteral("music"), QStringLiteral("tools")};
const QStringList newClasses{QStringLiteral("food"), QStringLiteral("games"), QStringLiteral("garden"),
                             QStringLiteral("sports"), QStringLiteral("toys")};
constexpr int keywordsPerClass = 4;
constexpr int fillerWords = 16;
constexpr int sequenceLength = 12;

struct CliResult
{
    int exitCode = -1;
    QString out;
    QString err;
};

CliResult runCli(const QStringList &arguments)
{
    // graft-cli writes into existing folders only.
    for (int i = 0; i + 1 < arguments.size(); ++i)
        if (arguments[i] == QLatin1String("--out"))
            QDir().mkpath(QFileInfo(arguments[i + 1]).absolutePath());
    QProcess process;
    process.start(QStringLiteral(GRAFT_CLI_PATH), arguments);
    CliResult result;
    if (!process.waitForFinished(300000))
        return result;
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    result.out = QString::fromUtf8(process.readAllStandardOutput());
    result.err = QString::fromUtf8(process.readAllStandardError());
    if (result.exitCode != 0) // QTest shortens failure messages; the whole output helps
        qWarning("graft-cli %s exited with %d:\n%s", qPrintable(arguments.join(QLatin1Char(' '))), result.exitCode,
                 qPrintable(result.err));
    return result;
}

QString keyword(int classIndex, int j)
{
    return QStringLiteral("k%1w%2").arg(classIndex).arg(j);
}

QString filler(int j)
{
    return QStringLiteral("filler%1").arg(j);
}

/** All 8 classes' keywords and the shared fillers: ids 2..49 of a 50-id TextVectorization vocabulary. */
QStringList vocabulary()
{
    QStringList words;
    for (int c = 0; c < oldClasses.size() + newClasses.size(); ++c)
        for (int j = 0; j < keywordsPerClass; ++j)
            words << keyword(c, j);
    for (int j = 0; j < fillerWords; ++j)
        words << filler(j);
    return words;
}

/**
 * `perClass` texts of each class in `classes` (keywords indexed by position in oldClasses +
 * newClasses): 6–12 words, two or three of them the class's keywords, the rest fillers, some
 * capitalized or with punctuation that TextVectorization strips. A CSV with quoted texts.
 */
QByteArray textTable(const QStringList &classes, int perClass, unsigned seed)
{
    const QStringList all = oldClasses + newClasses;
    std::mt19937 random(seed);
    QByteArray csv = "text,label\n";
    for (int i = 0; i < perClass; ++i) {
        for (const QString &name : classes) {
            const int c = int(all.indexOf(name));
            const int length = 6 + int(random() % 7);
            const int keywords = 2 + int(random() % 2);
            QStringList words;
            for (int k = 0; k < length; ++k)
                words << (k < keywords ? keyword(c, int(random() % keywordsPerClass))
                                       : filler(int(random() % fillerWords)));
            std::shuffle(words.begin(), words.end(), random);
            if (random() % 3 == 0)
                words.front()[0] = words.front()[0].toUpper();
            if (random() % 4 == 0)
                words.back() += QStringLiteral("!");
            QString text = words.join(QLatin1Char(' '));
            if (random() % 5 == 0)
                text.insert(text.indexOf(QLatin1Char(' ')), QLatin1Char(',')); // a comma: the field must be quoted
            csv += '"' + text.toUtf8() + "\"," + name.toUtf8() + '\n';
        }
    }
    return csv;
}

/** Embedding(50, 16) → BiLSTM(8, sequences) → BatchNormalization → BiLSTM(8) → Dense(classes, softmax), as tf.keras writes it. */
QJsonObject textModelJson(int vocabularySize, int classes)
{
    const auto lstm = [](const QString &name, bool sequences) {
        return QJsonObject{
            {QStringLiteral("class_name"), QStringLiteral("LSTM")},
            {QStringLiteral("config"),
             QJsonObject{{QStringLiteral("name"), name},
                         {QStringLiteral("trainable"), true},
                         {QStringLiteral("units"), 8},
                         {QStringLiteral("activation"), QStringLiteral("tanh")},
                         {QStringLiteral("recurrent_activation"), QStringLiteral("sigmoid")},
                         {QStringLiteral("use_bias"), true},
                         {QStringLiteral("kernel_initializer"), initializer(QStringLiteral("GlorotUniform"))},
                         {QStringLiteral("recurrent_initializer"), initializer(QStringLiteral("Orthogonal"))},
                         {QStringLiteral("bias_initializer"), initializer(QStringLiteral("Zeros"))},
                         {QStringLiteral("unit_forget_bias"), true},
                         {QStringLiteral("dropout"), 0.0},
                         {QStringLiteral("recurrent_dropout"), 0.0},
                         {QStringLiteral("return_sequences"), sequences},
                         {QStringLiteral("return_state"), false},
                         {QStringLiteral("go_backwards"), false},
                         {QStringLiteral("stateful"), false},
                         {QStringLiteral("unroll"), false},
                         {QStringLiteral("implementation"), 2}}}};
    };
    const auto bidirectional = [&](const QString &name, const QString &inner, bool sequences) {
        return QJsonObject{{QStringLiteral("name"), name},
                           {QStringLiteral("layer"), lstm(inner, sequences)},
                           {QStringLiteral("merge_mode"), QStringLiteral("concat")}};
    };
    const QJsonObject embedding{
        {QStringLiteral("name"), QStringLiteral("embedding")},
        {QStringLiteral("input_dim"), vocabularySize},
        {QStringLiteral("output_dim"), 16},
        {QStringLiteral("embeddings_initializer"),
         QJsonObject{{QStringLiteral("class_name"), QStringLiteral("RandomUniform")},
                     {QStringLiteral("config"),
                      QJsonObject{{QStringLiteral("minval"), -0.05}, {QStringLiteral("maxval"), 0.05}}}}},
        {QStringLiteral("mask_zero"), false},
        {QStringLiteral("input_length"), sequenceLength}};
    return chainModelJson(
        {sequenceLength},
        {{QStringLiteral("Embedding"), embedding},
         {QStringLiteral("Bidirectional"),
          bidirectional(QStringLiteral("bidirectional"), QStringLiteral("lstm"), true)},
         {QStringLiteral("BatchNormalization"), batchNormConfig(QStringLiteral("batch_normalization"))},
         {QStringLiteral("Bidirectional"),
          bidirectional(QStringLiteral("bidirectional_1"), QStringLiteral("lstm_1"), false)},
         {QStringLiteral("Dense"), denseConfig(QStringLiteral("dense"), classes, QStringLiteral("softmax"))}});
}

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

QStringList linesOf(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
}

/** Column `c` of a (rows, columns) kernel. */
std::vector<float> column(const TensorData &kernel, int c)
{
    std::vector<float> out;
    const std::int64_t columns = kernel.shape.at(1);
    for (std::int64_t r = 0; r < kernel.shape.at(0); ++r)
        out.push_back(kernel.values.at(std::size_t(r * columns + c)));
    return out;
}

} // namespace

class TestCliTextFinetune final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void datasetReportsTextTables();
    void growsFromThreeToEightClasses();

private:
    QStringList textOptions() const
    {
        return {QStringLiteral("--tokenizer"),    QStringLiteral("textvectorization:") + m_vocab,
                QStringLiteral("--text-column"),  QStringLiteral("text"),
                QStringLiteral("--label-column"), QStringLiteral("label")};
    }
    /** Accuracy per class of `model` on the held-out texts, the texts read the way finetune reads them. */
    Expected<ClassificationReport> heldOutReport(const LoadedModel &model, const QStringList &classes) const;

    QTemporaryDir m_dir;
    QString m_vocab;
    QString m_oldData;
    QString m_newData;
    QString m_heldOut;
};

void TestCliTextFinetune::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_vocab = m_dir.filePath(QStringLiteral("vocab.txt"));
    m_oldData = m_dir.filePath(QStringLiteral("old.csv"));
    m_newData = m_dir.filePath(QStringLiteral("new.csv"));
    m_heldOut = m_dir.filePath(QStringLiteral("heldout.csv"));
    QVERIFY(writeFile(m_vocab, vocabulary().join(QLatin1Char('\n')).toUtf8() + '\n'));
    QVERIFY(writeFile(m_oldData, textTable(oldClasses, 50, 1)));
    QVERIFY(writeFile(m_newData, textTable(oldClasses + newClasses, 40, 2)));
    QVERIFY(writeFile(m_heldOut, textTable(oldClasses + newClasses, 20, 3)));
}

Expected<ClassificationReport> TestCliTextFinetune::heldOutReport(const LoadedModel &model,
                                                                  const QStringList &classes) const
{
    TrainingDataSource source;
    source.dataPath = m_heldOut;
    source.validationSplit = 0.0;
    source.text.tokenizer = QStringLiteral("textvectorization:") + m_vocab;
    auto data = TrainingDataLoader::load(source, model.model);
    if (!data)
        return data.error();
    if (data->classNames != classes)
        return makeError(QStringLiteral("held-out classes %1").arg(data->classNames.join(QLatin1Char(','))));
    return ModelEvaluator::evaluate(model.model, model.kerasVersion, data->train, int(classes.size()));
}

void TestCliTextFinetune::datasetReportsTextTables()
{
    const QString csv = m_dir.filePath(QStringLiteral("report.csv"));
    QVERIFY(writeFile(
        csv,
        "id,text,label\n1,\"k0w1, filler2\nfiller3\",books\n2,k1w0 unknownword,music\n3,k1w2\n4,k1w3 filler1,music\n"));
    CliResult r = runCli({QStringLiteral("dataset"), csv, QStringLiteral("--tokenizer"),
                          QStringLiteral("textvectorization:") + m_vocab, QStringLiteral("--max-len"),
                          QStringLiteral("2"), QStringLiteral("--json")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err.right(1500)));
    const QJsonObject report = QJsonDocument::fromJson(r.out.toUtf8()).object();
    QCOMPARE(report.value(QStringLiteral("kind")).toString(), QStringLiteral("text"));
    QCOMPARE(report.value(QStringLiteral("samples")).toInt(), 3);
    const QJsonArray classes = report.value(QStringLiteral("classes")).toArray();
    QCOMPARE(classes.size(), 2);
    QCOMPARE(classes[0].toObject().value(QStringLiteral("name")).toString(), QStringLiteral("books"));
    QCOMPARE(classes[1].toObject().value(QStringLiteral("count")).toInt(), 2);
    const QJsonArray bad = report.value(QStringLiteral("bad_files")).toArray();
    QCOMPARE(bad.size(), 1);
    QCOMPARE(bad[0].toObject().value(QStringLiteral("line")).toInt(), 5); // the record after a two-line text
    QCOMPARE(bad[0].toObject().value(QStringLiteral("file")).toString(), csv);
    const QJsonObject tokens = report.value(QStringLiteral("tokens")).toObject();
    QCOMPARE(tokens.value(QStringLiteral("vocabulary_size")).toInt(), 50);
    QCOMPARE(tokens.value(QStringLiteral("longest")).toInt(), 3);
    QCOMPARE(tokens.value(QStringLiteral("unknown_tokens")).toInt(), 1);
    QCOMPARE(tokens.value(QStringLiteral("truncated_texts")).toInt(), 1);

    // A folder of class folders of .txt files is recognized without options; the text report names the classes.
    const QString folder = m_dir.filePath(QStringLiteral("txt"));
    QVERIFY(writeFile(folder + QStringLiteral("/neg/a.txt"), "k0w1 filler1"));
    QVERIFY(writeFile(folder + QStringLiteral("/pos/b.txt"), "k1w1"));
    QVERIFY(writeFile(folder + QStringLiteral("/pos/c.txt"), ""));
    r = runCli({QStringLiteral("dataset"), folder});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err.right(1500)));
    QVERIFY2(r.out.contains(QLatin1String("class folders of .txt files")) && r.out.contains(QLatin1String("neg"))
                 && r.out.contains(QLatin1String("c.txt")),
             qPrintable(r.out));

    // A missing column is an error naming the file and the columns there are.
    r = runCli({QStringLiteral("dataset"), csv, QStringLiteral("--text-column"), QStringLiteral("body")});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains(csv) && r.err.contains(QLatin1String("body"))
                 && r.err.contains(QLatin1String("id, text, label")),
             qPrintable(r.err));
}

void TestCliTextFinetune::growsFromThreeToEightClasses()
{
    QElapsedTimer clock;
    clock.start();
    const QString arch = m_dir.filePath(QStringLiteral("text_model.json"));
    QVERIFY(writeFile(arch, QJsonDocument(textModelJson(vocabulary().size() + 2, int(oldClasses.size()))).toJson()));

    // 1. The user's old model: trained by Graft from the architecture on the 3 old classes.
    const QString base = m_dir.filePath(QStringLiteral("base/base.h5"));
    CliResult r = runCli(
        QStringList{QStringLiteral("finetune"), arch, QStringLiteral("--data"), m_oldData} + textOptions()
        + QStringList{QStringLiteral("--head"), QStringLiteral("random"), QStringLiteral("--train"),
                      QStringLiteral("all"), QStringLiteral("--epochs"), QStringLiteral("12"),
                      QStringLiteral("--batch"), QStringLiteral("16"), QStringLiteral("--lr"), QStringLiteral("0.005"),
                      QStringLiteral("--seed"), QStringLiteral("1"), QStringLiteral("--out"), base});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err.right(1500)));
    QVERIFY2(r.err.contains(QLatin1String("TextVectorization ids, 12 per text ('pre' padding, 'pre' truncating)")),
             qPrintable(r.err));
    QCOMPARE(linesOf(m_dir.filePath(QStringLiteral("base/base.labels.txt"))), oldClasses);
    auto baseModel = KerasFileLoader::load(base);
    QVERIFY2(baseModel, qPrintable(baseModel.errorString()));
    QVERIFY2(baseModel->hasArchitecture, "base.json should be written beside base.h5");
    const double baseSeconds = clock.elapsed() / 1000.0;

    // 2. Remapped to 8 classes without training: the old rows bit for bit, the new ones zero.
    const QString zero = m_dir.filePath(QStringLiteral("zero/zero.h5"));
    r = runCli(QStringList{QStringLiteral("finetune"), base, QStringLiteral("--data"), m_newData} + textOptions()
               + QStringList{QStringLiteral("--head"), QStringLiteral("copy"), QStringLiteral("--epochs"),
                             QStringLiteral("0"), QStringLiteral("--out"), zero});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err.right(1500)));
    auto zeroModel = KerasFileLoader::load(zero);
    QVERIFY2(zeroModel, qPrintable(zeroModel.errorString()));
    QStringList allClasses = oldClasses + newClasses;
    std::sort(allClasses.begin(), allClasses.end());
    QCOMPARE(zeroModel->classNames, allClasses);
    const Layer *oldDense = baseModel->model.layer(QStringLiteral("dense"));
    const Layer *newDense = zeroModel->model.layer(QStringLiteral("dense"));
    QVERIFY(oldDense && newDense);
    QCOMPARE(newDense->weight(QStringLiteral("kernel"))->tensor.shape, (std::vector<std::int64_t>{16, 8}));
    const TensorData &oldKernel = oldDense->weight(QStringLiteral("kernel"))->tensor;
    const TensorData &newKernel = newDense->weight(QStringLiteral("kernel"))->tensor;
    const std::vector<float> &oldBias = oldDense->weight(QStringLiteral("bias"))->tensor.values;
    const std::vector<float> &newBias = newDense->weight(QStringLiteral("bias"))->tensor.values;
    for (int c = 0; c < allClasses.size(); ++c) {
        const int old = int(oldClasses.indexOf(allClasses[c]));
        if (old >= 0) {
            QVERIFY2(column(newKernel, c) == column(oldKernel, old)
                         && newBias[std::size_t(c)] == oldBias[std::size_t(old)],
                     qPrintable(QStringLiteral("old class %1's row changed").arg(allClasses[c])));
        } else {
            const std::vector<float> zeros(16, 0.0f);
            QVERIFY2(column(newKernel, c) == zeros && newBias[std::size_t(c)] == 0.0f, qPrintable(allClasses[c]));
        }
    }
    for (const QString &layer : {QStringLiteral("embedding"), QStringLiteral("bidirectional"),
                                 QStringLiteral("batch_normalization"), QStringLiteral("bidirectional_1")})
        QVERIFY2(weightsOf(zeroModel->model, layer) == weightsOf(baseModel->model, layer)
                     && !weightsOf(baseModel->model, layer).empty(),
                 qPrintable(layer));

    // The padding options reach the data; wrong ones are refused before any work.
    r = runCli(QStringList{QStringLiteral("finetune"), base, QStringLiteral("--data"), m_newData} + textOptions()
               + QStringList{QStringLiteral("--padding"), QStringLiteral("post"), QStringLiteral("--truncating"),
                             QStringLiteral("post"), QStringLiteral("--max-len"), QStringLiteral("12"),
                             QStringLiteral("--epochs"), QStringLiteral("0"), QStringLiteral("--out"),
                             m_dir.filePath(QStringLiteral("post/post.h5"))});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err.right(1500)));
    QVERIFY2(r.err.contains(QLatin1String("TextVectorization ids, 12 per text ('post' padding, 'post' truncating)")),
             qPrintable(r.err));
    r = runCli(QStringList{QStringLiteral("finetune"), base, QStringLiteral("--data"), m_newData} + textOptions()
               + QStringList{QStringLiteral("--max-len"), QStringLiteral("20"), QStringLiteral("--out"),
                             m_dir.filePath(QStringLiteral("bad/a.h5"))});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains(QLatin1String("20")) && r.err.contains(QLatin1String("(12,)")), qPrintable(r.err));
    r = runCli({QStringLiteral("finetune"), base, QStringLiteral("--data"), m_newData, QStringLiteral("--out"),
                m_dir.filePath(QStringLiteral("bad/b.h5"))});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QLatin1String("--tokenizer")), qPrintable(r.err));
    r = runCli(QStringList{QStringLiteral("finetune"), base, QStringLiteral("--data"), m_newData} + textOptions()
               + QStringList{QStringLiteral("--padding"), QStringLiteral("middle"), QStringLiteral("--out"),
                             m_dir.filePath(QStringLiteral("bad/c.h5"))});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QLatin1String("--padding")), qPrintable(r.err));
    QVERIFY(!QFileInfo::exists(m_dir.filePath(QStringLiteral("bad/a.h5"))));

    // 3. Fine-tuned: every layer trains, the new rows start at zero.
    const QString tuned = m_dir.filePath(QStringLiteral("tuned/tuned.h5"));
    r = runCli(QStringList{QStringLiteral("finetune"), base, QStringLiteral("--data"), m_newData} + textOptions()
               + QStringList{QStringLiteral("--head"), QStringLiteral("copy"), QStringLiteral("--train"),
                             QStringLiteral("all"), QStringLiteral("--epochs"), QStringLiteral("16"),
                             QStringLiteral("--batch"), QStringLiteral("16"), QStringLiteral("--lr"),
                             QStringLiteral("0.01"), QStringLiteral("--seed"), QStringLiteral("2"),
                             QStringLiteral("--out"), tuned});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err.right(1500)));
    auto tunedModel = KerasFileLoader::load(tuned);
    QVERIFY2(tunedModel, qPrintable(tunedModel.errorString()));
    QCOMPARE(tunedModel->classNames, allClasses);
    QVERIFY(weightsOf(tunedModel->model, QStringLiteral("bidirectional"))
            != weightsOf(baseModel->model, QStringLiteral("bidirectional")));

    // Old classes kept, new ones learned, on texts no run has seen; the old model as the reference.
    auto before = heldOutReport(*zeroModel, allClasses);
    QVERIFY2(before, qPrintable(before.errorString()));
    auto after = heldOutReport(*tunedModel, allClasses);
    QVERIFY2(after, qPrintable(after.errorString()));
    double oldBefore = 0, oldAfter = 0, newAfter = 0, newBefore = 0;
    for (int c = 0; c < allClasses.size(); ++c) {
        const bool isOld = oldClasses.contains(allClasses[c]);
        (isOld ? oldBefore : newBefore) += before->perClassAccuracy[c];
        (isOld ? oldAfter : newAfter) += after->perClassAccuracy[c];
    }
    oldBefore /= oldClasses.size();
    oldAfter /= oldClasses.size();
    newBefore /= newClasses.size();
    newAfter /= newClasses.size();
    qInfo("held-out accuracy: old classes %.3f before, %.3f after; new classes %.3f before, %.3f after (%.1f s so far, "
          "base model %.1f s)",
          oldBefore, oldAfter, newBefore, newAfter, clock.elapsed() / 1000.0, baseSeconds);
    QVERIFY2(oldBefore >= 0.9, qPrintable(QStringLiteral("the base model itself is not accurate: %1").arg(oldBefore)));
    // Zero rows know nothing: at most chance among the 5 tied new classes.
    QVERIFY2(newBefore <= 0.2 + 1e-9, qPrintable(QString::number(newBefore)));
    QVERIFY2(oldAfter >= 0.8, qPrintable(QString::number(oldAfter)));
    QVERIFY2(newAfter >= 0.8, qPrintable(QString::number(newAfter)));

    // 4. The exported file has the layout Keras's load_weights() reads.
    if (QFileInfo::exists(QStringLiteral("/usr/bin/python3"))) {
        const QString expectation = m_dir.filePath(QStringLiteral("tuned/expectation.json.txt"));
        QVERIFY(writeFile(expectation, exporttest::expectationJson(*tunedModel, QStringLiteral("keras2-weights"))));
        QString output;
        const int code = exporttest::runPython(
            {exporttest::checkerScript(), tuned, expectation, exporttest::dataDirsArgument()}, &output);
        if (code != 0 && output.contains(QLatin1String("No module named")))
            qWarning("h5py is missing: the Keras layout of %s is not checked", qPrintable(tuned));
        else
            QVERIFY2(code == 0, qPrintable(output));
    }

    // 5. Training continues where it left off: epochs 16 and 17, the earlier history kept in front; a Keras 3 file this time.
    const QString continued = m_dir.filePath(QStringLiteral("cont/cont.keras"));
    r = runCli(QStringList{QStringLiteral("finetune"), tuned, QStringLiteral("--data"), m_newData} + textOptions()
               + QStringList{QStringLiteral("--head"), QStringLiteral("copy"), QStringLiteral("--train"),
                             QStringLiteral("all"), QStringLiteral("--initial-epoch"), QStringLiteral("16"),
                             QStringLiteral("--epochs"), QStringLiteral("18"), QStringLiteral("--batch"),
                             QStringLiteral("16"), QStringLiteral("--lr"), QStringLiteral("0.01"),
                             QStringLiteral("--seed"), QStringLiteral("2"), QStringLiteral("--out"), continued});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err.right(1500)));
    const QStringList firstHistory = linesOf(m_dir.filePath(QStringLiteral("tuned/tuned.history.csv")));
    const QStringList history = linesOf(m_dir.filePath(QStringLiteral("cont/cont.history.csv")));
    QCOMPARE(firstHistory.size(), 1 + 16);
    QCOMPARE(history.size(), 1 + 18);
    QCOMPARE(history.mid(0, 17), firstHistory);
    QVERIFY2(history[17].startsWith(QLatin1String("16,")) && history[18].startsWith(QLatin1String("17,")),
             qPrintable(history.join('\n')));
    QVERIFY2(r.err.contains(QLatin1String("Continuing after 16 epoch(s)")), qPrintable(r.err.right(1500)));
    auto continuedModel = KerasFileLoader::load(continued);
    QVERIFY2(continuedModel, qPrintable(continuedModel.errorString()));
    QCOMPARE(continuedModel->classNames, allClasses);
    auto last = heldOutReport(*continuedModel, allClasses);
    QVERIFY2(last, qPrintable(last.errorString()));
    QVERIFY2(last->accuracy >= 0.8, qPrintable(QString::number(last->accuracy)));
    if (QFileInfo::exists(QStringLiteral("/usr/bin/python3"))) {
        const QString expectation = m_dir.filePath(QStringLiteral("cont/expectation.json.txt"));
        QVERIFY(writeFile(expectation, exporttest::expectationJson(*continuedModel, QStringLiteral("keras3-zip"))));
        QString output;
        const int code = exporttest::runPython(
            {exporttest::checkerScript(), continued, expectation, exporttest::dataDirsArgument()}, &output);
        if (code != 0 && output.contains(QLatin1String("No module named")))
            qWarning("h5py is missing: the Keras layout of %s is not checked", qPrintable(continued));
        else
            QVERIFY2(code == 0, qPrintable(output));
    }
    qInfo("whole run: %.1f s", clock.elapsed() / 1000.0);
}

QTEST_APPLESS_MAIN(TestCliTextFinetune)
#include "tst_cli_textfinetune.moc"
