#include "archtesthelpers.h"

#include "core/arch/architectureinference.h"

#include <QtTest>

using namespace graft;

namespace {

QString report(const ArchitectureDraft &draft)
{
    return (draft.questions() + draft.issues() + draft.notes()).join(QLatin1Char('\n'));
}

} // namespace

class TestArchitectureInference final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void seedWeightsGiveAConsistentProposal()
    {
        QString error;
        const WeightsOutline seed = archtest::outlineWithH5py(archtest::seedWeights(), &error);
        QVERIFY2(!seed.isEmpty(), qPrintable(error));
        auto draft = ArchitectureInference::infer(seed, {40, 87, 1});
        QVERIFY2(draft, qPrintable(draft.errorString()));
        QVERIFY2(draft->isConsistent(), qPrintable(report(*draft)));
        const QJsonObject expected = archtest::readJson(archtest::seedFile(QStringLiteral("EXPECTED.json")));
        const QJsonArray layers = expected.value(QStringLiteral("layers")).toArray();
        QCOMPARE(draft->rowCount(), layers.size());
        for (int r = 0; r < layers.size(); ++r) {
            const DraftLayer &row = draft->row(r);
            QCOMPARE(row.name, layers.at(r).toArray().at(0).toString());
            QCOMPARE(row.className, layers.at(r).toArray().at(1).toString());
            QCOMPARE(qint64(row.params.total), layers.at(r).toArray().at(3).toInteger());
            QVERIFY(!row.outputShapes.isEmpty());
            // Every layer's stored weights are exactly what its proposed config needs.
            QVector<Shape> needed;
            for (const WeightSpec &w : row.expectedWeights)
                needed << w.shape;
            QCOMPARE(needed, row.storedWeights);
            const QStringList guessed = row.guessedFields();
            if (row.className == QLatin1String("Conv2D")) {
                QVERIFY2(guessed.contains(QStringLiteral("strides")) && guessed.contains(QStringLiteral("padding"))
                             && guessed.contains(QStringLiteral("activation")),
                         qPrintable(guessed.join(QLatin1Char(','))));
                QCOMPARE(row.origin(QStringLiteral("filters")), FieldOrigin::Weights);
                QCOMPARE(row.origin(QStringLiteral("kernel_size")), FieldOrigin::Weights);
            } else if (row.className == QLatin1String("MaxPooling2D")) {
                QVERIFY(guessed.contains(QStringLiteral("pool_size")) && guessed.contains(QStringLiteral("padding")));
            } else if (row.className == QLatin1String("Dense")) {
                QCOMPARE(guessed, QStringList{QStringLiteral("activation")});
                QCOMPARE(row.origin(QStringLiteral("units")), FieldOrigin::Weights);
            } else if (row.className == QLatin1String("Dropout")) {
                QCOMPARE(guessed, QStringList{QStringLiteral("rate")});
            }
        }
        QCOMPARE(qint64(draft->params().total), qint64(374408));
        QCOMPARE(draft->row(draft->rowCount() - 1).config.value(QStringLiteral("activation")).toString(),
                 QStringLiteral("softmax"));
        // The Dense after Flatten receives exactly its kernel's 128 inputs.
        QCOMPARE(draft->row(13).outputShapes.front(), (Shape{128}));
        const QString notes = draft->notes().join(QLatin1Char('\n'));
        QVERIFY2(notes.contains(QStringLiteral("Also consistent with the weights")), qPrintable(notes));
        QVERIFY2(notes.contains(QStringLiteral("guessed")), qPrintable(notes));
    }

    void seedWithoutInputShapeAsksForIt()
    {
        QString error;
        const WeightsOutline seed = archtest::outlineWithH5py(archtest::seedWeights(), &error);
        auto draft = ArchitectureInference::infer(seed, {});
        QVERIFY2(draft, qPrintable(draft.errorString()));
        QCOMPARE(draft->questions().size(), 1);
        QVERIFY2(draft->questions().front().contains(QStringLiteral("input_1"))
                     && draft->questions().front().contains(QStringLiteral("--input-shape")),
                 qPrintable(draft->questions().front()));
    }

    void outlines_data()
    {
        QTest::addColumn<QString>("outline");
        QTest::addColumn<QString>("inputShape");
        QTest::addColumn<QStringList>("expected"); // "name:Class:shape[:field=value…]" per layer, or "error:…"
        QTest::newRow("MLP: input from the first kernel, Sequential")
            << QStringLiteral("dense:kernel=20x64,bias=64; dropout; dense_1:kernel=64x3,bias=3") << QString()
            << QStringList{QStringLiteral("dense_input:InputLayer:(None, 20)"),
                           QStringLiteral("dense:Dense:(None, 64):activation=\"relu\""),
                           QStringLiteral("dropout:Dropout:(None, 64)"),
                           QStringLiteral("dense_1:Dense:(None, 3):activation=\"softmax\"")};
        QTest::newRow("stacked LSTMs: the first returns sequences")
            << QStringLiteral(
                   "lstm:kernel=5x32,recurrent_kernel=8x32,bias=32; lstm_1:kernel=8x16,recurrent_kernel=4x16,bias=16; "
                   "dense:kernel=4x1,bias=1")
            << QStringLiteral("None,5")
            << QStringList{QStringLiteral("lstm_input:InputLayer:(None, None, 5)"),
                           QStringLiteral("lstm:LSTM:(None, None, 8):return_sequences=true"),
                           QStringLiteral("lstm_1:LSTM:(None, 4):return_sequences=false"),
                           QStringLiteral("dense:Dense:(None, 1):activation=\"sigmoid\"")};
        QTest::newRow("Conv1D, pooling, Flatten: the defaults fit")
            << QStringLiteral("input_1; conv1d:kernel=3x2x4,bias=4; max_pooling1d; flatten; dense:kernel=36x2,bias=2")
            << QStringLiteral("20,2")
            << QStringList{QStringLiteral("input_1:InputLayer:(None, 20, 2)"),
                           QStringLiteral("conv1d:Conv1D:(None, 18, 4):strides=[1]:padding=\"valid\""),
                           QStringLiteral("max_pooling1d:MaxPooling1D:(None, 9, 4):pool_size=[2]"),
                           QStringLiteral("flatten:Flatten:(None, 36)"), QStringLiteral("dense:Dense:(None, 2)")};
        QTest::newRow("padding same is found when valid does not fit")
            << QStringLiteral("input_1; conv2d:kernel=3x3x1x2,bias=2; flatten; dense:kernel=128x2,bias=2")
            << QStringLiteral("8,8,1")
            << QStringList{QStringLiteral("input_1:InputLayer:(None, 8, 8, 1)"),
                           QStringLiteral("conv2d:Conv2D:(None, 8, 8, 2):strides=[1,1]:padding=\"same\""),
                           QStringLiteral("flatten:Flatten:(None, 128)"), QStringLiteral("dense:Dense:(None, 2)")};
        QTest::newRow("custom layer names: classes from weights and words")
            << QStringLiteral("fc1:kernel=10x5,bias=5; drop1; bn:gamma=5,beta=5,moving_mean=5,moving_variance=5; "
                              "out:kernel=5x2,bias=2")
            << QString()
            << QStringList{QStringLiteral("fc1_input:InputLayer:(None, 10)"),
                           QStringLiteral("fc1:Dense:(None, 5):activation=\"relu\""),
                           QStringLiteral("drop1:Dropout:(None, 5)"),
                           QStringLiteral("bn:BatchNormalization:(None, 5):center=true"),
                           QStringLiteral("out:Dense:(None, 2)")};
        QTest::newRow("BatchNormalization without beta")
            << QStringLiteral(
                   "dense:kernel=4x3; batch_normalization:gamma=3,moving_mean=3,moving_variance=3; activation")
            << QString()
            << QStringList{QStringLiteral("dense_input:InputLayer:(None, 4)"),
                           QStringLiteral("dense:Dense:(None, 3):use_bias=false:activation=\"linear\""),
                           QStringLiteral("batch_normalization:BatchNormalization:(None, 3):center=false:scale=true"),
                           QStringLiteral("activation:Activation:(None, 3)")};
        QTest::newRow("Bidirectional GRU")
            << QStringLiteral(
                   "embedding:embeddings=50x8; bidirectional:forward/kernel=8x12,forward/recurrent_kernel=4x12,"
                   "forward/bias=2x12,backward/kernel=8x12,backward/recurrent_kernel=4x12,backward/bias=2x12; "
                   "dense:kernel=8x3,bias=3")
            << QStringLiteral("None")
            << QStringList{QStringLiteral("embedding_input:InputLayer:(None, None)"),
                           QStringLiteral("embedding:Embedding:(None, None, 8)"),
                           QStringLiteral("bidirectional:Bidirectional:(None, 8):merge_mode=\"concat\""),
                           QStringLiteral("dense:Dense:(None, 3)")};
        QTest::newRow("merge layers cannot be inferred")
            << QStringLiteral("input_1; input_2; dense:kernel=3x2,bias=2; concatenate; dense_1:kernel=4x1,bias=1")
            << QString() << QStringList{QStringLiteral("error:2 inputs")};
        QTest::newRow("a weightless layer with a meaningless name")
            << QStringLiteral("dense:kernel=3x2,bias=2; thing; dense_1:kernel=2x1,bias=1") << QString()
            << QStringList{QStringLiteral("error:the class of thing cannot be told")};
    }

    void outlines()
    {
        QFETCH(QString, outline);
        QFETCH(QString, inputShape);
        QFETCH(QStringList, expected);
        Shape shape;
        if (!inputShape.isEmpty()) {
            for (const QString &d : inputShape.split(QLatin1Char(',')))
                shape.push_back(d == QLatin1String("None") ? -1 : d.toLongLong());
        }
        auto draft = ArchitectureInference::infer(archtest::outlineFromText(outline), shape);
        if (expected.front().startsWith(QLatin1String("error:"))) {
            QVERIFY(!draft);
            QVERIFY2(draft.errorString().contains(expected.front().mid(6)), qPrintable(draft.errorString()));
            return;
        }
        QVERIFY2(draft, qPrintable(draft.errorString()));
        QVERIFY2(draft->isConsistent(), qPrintable(report(*draft)));
        QCOMPARE(draft->rowCount(), expected.size());
        for (int r = 0; r < expected.size(); ++r) {
            const QStringList parts = expected.at(r).split(QLatin1Char(':'));
            const DraftLayer &row = draft->row(r);
            QCOMPARE(row.name, parts.at(0));
            QCOMPARE(row.className, parts.at(1));
            QCOMPARE(shapeToString(row.outputShapes.value(0)), parts.at(2));
            for (int i = 3; i < parts.size(); ++i) {
                const QString key = parts.at(i).section(QLatin1Char('='), 0, 0);
                const QByteArray value = parts.at(i).section(QLatin1Char('='), 1).toUtf8();
                const QJsonValue wanted = QJsonDocument::fromJson("[" + value + "]").array().at(0);
                QJsonValue actual = row.config.value(key);
                if (row.className == QLatin1String("Bidirectional") && key != QLatin1String("merge_mode"))
                    actual = row.config.value(QStringLiteral("layer"))
                                 .toObject()
                                 .value(QStringLiteral("config"))
                                 .toObject()
                                 .value(key);
                QVERIFY2(actual == wanted, qPrintable(QStringLiteral("%1.%2").arg(row.name, key)));
            }
        }
    }
};

GRAFT_TEST_APPLESS_MAIN(TestArchitectureInference)
#include "tst_architectureinference.moc"
