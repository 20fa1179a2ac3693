#include "core/export/modelexporter.h"
#include "tests/core/export/exporttesthelpers.h"

#include <QTest>

using namespace graft;
using namespace graft::exporttest;

/**
 * Round trips every Keras fixture through every format Graft writes: export, load the
 * result again with KerasFileLoader, compare tensors bit for bit and predictions, and have
 * Python/h5py read the file the way Keras's loaders do.
 */
class TestModelExporter final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void roundTrip_data();
    void roundTrip();
    void remappedHeadIsWrittenAsRemapped_data();
    void remappedHeadIsWrittenAsRemapped();
    void longLayerListIsChunkedLikeKeras();
    void frozenLayersStayFrozen();
    void checkerRejectsDamagedFiles_data();
    void checkerRejectsDamagedFiles();
    void failureAfterTheTemporaryFileLeavesNothing_data();
    void failureAfterTheTemporaryFileLeavesNothing();
    void formatFollowsTheName_data();
    void formatFollowsTheName();

private:
    QTemporaryDir m_scratch;
};

namespace {

struct FormatCase
{
    const char *tag;
    const char *suffix;
    bool full;
    const char *checkerFormat; // empty: not an HDF5/zip Keras file
};

const FormatCase formats[] = {
    {"h5", ".h5", false, "keras2-weights"},
    {"full", ".h5", true, "keras2-full"},
    {"weights.h5", ".weights.h5", false, "keras3-weights"},
    {"keras", ".keras", false, "keras3-zip"},
    {"pt", ".pt", false, ""},
};

/** Compares every weight of `a` with the layer of the same name in `b`, recursively into nested models. */
void compareWeights(const ModelSpec &a, const ModelSpec &b, int *compared)
{
    for (const Layer &layer : a.layers) {
        if (layer.nestedModel) {
            const Layer *other = b.layer(layer.name);
            QVERIFY2(other && other->nestedModel, qPrintable(QStringLiteral("nested model %1 lost").arg(layer.name)));
            compareWeights(*layer.nestedModel, *other->nestedModel, compared);
            continue;
        }
        if (layer.weights.isEmpty())
            continue;
        const Layer *other = b.layer(layer.name);
        QVERIFY2(other, qPrintable(QStringLiteral("layer %1 is missing after the round trip").arg(layer.name)));
        QCOMPARE(other->weights.size(), layer.weights.size());
        for (int i = 0; i < layer.weights.size(); ++i) {
            const LayerWeight &w = layer.weights.at(i);
            const LayerWeight &v = other->weights.at(i);
            if (!layer.classGuessed) // listings without architecture name variables by position only
                QCOMPARE(v.name, w.name);
            QCOMPARE(v.tensor.shape, w.tensor.shape);
            QVERIFY2(v.tensor.values == w.tensor.values,
                     qPrintable(QStringLiteral("%1/%2 changed in the round trip").arg(layer.name, w.name)));
            QCOMPARE(v.trainable, w.trainable);
            ++*compared;
        }
    }
}

bool folderIsEmpty(const QString &path)
{
    return QDir(path).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot).isEmpty();
}

} // namespace

void TestModelExporter::initTestCase()
{
    QVERIFY(m_scratch.isValid());
    QVERIFY2(QFileInfo::exists(QStringLiteral("/usr/bin/python3")), "Debian's python3 (with h5py) is needed");
}

void TestModelExporter::roundTrip_data()
{
    QTest::addColumn<QString>("fixture");
    QTest::addColumn<QString>("suffix");
    QTest::addColumn<bool>("full");
    QTest::addColumn<QString>("checkerFormat");
    const QStringList fixtures = kerasFixtures();
    QVERIFY(fixtures.size() >= 40);
    for (const QString &fixture : fixtures)
        for (const FormatCase &f : formats)
            QTest::newRow(qPrintable(fixture + QStringLiteral(" -> ") + QLatin1String(f.tag)))
                << fixture << QString::fromLatin1(f.suffix) << f.full << QString::fromLatin1(f.checkerFormat);
}

void TestModelExporter::roundTrip()
{
    QFETCH(QString, fixture);
    QFETCH(QString, suffix);
    QFETCH(bool, full);
    QFETCH(QString, checkerFormat);
    GRAFT_REQUIRE_DATA(fixture);
    GRAFT_REQUIRE_ARCHITECTURE_SOURCE(fixture);
    if (checkerFormat == QLatin1String("keras2-full")) // the checker's reference for Keras 2 full-model files
        GRAFT_REQUIRE_DATA(QStringLiteral("keras/keras2/3layer_batch_norm.h5"));

    LoadOptions loadOptions;
    loadOptions.architectureJsonPath = architectureFor(fixture, m_scratch.path());
    auto original = KerasFileLoader::load(graft::testing::dataPath(fixture), loadOptions);
    QVERIFY2(original, qPrintable(original.errorString()));

    QTemporaryDir out;
    QVERIFY(out.isValid());
    const QString target = out.filePath(QStringLiteral("exported") + suffix);
    ExportOptions options;
    options.fullModel = full;
    const bool keras3Source =
        original->format.startsWith(QLatin1String("keras3")) || original->kerasVersion.startsWith(QLatin1Char('3'));
    auto engine = original->hasArchitecture ? InferenceModel::build(*original)
                                            : Expected<InferenceModel>(makeError(QStringLiteral("no architecture")));
    const bool needsArchitecture = full || suffix == QLatin1String(".keras") || suffix == QLatin1String(".pt")
                                   || (suffix == QLatin1String(".h5") && keras3Source)
                                   || (suffix == QLatin1String(".weights.h5") && !keras3Source);
    auto result = ModelExporter::exportModel(*original, target, options);

    if (needsArchitecture && !original->hasArchitecture) {
        QVERIFY2(!result, "exporting a model without architecture as a full model must fail");
        QVERIFY2(result.errorString().contains(QLatin1String("without an architecture")),
                 qPrintable(result.errorString()));
        QVERIFY2(folderIsEmpty(out.path()), "a refused export left files behind");
        return;
    }
    if (suffix == QLatin1String(".pt") && !engine) {
        QVERIFY2(!result, "TorchScript of a model the engine cannot run must fail");
        QVERIFY2(folderIsEmpty(out.path()), "a failed TorchScript export left files behind");
        return;
    }
    QVERIFY2(result, qPrintable(result.errorString()));
    QVERIFY(QFileInfo::exists(target));
    QCOMPARE(result->writtenFiles.value(0), target);
    for (const QString &file : result->writtenFiles)
        QVERIFY2(QFileInfo::exists(file), qPrintable(file));
    // Nothing but the declared files: no temporary file left over.
    QCOMPARE(QDir(out.path()).entryList(QDir::Files | QDir::Hidden).size(), result->writtenFiles.size());

    if (suffix == QLatin1String(".pt")) {
        QFile pt(target); // a TorchScript archive is a zip; tst_cli_export runs it in PyTorch
        QVERIFY(pt.open(QIODevice::ReadOnly));
        QVERIFY(pt.read(4) == QByteArray("PK\x03\x04", 4));
        return;
    }

    // Keras's view of the file: layers by position, counts, shapes, paths, attribute types.
    const QString expectation = out.filePath(QStringLiteral("expectation.json.txt"));
    {
        QFile e(expectation);
        QVERIFY(e.open(QIODevice::WriteOnly));
        e.write(expectationJson(*original, checkerFormat));
    }
    const bool keras3Listing = !original->hasArchitecture && keras3Source;
    if (!keras3Listing) { // paths of a listing come from the file, not from class names
        QString output;
        const int code = runPython({checkerScript(), target, expectation, dataDirsArgument()}, &output);
        QVERIFY2(code == 0, qPrintable(output));
    }

    // Graft reads it back: the companion <stem>.json supplies the architecture of weights-only files.
    auto reloaded = KerasFileLoader::load(target);
    QVERIFY2(reloaded, qPrintable(reloaded.errorString()));
    QCOMPARE(reloaded->hasArchitecture, original->hasArchitecture);
    for (const QString &warning : reloaded->warnings)
        QVERIFY2(!warning.contains(QLatin1String("expects")) && !warning.contains(QLatin1String("belong to no layer")),
                 qPrintable(warning));
    int compared = 0;
    compareWeights(original->model, reloaded->model, &compared);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(reloaded->params().total, original->params().total);
    if (!original->hasArchitecture || !engine)
        return;

    auto again = InferenceModel::build(*reloaded);
    QVERIFY2(again, qPrintable(again.errorString()));
    const std::vector<TensorData> inputs = randomInputs(original->model, 4, 8, 7);
    auto expected = engine->predict(inputs);
    QVERIFY2(expected, qPrintable(expected.errorString()));
    auto actual = again->predict(inputs);
    QVERIFY2(actual, qPrintable(actual.errorString()));
    const bool keras3Target = suffix == QLatin1String(".keras") || suffix == QLatin1String(".weights.h5");
    bool semanticsChange = false;
    for (const QString &warning : result->warnings)
        semanticsChange = semanticsChange || warning.contains(QLatin1String("Keras 3"));
    const double difference = maxAbsDifference(*expected, *actual);
    if (keras3Target && !keras3Source && semanticsChange) {
        // Keras 3 computes these layers differently; the export must have said so.
        qInfo("%s: Keras 3 semantics differ (max difference %g), as the export warned", qPrintable(fixture),
              difference);
        return;
    }
    QVERIFY2(difference == 0.0, qPrintable(QStringLiteral("predictions differ by %1").arg(difference)));
}

void TestModelExporter::remappedHeadIsWrittenAsRemapped_data()
{
    QTest::addColumn<QString>("fixture");
    QTest::addColumn<QString>("head");
    QTest::addColumn<QString>("suffix");
    for (const char *suffix : {".h5", ".keras", ".weights.h5"}) {
        QTest::newRow(qPrintable(QStringLiteral("sequential %1").arg(QLatin1String(suffix))))
            << "keras/keras2/conv2d_model.h5"
            << "dense_2" << QString::fromLatin1(suffix);
        QTest::newRow(qPrintable(QStringLiteral("functional %1").arg(QLatin1String(suffix))))
            << "keras/keras2/gru_model_weights.h5"
            << "fc3_relu" << QString::fromLatin1(suffix);
    }
}

void TestModelExporter::remappedHeadIsWrittenAsRemapped()
{
    QFETCH(QString, fixture);
    QFETCH(QString, head);
    QFETCH(QString, suffix);
    GRAFT_REQUIRE_DATA(fixture);
    if (suffix == QLatin1String(".h5"))
        GRAFT_REQUIRE_DATA(QStringLiteral("keras/keras2/3layer_batch_norm.h5"));
    auto loaded = KerasFileLoader::load(graft::testing::dataPath(fixture));
    QVERIFY2(loaded, qPrintable(loaded.errorString()));
    Layer *dense = loaded->model.layer(head);
    if (!dense) { // the head's name differs between fixtures: take the last Dense
        for (Layer &layer : loaded->model.layers)
            if (layer.className == QLatin1String("Dense"))
                dense = &layer;
    }
    QVERIFY(dense);
    // What a head remap does: new units, new kernel and bias (here 3 classes).
    const std::int64_t inputs = dense->weights.at(0).tensor.shape.at(0);
    dense->config.insert(QStringLiteral("units"), 3);
    dense->weights[0].tensor = TensorData{{inputs, 3}, std::vector<float>(std::size_t(inputs * 3), 0.25f)};
    dense->weights[1].tensor = TensorData{{3}, {0.5f, -0.5f, 1.0f}};
    dense->outputShapes = {{3}};
    loaded->classNames = QStringList{QStringLiteral("cat"), QStringLiteral("dog"), QStringLiteral("bird")};

    QTemporaryDir out;
    const QString target = out.filePath(QStringLiteral("remapped") + suffix);
    ExportOptions options;
    options.fullModel = suffix == QLatin1String(".h5");
    auto result = ModelExporter::exportModel(*loaded, target, options);
    QVERIFY2(result, qPrintable(result.errorString()));
    QVERIFY(result->writtenFiles.contains(out.filePath(QStringLiteral("remapped.labels.txt"))));

    auto reloaded = KerasFileLoader::load(target);
    QVERIFY2(reloaded, qPrintable(reloaded.errorString()));
    QVERIFY(reloaded->hasArchitecture);
    const Layer *head2 = reloaded->model.layer(dense->name);
    QVERIFY(head2);
    QCOMPARE(head2->config.value(QStringLiteral("units")).toInt(), 3);
    QCOMPARE(head2->weights.at(0).tensor.shape, (std::vector<std::int64_t>{inputs, 3}));
    QCOMPARE(head2->weights.at(1).tensor.values, (std::vector<float>{0.5f, -0.5f, 1.0f}));
    QCOMPARE(reloaded->classNames, loaded->classNames);
    auto engine = InferenceModel::build(*reloaded);
    QVERIFY2(engine, qPrintable(engine.errorString()));
    auto predicted = engine->predict(randomInputs(reloaded->model, 2, 8, 3));
    QVERIFY2(predicted, qPrintable(predicted.errorString()));
    QCOMPARE(predicted->front().shape.back(), std::int64_t(3));

    const QString expectation = out.filePath(QStringLiteral("expectation.txt"));
    QFile e(expectation);
    QVERIFY(e.open(QIODevice::WriteOnly));
    e.write(expectationJson(*loaded, suffix == QLatin1String(".h5")      ? QStringLiteral("keras2-full")
                                     : suffix == QLatin1String(".keras") ? QStringLiteral("keras3-zip")
                                                                         : QStringLiteral("keras3-weights")));
    e.close();
    QString output;
    QVERIFY2(runPython({checkerScript(), target, expectation, dataDirsArgument()}, &output) == 0, qPrintable(output));

    // Class names beside the model that cannot be read are reported, never half-read.
    QFile labels(out.filePath(QStringLiteral("remapped.labels.txt")));
    QVERIFY(labels.open(QIODevice::WriteOnly | QIODevice::Truncate));
    labels.write("\n \n");
    labels.close();
    auto unlabelled = KerasFileLoader::load(target);
    QVERIFY2(unlabelled, qPrintable(unlabelled.errorString()));
    QVERIFY(unlabelled->classNames.isEmpty());
    QVERIFY2(unlabelled->warnings.join(QLatin1Char('\n')).contains(labels.fileName()),
             qPrintable(unlabelled->warnings.join(QLatin1Char('\n'))));
}

void TestModelExporter::longLayerListIsChunkedLikeKeras()
{
    // 3000 layers with 40-character names: 120 kB of layer_names, over HDF5's 64 KiB header limit.
    LoadedModel model;
    model.sourcePath = m_scratch.filePath(QStringLiteral("none.h5"));
    model.format = QStringLiteral("keras2-h5-weights");
    model.kerasVersion = QStringLiteral("2.3.0-tf");
    for (int i = 0; i < 3000; ++i) {
        Layer layer;
        layer.name = QStringLiteral("dense_with_a_rather_long_name_%1").arg(i, 10, 10, QLatin1Char('0'));
        layer.className = QStringLiteral("Dense");
        layer.classGuessed = true;
        if (i % 2 == 0)
            layer.weights << LayerWeight{QStringLiteral("kernel"), QString(), TensorData{{2, 1}, {float(i), 1.0f}},
                                         true};
        model.model.layers << layer;
    }
    const QString target = m_scratch.filePath(QStringLiteral("many.h5"));
    auto result = ModelExporter::exportModel(model, target);
    QVERIFY2(result, qPrintable(result.errorString()));
    auto reloaded = KerasFileLoader::load(target);
    QVERIFY2(reloaded, qPrintable(reloaded.errorString()));
    QCOMPARE(reloaded->model.layers.size(), 3000);
    QCOMPARE(reloaded->model.layers.at(2998).weights.at(0).tensor.values, (std::vector<float>{2998.0f, 1.0f}));
    QString output;
    const int code = runPython(
        {QStringLiteral("-c"),
         QStringLiteral("import h5py, sys\n"
                        "f = h5py.File(sys.argv[1], 'r')\n"
                        "assert 'layer_names' not in f.attrs\n"
                        "chunks = [f.attrs[k] for k in ('layer_names0', 'layer_names1')]\n"
                        "assert 'layer_names2' not in f.attrs\n"
                        "assert all(c.nbytes <= 64512 for c in chunks) and sum(len(c) for c in chunks) == 3000\n"
                        "assert chunks[0].dtype == chunks[1].dtype and chunks[0].dtype.kind == 'S'\n"
                        "print('chunked', [len(c) for c in chunks])\n"),
         target},
        &output);
    QVERIFY2(code == 0, qPrintable(output));
}

void TestModelExporter::frozenLayersStayFrozen()
{
    GRAFT_REQUIRE_DATA(QStringLiteral("keras/keras2/3layer_batch_norm.h5"));
    auto loaded = KerasFileLoader::load(graft::testing::dataPath(QStringLiteral("keras/keras2/3layer_batch_norm.h5")));
    QVERIFY2(loaded, qPrintable(loaded.errorString()));
    loaded->model.layer(QStringLiteral("fc1_relu"))->trainable = false;
    loaded->model.layer(QStringLiteral("bn1"))->trainable = false;
    for (const char *suffix : {".h5", ".keras"}) {
        QTemporaryDir out;
        const QString target = out.filePath(QStringLiteral("frozen") + QLatin1String(suffix));
        ExportOptions options;
        options.fullModel = QLatin1String(suffix) == QLatin1String(".h5");
        auto result = ModelExporter::exportModel(*loaded, target, options);
        QVERIFY2(result, qPrintable(result.errorString()));
        auto reloaded = KerasFileLoader::load(target);
        QVERIFY2(reloaded, qPrintable(reloaded.errorString()));
        QVERIFY(!reloaded->model.layer(QStringLiteral("fc1_relu"))->trainable);
        QVERIFY(!reloaded->model.layer(QStringLiteral("bn1"))->trainable);
        QVERIFY(reloaded->model.layer(QStringLiteral("fc2_relu"))->trainable);
        QCOMPARE(reloaded->params().trainable, loaded->params().trainable);
    }
}

void TestModelExporter::checkerRejectsDamagedFiles_data()
{
    // The Python checker must fail where Keras would: each row damages a correct export one way.
    QTest::addColumn<QString>("suffix");
    QTest::addColumn<bool>("full");
    QTest::addColumn<QString>("checkerFormat");
    QTest::addColumn<QString>("damage"); // Python run with `f` = the file opened read-write
    QTest::addColumn<QString>("complaint");
    QTest::newRow("wrong kernel shape")
        << ".h5" << false << "keras2-weights"
        << "del f['fc1_relu/fc1_relu/kernel:0']\nf['fc1_relu/fc1_relu'].create_dataset('kernel:0', data=np.zeros((3, "
           "3), 'f4'))"
        << "has shape";
    QTest::newRow("a weight too few")
        << ".h5" << true << "keras2-full"
        << "g = f['model_weights/bn1']\ng.attrs['weight_names'] = np.array([b'bn1/gamma:0', b'bn1/beta:0'])"
        << "needs 4";
    QTest::newRow("layer order")
        << ".h5" << false << "keras2-weights"
        << "n = list(f.attrs['layer_names'])\nn[1], n[2] = n[2], n[1]\nf.attrs['layer_names'] = np.array(n)"
        << "layer order";
    QTest::newRow("vlen layer_names") << ".h5" << false << "keras2-weights"
                                      << "n = [x.decode() for x in f.attrs['layer_names']]\nf.attrs['layer_names'] = "
                                         "np.array(n, dtype=h5py.string_dtype())"
                                      << "typed";
    QTest::newRow("Keras 3 path") << ".weights.h5" << false << "keras3-weights"
                                  << "f.move('layers/dense', 'layers/dense_9')"
                                  << "no vars group for layers/dense";
    QTest::newRow("Keras 3 variable count") << ".weights.h5" << false << "keras3-weights"
                                            << "del f['layers/batch_normalization/vars/3']"
                                            << "variables";
}

void TestModelExporter::checkerRejectsDamagedFiles()
{
    QFETCH(QString, suffix);
    QFETCH(bool, full);
    QFETCH(QString, checkerFormat);
    QFETCH(QString, damage);
    QFETCH(QString, complaint);
    GRAFT_REQUIRE_DATA(QStringLiteral("keras/keras2/3layer_batch_norm.h5"));
    auto loaded = KerasFileLoader::load(graft::testing::dataPath(QStringLiteral("keras/keras2/3layer_batch_norm.h5")));
    QVERIFY2(loaded, qPrintable(loaded.errorString()));
    QTemporaryDir out;
    const QString target = out.filePath(QStringLiteral("model") + suffix);
    ExportOptions options;
    options.fullModel = full;
    QVERIFY(ModelExporter::exportModel(*loaded, target, options));
    const QString expectation = out.filePath(QStringLiteral("expectation.txt"));
    QFile e(expectation);
    QVERIFY(e.open(QIODevice::WriteOnly));
    e.write(expectationJson(*loaded, checkerFormat));
    e.close();
    QString output;
    QVERIFY2(runPython({checkerScript(), target, expectation, dataDirsArgument()}, &output) == 0, qPrintable(output));
    const QString script =
        QStringLiteral("import sys, h5py, numpy as np\nf = h5py.File(sys.argv[1], 'r+')\n%1\nf.close()\n").arg(damage);
    QVERIFY2(runPython({QStringLiteral("-c"), script, target}, &output) == 0, qPrintable(output));
    QVERIFY2(runPython({checkerScript(), target, expectation, dataDirsArgument()}, &output) == 1, qPrintable(output));
    QVERIFY2(output.contains(QLatin1String("FAIL")) && output.contains(complaint), qPrintable(output));
}

void TestModelExporter::failureAfterTheTemporaryFileLeavesNothing_data()
{
    QTest::addColumn<QString>("suffix");
    QTest::addColumn<bool>("full");
    for (const FormatCase &f : formats)
        QTest::newRow(f.tag) << QString::fromLatin1(f.suffix) << f.full;
}

void TestModelExporter::failureAfterTheTemporaryFileLeavesNothing()
{
    QFETCH(QString, suffix);
    QFETCH(bool, full);
    // A layer whose weights did not load (a mismatch the loader reported): found while writing.
    auto loaded = KerasFileLoader::load(graft::testing::dataPath(QStringLiteral("keras/keras2/conv1d_1layer.h5")));
    QVERIFY2(loaded, qPrintable(loaded.errorString()));
    loaded->model.layer(QStringLiteral("conv1d"))->weights.clear();
    loaded->classNames = QStringList{QStringLiteral("only")};
    QTemporaryDir out;
    const QString target = out.filePath(QStringLiteral("broken") + suffix);
    ExportOptions options;
    options.fullModel = full;
    auto result = ModelExporter::exportModel(*loaded, target, options);
    QVERIFY(!result);
    QVERIFY2(result.errorString().contains(QLatin1String("conv1d")), qPrintable(result.errorString()));
    QVERIFY2(result.errorString().contains(target), qPrintable(result.errorString()));
    QVERIFY2(folderIsEmpty(out.path()), qPrintable(QDir(out.path()).entryList(QDir::Hidden | QDir::Files).join(' ')));
}

void TestModelExporter::formatFollowsTheName_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("full");
    QTest::addColumn<int>("format"); // -1: refused
    QTest::newRow("h5") << "m.h5" << false << int(ExportFormat::Keras2Weights);
    QTest::newRow("HDF5 upper case") << "M.HDF5" << false << int(ExportFormat::Keras2Weights);
    QTest::newRow("h5 full") << "m.h5" << true << int(ExportFormat::Keras2Full);
    QTest::newRow("weights.h5") << "m.weights.h5" << false << int(ExportFormat::Keras3Weights);
    QTest::newRow("weights.h5 full") << "m.weights.h5" << true << -1;
    QTest::newRow("keras") << "m.keras" << false << int(ExportFormat::KerasArchive);
    QTest::newRow("keras full") << "m.keras" << true << -1;
    QTest::newRow("pt") << "m.pt" << false << int(ExportFormat::TorchScript);
    QTest::newRow("onnx") << "m.onnx" << false << -1;
    QTest::newRow("no suffix") << "model" << false << -1;
}

void TestModelExporter::formatFollowsTheName()
{
    QFETCH(QString, name);
    QFETCH(bool, full);
    QFETCH(int, format);
    auto f = ModelExporter::formatFor(name, full);
    QCOMPARE(f ? int(*f) : -1, format);
    if (!f)
        QVERIFY(f.errorString().contains(name));
}

GRAFT_TEST_APPLESS_MAIN(TestModelExporter)
#include "tst_modelexporter.moc"
