#include "core/engine/classificationreport.h"
#include "core/io/npyfile.h"
#include "core/io/npzfile.h"
#include "tests/common/clirun.h"

#include "enginetesthelpers.h"

#include <QJsonArray>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

using namespace graft;
using namespace graft::testing;

namespace {

QString keras(const QString &relative)
{
    return fixturePath(QStringLiteral("keras-js/") + relative);
}

} // namespace

/** graft-cli predict and evaluate, driven from the outside, plus ClassificationReport's decisions. */
class TestCliPredict final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void helpListsEveryOption()
    {
        const CliResult predict = runCli({"predict", "--help"});
        QCOMPARE(predict.exitCode, 0);
        for (const char *option : {"--arch", "--input", "--output", "--batch"})
            QVERIFY2(predict.out.contains(option), option);
        const CliResult evaluate = runCli({"evaluate", "--help"});
        QCOMPARE(evaluate.exitCode, 0);
        // Qt lists one-letter options with one dash ("-x <X.npy>"); "--x" is accepted too (used below).
        for (const char *option : {"--arch", "-x <X.npy>", "-y <y.npy>", "--class-names", "--json", "--batch"})
            QVERIFY2(evaluate.out.contains(option), option);
    }

    void predictWritesKerasOutputs()
    {
        const QString output = m_dir.filePath("conv.npy");
        const CliResult r = runCli({"predict", keras("Conv2D.4/model.h5"), "--input", keras("Conv2D.4/input.npy"),
                                    "--output", output, "--batch", "1"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        auto y = readNpy(output);
        auto expected = readNpy(keras("Conv2D.4/expected.npy"));
        QVERIFY2(y && expected, qPrintable(y.errorString() + expected.errorString()));
        QVERIFY(maxAbsError(*y, *expected) <= 1e-4);
    }

    void predictSeveralInputsAndOutputs()
    {
        // frugally-deep's model: five inputs, seventeen outputs -> an .npz named after the outputs.
        const QString model = fixturePath("keras/keras2/frugally_deep_lstm.h5");
        QStringList args{"predict", model};
        const std::vector<std::vector<std::int64_t>> shapes{{2, 17, 4}, {2, 1, 10}, {2, 6, 4}, {2, 12}, {2, 12}};
        for (std::size_t i = 0; i < shapes.size(); ++i) {
            TensorData t;
            t.shape = shapes[i];
            t.values.assign(std::size_t(t.elementCount()), 0.25f);
            const QString path = m_dir.filePath(QStringLiteral("in%1.npy").arg(i));
            QVERIFY(NpyFile::write(path, NpyArray(t.values, t.shape)));
            args << "--input" << path;
        }
        const CliResult asNpy = runCli(args + QStringList{"--output", m_dir.filePath("many.npy")});
        QVERIFY(asNpy.exitCode != 0);
        QVERIFY2(asNpy.err.contains("17 outputs") && asNpy.err.contains(".npz"), asNpy.err.constData());

        const CliResult r = runCli(args + QStringList{"--output", m_dir.filePath("many.npz")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        auto contents = NpzFile::read(m_dir.filePath("many.npz"));
        QVERIFY2(contents, qPrintable(contents.errorString()));
        QCOMPARE(int(contents->size()), 17);
        QVERIFY(NpzFile::find(*contents, "lstm_3_2"));
        QCOMPARE(NpzFile::find(*contents, "lstm_15")->shape(), (std::vector<std::int64_t>{2, 6, 12}));

        const CliResult missing =
            runCli({"predict", model, "--input", m_dir.filePath("in0.npy"), "--output", m_dir.filePath("x.npz")});
        QVERIFY(missing.exitCode != 0);
        QVERIFY2(missing.err.contains("5 input(s)"), missing.err.constData());
    }

    void predictRejectsWrongShapes()
    {
        const CliResult r = runCli({"predict", keras("Conv2D.4/model.h5"), "--input", keras("Dense.0/input.npy"),
                                    "--output", m_dir.filePath("bad.npy")});
        QVERIFY(r.exitCode != 0);
        QVERIFY2(r.err.contains("(None, 5, 5, 2)") && r.err.contains("(1, 6)"), r.err.constData());
        QVERIFY(!QFile::exists(m_dir.filePath("bad.npy")));
    }

    void evaluateAgreesWithPredict()
    {
        // Dense.0 maps 6 features to 2 units: a 2-class "classifier" over random samples.
        const TensorData x = [] {
            TensorData t;
            t.shape = {50, 6};
            for (int i = 0; i < 300; ++i)
                t.values.push_back(float(std::sin(i * 1.7) * 2.0));
            return t;
        }();
        QVERIFY(NpyFile::write(m_dir.filePath("x.npy"), NpyArray(x.values, x.shape)));
        std::vector<std::int64_t> labels;
        for (int i = 0; i < 50; ++i)
            labels.push_back((i * 7) % 3 == 0 ? 1 : 0);
        QVERIFY(NpyFile::write(m_dir.filePath("y.npy"), NpyArray(labels, {50})));
        QVERIFY(runCli({"predict", keras("Dense.0/model.h5"), "--input", m_dir.filePath("x.npy"), "--output",
                        m_dir.filePath("p.npy")})
                    .exitCode
                == 0);
        auto p = readNpy(m_dir.filePath("p.npy"));
        QVERIFY(p);
        int correct = 0;
        std::vector<int> perClass(2, 0), perClassCorrect(2, 0);
        for (int i = 0; i < 50; ++i) {
            const int predicted = p->values[std::size_t(2 * i + 1)] > p->values[std::size_t(2 * i)] ? 1 : 0;
            perClass[std::size_t(labels[std::size_t(i)])] += 1;
            if (predicted == labels[std::size_t(i)]) {
                ++correct;
                perClassCorrect[std::size_t(predicted)] += 1;
            }
        }
        QFile names(m_dir.filePath("names.txt"));
        QVERIFY(names.open(QIODevice::WriteOnly));
        names.write("alice\nbob\n");
        names.close();

        const CliResult r =
            runCli({"evaluate", keras("Dense.0/model.h5"), "--x", m_dir.filePath("x.npy"), "--y",
                    m_dir.filePath("y.npy"), "--class-names", m_dir.filePath("names.txt"), "--json", "--batch", "7"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject report = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(report.value("samples").toInt(), 50);
        QCOMPARE(report.value("accuracy").toDouble(), correct / 50.0);
        const QJsonArray perClassJson = report.value("per_class").toArray();
        QCOMPARE(perClassJson.size(), 2);
        QCOMPARE(perClassJson.at(1).toDouble(), double(perClassCorrect[1]) / perClass[1]);
        QCOMPARE(report.value("classes").toArray().at(1).toObject().value("name").toString(), QString("bob"));
        const QJsonArray confusion = report.value("confusion").toArray();
        QCOMPARE(confusion.at(0).toArray().at(0).toInt() + confusion.at(1).toArray().at(1).toInt(), correct);

        // One-hot labels give the same report; the text form prints the same accuracy.
        std::vector<float> oneHot;
        for (std::int64_t l : labels) {
            oneHot.push_back(l == 0 ? 1.0f : 0.0f);
            oneHot.push_back(l == 1 ? 1.0f : 0.0f);
        }
        QVERIFY(NpyFile::write(m_dir.filePath("y1h.npy"), NpyArray(oneHot, {50, 2})));
        const CliResult text = runCli(
            {"evaluate", keras("Dense.0/model.h5"), "--x", m_dir.filePath("x.npy"), "--y", m_dir.filePath("y1h.npy")});
        QVERIFY2(text.exitCode == 0, text.err.constData());
        QVERIFY2(text.out.contains(
                     QStringLiteral("accuracy: %1 (%2/50)").arg(correct / 50.0, 0, 'f', 4).arg(correct).toUtf8()),
                 text.out.constData());
        QVERIFY(text.out.contains("confusion matrix"));

        QVERIFY(NpyFile::write(m_dir.filePath("ybad.npy"), NpyArray(std::vector<std::int64_t>(50, 5), {50})));
        const CliResult bad = runCli(
            {"evaluate", keras("Dense.0/model.h5"), "--x", m_dir.filePath("x.npy"), "--y", m_dir.filePath("ybad.npy")});
        QVERIFY(bad.exitCode != 0);
        QVERIFY2(bad.err.contains("5") && bad.err.contains("2 output classes"), bad.err.constData());
    }

    void loadWarningsArePrinted()
    {
        // A model whose class names beside it cannot be read: both commands still run and say so.
        QTemporaryDir dir;
        const QString model = dir.filePath(QStringLiteral("model.h5"));
        QVERIFY(QFile::copy(keras("Dense.0/model.h5"), model));
        QFile labels(dir.filePath(QStringLiteral("model.labels.txt")));
        QVERIFY(labels.open(QIODevice::WriteOnly));
        labels.write("\n\n");
        labels.close();
        QVERIFY(NpyFile::write(dir.filePath("x.npy"), NpyArray(std::vector<float>(12, 0.5f), {2, 6})));
        QVERIFY(NpyFile::write(dir.filePath("y.npy"), NpyArray(std::vector<std::int64_t>{0, 1}, {2})));
        const CliResult predicted =
            runCli({"predict", model, "--input", dir.filePath("x.npy"), "--output", dir.filePath("p.npy")});
        const CliResult evaluated =
            runCli({"evaluate", model, "--x", dir.filePath("x.npy"), "--y", dir.filePath("y.npy")});
        for (const CliResult *r : {&predicted, &evaluated}) {
            QVERIFY2(r->exitCode == 0, r->err.constData());
            QVERIFY2(r->err.contains("warning:") && r->err.contains(labels.fileName().toUtf8()), r->err.constData());
        }
    }

    void reportDecidesLikeKeras()
    {
        // Ties go to the first maximum (numpy argmax); a single unit is a sigmoid (> 0.5).
        const TensorData tied = tensor({2, 3}, {0.4f, 0.4f, 0.2f, 0.1f, 0.3f, 0.3f});
        auto r = ClassificationReport::compute(tied, {0, 2});
        QVERIFY2(r, qPrintable(r.errorString()));
        QCOMPARE(r->predicted, (std::vector<std::int64_t>{0, 1}));
        QCOMPARE(r->correct, std::int64_t(1));
        QCOMPARE(r->classAccuracy(2), 0.0);
        QCOMPARE(r->confusion[2][1], std::int64_t(1));
        const TensorData sigmoid = tensor({3, 1}, {0.5f, 0.51f, 0.2f});
        auto s = ClassificationReport::compute(sigmoid, {0, 1, 1});
        QVERIFY(s);
        QCOMPARE(s->predicted, (std::vector<std::int64_t>{0, 1, 0}));
        QCOMPARE(s->classCount, 2);
        QVERIFY(!ClassificationReport::compute(tied, {0}));
        auto floats = ClassificationReport::labelsFromArray(NpyArray(std::vector<double>{1.0, 2.5}, {2}));
        QVERIFY(!floats);
    }
};

QTEST_APPLESS_MAIN(TestCliPredict)
#include "tst_cli_predict.moc"
