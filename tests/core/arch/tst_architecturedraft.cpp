#include "archtesthelpers.h"
#include "tests/common/testdata.h"

#include "core/arch/architecturedraft.h"
#include "core/arch/kerascodereader.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace graft;

namespace {

const QByteArray smallCnn = "from tensorflow.keras import layers, Sequential\n"
                            "model = Sequential([layers.Conv2D(4, 3, input_shape=(10, 10, 1)), layers.MaxPooling2D(),\n"
                            "                    layers.Flatten(), layers.Dense(3, activation='softmax')])\n";

const DraftField *fieldNamed(const QVector<DraftField> &fields, const QString &key)
{
    for (const DraftField &f : fields)
        if (f.key == key)
            return &f;
    return nullptr;
}

} // namespace

class TestArchitectureDraft final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void fieldsDescribeTheEditor()
    {
        auto draft = KerasCodeReader::read(smallCnn, QStringLiteral("cnn.py"), {}, {});
        QVERIFY2(draft, qPrintable(draft.errorString()));
        const QVector<DraftField> conv = draft->fields(1);
        const DraftField *strides = fieldNamed(conv, QStringLiteral("strides"));
        QVERIFY(strides);
        QCOMPARE(strides->kind, FieldKind::IntTuple);
        QCOMPARE(strides->tupleRank, 2);
        QVERIFY(strides->computational);
        QCOMPARE(strides->origin, FieldOrigin::Default);
        const DraftField *filters = fieldNamed(conv, QStringLiteral("filters"));
        QVERIFY(filters);
        QCOMPARE(filters->origin, FieldOrigin::Code);
        QCOMPARE(filters->value.toInt(), 4);
        const DraftField *padding = fieldNamed(conv, QStringLiteral("padding"));
        QCOMPARE(padding->kind, FieldKind::Choice);
        QCOMPARE(padding->choices, (QStringList{QStringLiteral("valid"), QStringLiteral("same")}));
        const DraftField *activation = fieldNamed(conv, QStringLiteral("activation"));
        QVERIFY(activation->choices.contains(QStringLiteral("relu")));
        QVERIFY(fieldNamed(conv, QStringLiteral("trainable")));
        QCOMPARE(draft->fields(0).size(), 1); // the input row: its shape
    }

    void editingRecomputesShapesAndIssues()
    {
        const WeightsOutline weights = archtest::outlineFromText(
            QStringLiteral("conv2d:kernel=3x3x1x4,bias=4; max_pooling2d; flatten; dense:kernel=64x3,bias=3"));
        auto draft = KerasCodeReader::read(smallCnn, QStringLiteral("cnn.py"), {}, weights);
        QVERIFY2(draft, qPrintable(draft.errorString()));
        QVERIFY2(draft->isConsistent(), qPrintable(draft->issues().join(QLatin1Char('\n'))));
        QCOMPARE(draft->row(3).outputShapes.front(), (Shape{64}));

        // padding 'same' makes the Flatten give 100 values: the Dense row no longer fits its kernel.
        QVERIFY(draft->setField(1, QStringLiteral("padding"), QStringLiteral("SAME")));
        QCOMPARE(draft->row(1).config.value(QStringLiteral("padding")).toString(), QStringLiteral("same"));
        QCOMPARE(draft->row(1).origin(QStringLiteral("padding")), FieldOrigin::User);
        QCOMPARE(draft->row(3).outputShapes.front(), (Shape{100}));
        QVERIFY(draft->row(1).issues.isEmpty());
        QCOMPARE(draft->row(4).issues.size(), 1);
        QVERIFY2(draft->row(4).issues.front().contains(QStringLiteral("kernel (64, 3)"))
                     && draft->row(4).issues.front().contains(QStringLiteral("kernel (100, 3)")),
                 qPrintable(draft->row(4).issues.front()));
        QVERIFY(!draft->isConsistent());

        // An int, as code writes it, is normalised to Keras's tuple.
        QVERIFY(draft->setField(1, QStringLiteral("strides"), 2));
        QCOMPARE(draft->row(1).config.value(QStringLiteral("strides")).toArray(), (QJsonArray{2, 2}));
        QCOMPARE(draft->row(1).outputShapes.front(), (Shape{5, 5, 4}));
        QVERIFY(draft->setField(1, QStringLiteral("strides"), QJsonArray{1, 1}));
        QVERIFY(draft->setField(1, QStringLiteral("padding"), QStringLiteral("valid")));
        QVERIFY2(draft->isConsistent(), qPrintable(draft->issues().join(QLatin1Char('\n'))));

        QVERIFY(!draft->setField(1, QStringLiteral("padding"), QStringLiteral("diagonal")));
        QVERIFY(!draft->setField(1, QStringLiteral("kernel_size"), QJsonArray{1, 2, 3}));
        QVERIFY(!draft->setField(1, QStringLiteral("no_such_field"), 1));
        QVERIFY(!draft->setField(9, QStringLiteral("filters"), 1));

        // The input shape is a field of its row too.
        QVERIFY(draft->setInputShape({12, 12, 1}));
        QCOMPARE(draft->row(1).outputShapes.front(), (Shape{10, 10, 4}));
        QVERIFY(!draft->isConsistent());
        QVERIFY(draft->setField(0, QStringLiteral("batch_input_shape"), QJsonArray{QJsonValue(), 10, 10, 1}));
        QVERIFY(draft->isConsistent());
    }

    void structureEdits()
    {
        auto draft = KerasCodeReader::read(smallCnn, QStringLiteral("cnn.py"), {}, {});
        QVERIFY(draft);
        auto inserted = draft->insertLayerAfter(2, QStringLiteral("Dropout"));
        QVERIFY2(inserted, qPrintable(inserted.errorString()));
        QCOMPARE(*inserted, 3);
        QCOMPARE(draft->row(3).name, QStringLiteral("dropout"));
        QCOMPARE(draft->questions().size(), 1); // Dropout needs its rate
        QVERIFY(draft->questions().front().contains(QStringLiteral("rate")));
        QVERIFY(draft->setField(3, QStringLiteral("rate"), 0.3));
        QVERIFY(draft->isComplete());
        QCOMPARE(draft->row(4).name, QStringLiteral("flatten"));
        QCOMPARE(draft->row(4).inboundNodes.front().inputs.front().layer, QStringLiteral("dropout"));
        QVERIFY(draft->removeLayer(3));
        QCOMPARE(draft->rowCount(), 5);
        QVERIFY(draft->isConsistent());
        QVERIFY(!draft->renameLayer(1, QStringLiteral("dense")));
        QVERIFY(draft->renameLayer(1, QStringLiteral("features")));
        QCOMPARE(draft->row(2).inboundNodes.front().inputs.front().layer, QStringLiteral("features"));
        QVERIFY(draft->setClassName(2, QStringLiteral("AvgPool2D")));
        QCOMPARE(draft->row(2).className, QStringLiteral("AveragePooling2D"));
        QVERIFY(draft->isConsistent());
        QVERIFY(!draft->setClassName(2, QStringLiteral("NoSuchLayer")));
    }

    void saveIsAtomicAndRefusesIncompleteDrafts()
    {
        QTemporaryDir dir;
        auto draft = KerasCodeReader::read(smallCnn, QStringLiteral("cnn.py"), {}, {});
        QVERIFY(draft);
        const QString path = dir.filePath(QStringLiteral("cnn.json"));
        QVERIFY(draft->save(path));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        auto reopened = ArchitectureDraft::fromKerasJson(file.readAll(), path);
        QVERIFY2(reopened, qPrintable(reopened.errorString()));
        QCOMPARE(reopened->rowCount(), draft->rowCount());
        QCOMPARE(reopened->params().total, draft->params().total);
        QVERIFY(reopened->isSequential());

        QVERIFY(draft->insertLayerAfter(1, QStringLiteral("Dense")));
        const auto refused = draft->save(dir.filePath(QStringLiteral("incomplete.json")));
        QVERIFY(!refused);
        QVERIFY(refused.errorString().contains(QStringLiteral("units")));
        QVERIFY(!QFileInfo::exists(dir.filePath(QStringLiteral("incomplete.json"))));
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{QStringLiteral("cnn.json")});
    }

    void opensKerasWrittenJson()
    {
        const QString path = graft::testing::dataPath(QStringLiteral("keras/keras2/conv1d_1layer.json"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        auto draft = ArchitectureDraft::fromKerasJson(file.readAll(), path);
        QVERIFY2(draft, qPrintable(draft.errorString()));
        QCOMPARE(draft->rowCount(), 2);
        QCOMPARE(draft->row(1).outputShapes.front(), (Shape{3, 1}));
        QCOMPARE(draft->row(1).origin(QStringLiteral("filters")), FieldOrigin::Code);
        draft->setWeights(archtest::outlineFromText(QStringLiteral("input_1; conv1d:kernel=3x5x1,bias=1")));
        draft->recompute();
        QVERIFY2(draft->isConsistent(), qPrintable(draft->issues().join(QLatin1Char('\n'))));
        QCOMPARE(draft->row(1).params.total, qint64(16));
    }
};

GRAFT_TEST_APPLESS_MAIN(TestArchitectureDraft)
#include "tst_architecturedraft.moc"
