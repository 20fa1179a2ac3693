#include "core/engine/inferencemodel.h"
#include "core/formats/kerasfileloader.h"

#include "enginetesthelpers.h"

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTextStream>
#include <QtTest>

using namespace graft;
using namespace graft::testing;

namespace {

/** One sample per line, whitespace-separated numbers (hls4ml's .dat test-bench files). */
std::vector<std::vector<float>> readDatLines(const QString &path)
{
    std::vector<std::vector<float>> rows;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return rows;
    QTextStream in(&file);
    while (!in.atEnd()) {
        const QStringList fields = in.readLine().split(QLatin1Char(' '), Qt::SkipEmptyParts);
        if (fields.isEmpty())
            continue;
        std::vector<float> row;
        for (const QString &f : fields)
            row.push_back(f.toFloat());
        rows.push_back(row);
    }
    return rows;
}

} // namespace

/** Real Keras files from other projects: hls4ml's test benches, frugally-deep's LSTM model, a Keras 3 model. */
class TestRealModels final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void hls4mlReproducesOutputDat_data()
    {
        QTest::addColumn<QString>("stem");
        QTest::addColumn<bool>("weightsAndJson");
        for (const char *stem : {"conv1d_1layer", "conv2d_1layer"}) {
            QTest::newRow(stem) << QString::fromLatin1(stem) << false;
            QTest::newRow(qPrintable(QStringLiteral("%1 weights + json").arg(stem)))
                << QString::fromLatin1(stem) << true;
        }
    }

    void hls4mlReproducesOutputDat()
    {
        QFETCH(QString, stem);
        QFETCH(bool, weightsAndJson);
        const auto file = [&](const QString &suffix) {
            return fixturePath(QStringLiteral("keras/keras2/") + stem + suffix);
        };
        LoadOptions options;
        if (weightsAndJson)
            options.architectureJsonPath = file(QStringLiteral(".json"));
        auto loaded = KerasFileLoader::load(
            file(weightsAndJson ? QStringLiteral("_weights.h5") : QStringLiteral(".h5")), options);
        QVERIFY2(loaded, qPrintable(loaded.errorString()));
        auto model = InferenceModel::build(*loaded);
        QVERIFY2(model, qPrintable(model.errorString()));

        const auto inputs = readDatLines(file(QStringLiteral(".input.dat")));
        const auto outputs = readDatLines(file(QStringLiteral(".output.dat")));
        QVERIFY(!inputs.empty());
        QCOMPARE(inputs.size(), outputs.size());
        TensorData x;
        x.shape = {std::int64_t(inputs.size())};
        for (std::int64_t d : model->inputs().front().shape)
            x.shape.push_back(d);
        for (const auto &row : inputs)
            x.values.insert(x.values.end(), row.begin(), row.end());
        QCOMPARE(std::int64_t(x.values.size()), x.elementCount());
        auto y = model->predict({x});
        QVERIFY2(y, qPrintable(y.errorString()));
        const TensorData &out = y->front();
        QCOMPARE(out.elementCount(), std::int64_t(outputs.size() * outputs.front().size()));
        for (std::size_t i = 0; i < outputs.size(); ++i)
            for (std::size_t j = 0; j < outputs[i].size(); ++j) {
                const float got = out.values[i * outputs[i].size() + j];
                const float want = outputs[i][j];
                // The .dat files print 7-8 significant digits.
                QVERIFY2(
                    std::fabs(got - want) <= 1e-4f * std::max(1.0f, std::fabs(want)),
                    qPrintable(QStringLiteral("sample %1 value %2: %3, Keras %4").arg(i).arg(j).arg(got).arg(want)));
            }
    }

    void frugallyDeepLstmMatchesNumpy()
    {
        // Five inputs (one of variable length), LSTMs with relu/linear/hard_sigmoid
        // recurrent activations, return_state, initial states from inputs, Bidirectional.
        const QString path = fixturePath(QStringLiteral("keras/keras2/frugally_deep_lstm.h5"));
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QProcess python;
        python.start(QStringLiteral("/usr/bin/python3"),
                     {QStringLiteral(GRAFT_SOURCE_DIR "/tests/core/engine/frugally_reference.py"), path, dir.path()});
        QVERIFY(python.waitForFinished(120000));
        QVERIFY2(python.exitCode() == 0, python.readAllStandardError().constData());
        const int outputCount = python.readAllStandardOutput().trimmed().toInt();
        QCOMPARE(outputCount, 17);

        auto loaded = KerasFileLoader::load(path);
        QVERIFY2(loaded, qPrintable(loaded.errorString()));
        auto model = InferenceModel::build(*loaded);
        QVERIFY2(model, qPrintable(model.errorString()));
        QCOMPARE(model->inputs().size(), 5);
        QCOMPARE(model->outputCount(), 17);
        std::vector<TensorData> inputs;
        for (int i = 0; i < 5; ++i) {
            auto x = readNpy(dir.filePath(QStringLiteral("in_%1.npy").arg(i)));
            QVERIFY2(x, qPrintable(x.errorString()));
            inputs.push_back(*x);
        }
        auto y = model->predict(inputs, 2);
        QVERIFY2(y, qPrintable(y.errorString()));
        QCOMPARE(int(y->size()), 17);
        for (int i = 0; i < 17; ++i) {
            auto expected = readNpy(dir.filePath(QStringLiteral("out_%1.npy").arg(i)));
            QVERIFY2(expected, qPrintable(expected.errorString()));
            const double error = maxAbsError((*y)[std::size_t(i)], *expected);
            QVERIFY2(error < 1e-5, qPrintable(QStringLiteral("output %1 (%2): max abs error %3")
                                                  .arg(i)
                                                  .arg(model->outputNames().value(i))
                                                  .arg(error)));
        }
    }

    void keras3SequentialRuns()
    {
        // Keras 3.3.3 legacy HDF5: Embedding + Conv1D + GRU (reset_after) + softmax; no reference
        // outputs exist, so check it runs and yields probability rows.
        auto loaded = KerasFileLoader::load(fixturePath(QStringLiteral("keras/keras3/intent_best_model.h5")));
        QVERIFY2(loaded, qPrintable(loaded.errorString()));
        auto model = InferenceModel::build(*loaded);
        QVERIFY2(model, qPrintable(model.errorString()));
        TensorData tokens;
        tokens.shape = {2, 50};
        for (int i = 0; i < 100; ++i)
            tokens.values.push_back(float((i * 37) % 300));
        auto y = model->predict({tokens});
        QVERIFY2(y, qPrintable(y.errorString()));
        QCOMPARE(y->front().shape, (std::vector<std::int64_t>{2, 12}));
        for (int row = 0; row < 2; ++row) {
            double sum = 0;
            for (int c = 0; c < 12; ++c)
                sum += y->front().values[std::size_t(row * 12 + c)];
            QVERIFY(std::fabs(sum - 1.0) < 1e-5);
        }
        TensorData outOfVocabulary = tokens;
        outOfVocabulary.values[5] = 400.0f;
        auto bad = model->predict({outOfVocabulary});
        QVERIFY(!bad);
        QVERIFY2(bad.errorString().contains(QStringLiteral("embedding"))
                     && bad.errorString().contains(QStringLiteral("400")),
                 qPrintable(bad.errorString()));
    }
};

QTEST_APPLESS_MAIN(TestRealModels)
#include "tst_realmodels.moc"
