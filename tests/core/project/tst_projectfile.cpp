// The project file: round trip of every field, relative paths, versioning, and
// errors that name the file and field for malformed, mistyped and damaged input.

#include "core/project/projectfile.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

using namespace graft;

class TestProjectFile : public QObject
{
    Q_OBJECT

private:
    static Project sampleProject(const QString &root)
    {
        Project p;
        p.model.path = root + QStringLiteral("/models/speakers.h5");
        p.model.architecturePath = root + QStringLiteral("/models/speakers.json");
        p.model.oldClassNamesPath = QStringLiteral("/opt/elsewhere/labels.txt");
        p.dataset.path = root + QStringLiteral("/data/train");
        p.dataset.validationPath = root + QStringLiteral("/data/val");
        p.dataset.validationSplit = 0.25;
        p.audio.params.feature = AudioFeatureKind::MelSpectrogramDb;
        p.audio.params.sampleRate = 16000;
        p.audio.params.mono = false;
        p.audio.params.offset = 0.5;
        p.audio.params.duration = 2.0;
        p.audio.params.nFft = 1024;
        p.audio.params.hopLength = 256;
        p.audio.params.winLength = 800;
        p.audio.params.window = WindowType::Hamming;
        p.audio.params.center = false;
        p.audio.params.padMode = PadMode::Reflect;
        p.audio.params.power = 1.0;
        p.audio.params.nMels = 40;
        p.audio.params.fmin = 20.0;
        p.audio.params.fmax = 7600.0;
        p.audio.params.htk = true;
        p.audio.params.melNorm = MelNorm::None;
        p.audio.params.topDb.reset();
        p.audio.params.nMfcc = 13;
        p.audio.params.dctType = 3;
        p.audio.params.dctNorm = DctNorm::None;
        p.audio.params.lifter = 22.0;
        p.audio.shaping.orientation = FeatureOrientation::FramesByFeatures;
        p.audio.shaping.frames = 87;
        p.audio.shaping.sampleCount = 44100;
        p.audio.shaping.crop = CropAnchor::Center;
        p.audio.shaping.meanOverTime = true;
        p.audio.shaping.channelAxis = ChannelAxis::Last;
        p.audio.shaping.padValue = -80.0f;
        p.image.height = 96;
        p.image.width = 128;
        p.image.colorMode = ColorMode::Grayscale;
        p.image.scale = PixelScale::UnitInterval;
        p.image.channelsFirst = true;
        p.headPlan =
            QJsonObject{{QStringLiteral("mode"), QStringLiteral("per-row")}, {QStringLiteral("old_units"), 18}};
        ProjectTrainingSettings &t = p.training;
        t.optimizer = QStringLiteral("sgd");
        t.learningRate = 0.01;
        t.momentum = 0.9;
        t.nesterov = true;
        t.batchSize = 16;
        t.epochs = 12;
        t.train = QStringLiteral("from:conv2d_3");
        t.phase1Epochs = 3;
        t.unfreezeLrMultiplier = 0.1;
        t.labelSmoothing = 0.05;
        t.balancedClassWeights = true;
        t.shuffle = false;
        t.seed = 18446744073709551557ull; // above 2^53: must survive as a string
        t.monitor = QStringLiteral("val_accuracy");
        t.earlyStoppingPatience = 4;
        t.minDelta = 0.001;
        t.reduceLrPatience = 2;
        t.reduceLrFactor = 0.5;
        t.minLr = 1e-6;
        t.compareScratch = true;
        return p;
    }

    static QByteArray minimal(const QJsonObject &extra = {})
    {
        QJsonObject root{{QStringLiteral("format"), QStringLiteral("graft-project")}, {QStringLiteral("version"), 1}};
        for (auto it = extra.begin(); it != extra.end(); ++it)
            root.insert(it.key(), it.value());
        return QJsonDocument(root).toJson();
    }

private Q_SLOTS:
    void roundTripKeepsEveryField()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString root = QDir(dir.path()).canonicalPath();
        const QString path = root + QStringLiteral("/session.graft");
        const Project original = sampleProject(root);
        QVERIFY(ProjectFile::write(original, path));

        // Paths inside the project's folder are stored relative, others absolute.
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonObject json = QJsonDocument::fromJson(file.readAll()).object();
        QCOMPARE(json.value(QStringLiteral("version")).toInt(), 1);
        QCOMPARE(json.value(QStringLiteral("model")).toObject().value(QStringLiteral("path")).toString(),
                 QStringLiteral("models/speakers.h5"));
        QCOMPARE(json.value(QStringLiteral("model")).toObject().value(QStringLiteral("old_class_names")).toString(),
                 QStringLiteral("/opt/elsewhere/labels.txt"));
        QCOMPARE(json.value(QStringLiteral("training")).toObject().value(QStringLiteral("seed")).toString(),
                 QStringLiteral("18446744073709551557"));

        auto read = ProjectFile::read(path);
        QVERIFY2(read, qPrintable(read.errorString()));
        const Project &p = *read;
        QCOMPARE(p.model.path, original.model.path);
        QCOMPARE(p.model.architecturePath, original.model.architecturePath);
        QCOMPARE(p.model.oldClassNamesPath, original.model.oldClassNamesPath);
        QCOMPARE(p.dataset.path, original.dataset.path);
        QCOMPARE(p.dataset.validationPath, original.dataset.validationPath);
        QCOMPARE(p.dataset.validationSplit, 0.25);
        // Every librosa parameter and shaping field, compared through core's own description.
        QCOMPARE(p.audio.toKeyString(), original.audio.toKeyString());
        QCOMPARE(p.audio.params.topDb.has_value(), false);
        QCOMPARE(p.audio.params.melNorm, MelNorm::None);
        QCOMPARE(p.audio.shaping.padValue, -80.0f);
        QCOMPARE(p.image.toKeyString(), original.image.toKeyString());
        QCOMPARE(p.headPlan.value(), original.headPlan.value());
        const ProjectTrainingSettings &t = p.training;
        QCOMPARE(t.optimizer, QStringLiteral("sgd"));
        QCOMPARE(t.learningRate.value(), 0.01);
        QCOMPARE(t.momentum, 0.9);
        QVERIFY(t.nesterov);
        QCOMPARE(t.batchSize, 16);
        QCOMPARE(t.epochs, 12);
        QCOMPARE(t.train, QStringLiteral("from:conv2d_3"));
        QCOMPARE(t.phase1Epochs, 3);
        QCOMPARE(t.unfreezeLrMultiplier, 0.1);
        QCOMPARE(t.labelSmoothing, 0.05);
        QVERIFY(t.balancedClassWeights);
        QVERIFY(!t.shuffle);
        QCOMPARE(t.seed, std::uint64_t(18446744073709551557ull));
        QCOMPARE(t.monitor, QStringLiteral("val_accuracy"));
        QCOMPARE(t.earlyStoppingPatience.value(), 4);
        QCOMPARE(t.minDelta, 0.001);
        QCOMPARE(t.reduceLrPatience.value(), 2);
        QCOMPARE(t.reduceLrFactor, 0.5);
        QCOMPARE(t.minLr, 1e-6);
        QVERIFY(t.compareScratch);

        // Written again, the bytes are the same (stable output for version control).
        QCOMPARE(ProjectFile::serialize(p, path), ProjectFile::serialize(original, path));
    }

    void relativePathsFollowTheProject()
    {
        const QString path = QStringLiteral("/home/someone/work/run.graft");
        const QByteArray bytes = minimal(
            {{QStringLiteral("dataset"), QJsonObject{{QStringLiteral("path"), QStringLiteral("../data/./speakers")}}}});
        auto p = ProjectFile::parse(bytes, path);
        QVERIFY2(p, qPrintable(p.errorString()));
        QCOMPARE(p->dataset.path, QStringLiteral("/home/someone/data/speakers"));
    }

    void defaultsWhenFieldsAreMissing()
    {
        auto p = ProjectFile::parse(minimal(), QStringLiteral("/tmp/x.graft"));
        QVERIFY2(p, qPrintable(p.errorString()));
        QCOMPARE(p->audio.params.toKeyString(), AudioFeatureParams().toKeyString());
        QCOMPARE(p->training.batchSize, 32);
        QCOMPARE(p->training.optimizer, QStringLiteral("adam"));
        QVERIFY(!p->training.learningRate);
        QVERIFY(!p->headPlan);
        QVERIFY(p->model.path.isEmpty());
        QVERIFY(!p->text); // projects written before text datasets, and those of audio or images
    }

    void textSettingsRoundTrip()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString root = QDir(dir.path()).canonicalPath();
        const QString path = root + QStringLiteral("/tickets.graft");
        Project original;
        original.dataset.path = root + QStringLiteral("/data/tickets.csv");
        ProjectText text;
        text.tokenizer = QStringLiteral("textvectorization");
        text.vocabularyPath = root + QStringLiteral("/model/vocab.txt");
        text.textColumn = QStringLiteral("title");
        text.labelColumn = QStringLiteral("2");
        text.maxLength = 100;
        text.padding.padding = PaddingSide::Post;
        text.padding.truncating = PaddingSide::Post;
        text.padding.value = 0;
        original.text = text;
        QVERIFY(ProjectFile::write(original, path));

        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonObject json =
            QJsonDocument::fromJson(file.readAll()).object().value(QStringLiteral("text")).toObject();
        QCOMPARE(json.value(QStringLiteral("tokenizer")).toString(), QStringLiteral("textvectorization"));
        QCOMPARE(json.value(QStringLiteral("vocabulary")).toString(),
                 QStringLiteral("model/vocab.txt")); // moves with the project
        QCOMPARE(json.value(QStringLiteral("max_len")).toInt(), 100);
        QCOMPARE(json.value(QStringLiteral("padding")).toString(), QStringLiteral("post"));

        auto read = ProjectFile::read(path);
        QVERIFY2(read, qPrintable(read.errorString()));
        QVERIFY(read->text.has_value());
        QCOMPARE(read->text->tokenizer, text.tokenizer);
        QCOMPARE(read->text->vocabularyPath, text.vocabularyPath);
        QCOMPARE(read->text->textColumn, QStringLiteral("title"));
        QCOMPARE(read->text->labelColumn, QStringLiteral("2"));
        QCOMPARE(read->text->maxLength, 100);
        QCOMPARE(read->text->padding.padding, PaddingSide::Post);
        QCOMPARE(read->text->padding.truncating, PaddingSide::Post);
        QVERIFY(*read->text == text);
        QCOMPARE(ProjectFile::serialize(*read, path), ProjectFile::serialize(original, path));

        // A project without text settings writes none.
        original.text.reset();
        QVERIFY(!ProjectFile::serialize(original, path).contains("\"tokenizer\""));

        // Missing fields take Keras's and graft-cli's defaults.
        auto partial =
            ProjectFile::parse(minimal({{QStringLiteral("text"),
                                         QJsonObject{{QStringLiteral("tokenizer"), QStringLiteral("wordpiece")}}}}),
                               path);
        QVERIFY2(partial, qPrintable(partial.errorString()));
        QVERIFY(partial->text == ProjectText());
    }

    void errorsNameFileAndField_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("expected");
        auto row = [](const char *name, const QByteArray &json, const QString &expected) {
            QTest::newRow(name) << json << expected;
        };
        auto with = [](const char *section, const QJsonObject &object) {
            return minimal({{QLatin1String(section), object}});
        };
        row("empty", QByteArray(), QStringLiteral("not valid JSON"));
        row("truncated", minimal().left(20), QStringLiteral("not valid JSON"));
        row("garbage", QByteArray("\x89PNG\r\n\x1a\n"), QStringLiteral("not valid JSON"));
        row("array", QByteArray("[1, 2]"), QStringLiteral("not an array"));
        row("other format", QByteArray(R"({"format": "keras", "version": 1})"), QStringLiteral("not a Graft project"));
        row("no version", QByteArray(R"({"format": "graft-project"})"), QStringLiteral("\"version\""));
        row("string version", QByteArray(R"({"format": "graft-project", "version": "1"})"),
            QStringLiteral("\"version\""));
        row("newer version", QByteArray(R"({"format": "graft-project", "version": 7})"), QStringLiteral("newer Graft"));
        row("model not object", minimal({{QStringLiteral("model"), 3}}), QStringLiteral("model must be an object"));
        row("path not string", with("model", {{QStringLiteral("path"), 12}}),
            QStringLiteral("model.path must be a string"));
        row("split too big", with("dataset", {{QStringLiteral("validation_split"), 1.5}}),
            QStringLiteral("dataset.validation_split must be a number"));
        row("n_fft text",
            minimal({{QStringLiteral("features"),
                      QJsonObject{
                          {QStringLiteral("audio"), QJsonObject{{QStringLiteral("n_fft"), QStringLiteral("big")}}}}}}),
            QStringLiteral("features.audio.n_fft must be a whole number"));
        row("n_mfcc fraction",
            minimal({{QStringLiteral("features"),
                      QJsonObject{{QStringLiteral("audio"), QJsonObject{{QStringLiteral("n_mfcc"), 12.5}}}}}}),
            QStringLiteral("features.audio.n_mfcc must be a whole number"));
        row("unknown window",
            minimal({{QStringLiteral("features"),
                      QJsonObject{{QStringLiteral("audio"),
                                   QJsonObject{{QStringLiteral("window"), QStringLiteral("kaiser")}}}}}}),
            QStringLiteral("features.audio.window must be one of hann"));
        row("win_length over n_fft",
            minimal({{QStringLiteral("features"),
                      QJsonObject{{QStringLiteral("audio"), QJsonObject{{QStringLiteral("n_fft"), 512},
                                                                        {QStringLiteral("win_length"), 1024}}}}}}),
            QStringLiteral("features.audio: "));
        row("shaping axis",
            minimal({{QStringLiteral("features"),
                      QJsonObject{{QStringLiteral("audio"), QJsonObject{{QStringLiteral("shaping"),
                                                                         QJsonObject{{QStringLiteral("channel_axis"),
                                                                                      QStringLiteral("middle")}}}}}}}}),
            QStringLiteral("features.audio.shaping.channel_axis must be one of none, first, last"));
        row("image color",
            minimal({{QStringLiteral("features"),
                      QJsonObject{{QStringLiteral("image"),
                                   QJsonObject{{QStringLiteral("color_mode"), QStringLiteral("cmyk")}}}}}}),
            QStringLiteral("features.image.color_mode"));
        row("head plan array", minimal({{QStringLiteral("head_plan"), QJsonArray()}}),
            QStringLiteral("head_plan must be an object"));
        row("optimizer", with("training", {{QStringLiteral("optimizer"), QStringLiteral("adagrad")}}),
            QStringLiteral("training.optimizer must be one of adam, sgd, rmsprop (found 'adagrad')"));
        row("batch zero", with("training", {{QStringLiteral("batch_size"), 0}}),
            QStringLiteral("training.batch_size must be a whole number from 1"));
        row("train", with("training", {{QStringLiteral("train"), QStringLiteral("from:")}}),
            QStringLiteral("training.train must be head, all or from:LAYER"));
        row("monitor", with("training", {{QStringLiteral("monitor"), QStringLiteral("val_f1")}}),
            QStringLiteral("training.monitor"));
        row("seed negative", with("training", {{QStringLiteral("seed"), -1}}),
            QStringLiteral("training.seed must be a whole number"));
        row("seed text", with("training", {{QStringLiteral("seed"), QStringLiteral("abc")}}),
            QStringLiteral("training.seed"));
        row("nesterov", with("training", {{QStringLiteral("nesterov"), 1}}),
            QStringLiteral("training.nesterov must be true or false"));
        row("text not object", minimal({{QStringLiteral("text"), QStringLiteral("wordpiece")}}),
            QStringLiteral("text must be an object"));
        row("tokenizer", with("text", {{QStringLiteral("tokenizer"), QStringLiteral("sentencepiece")}}),
            QStringLiteral("text.tokenizer must be one of wordpiece, textvectorization, none"));
        row("padding side", with("text", {{QStringLiteral("padding"), QStringLiteral("both")}}),
            QStringLiteral("text.padding must be one of pre, post"));
        row("max_len negative", with("text", {{QStringLiteral("max_len"), -1}}),
            QStringLiteral("text.max_len must be a whole number"));
        row("class weights", with("training", {{QStringLiteral("class_weights"), QStringLiteral("auto")}}),
            QStringLiteral("training.class_weights must be none or balanced"));
    }

    void errorsNameFileAndField()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, expected);
        const QString path = QStringLiteral("/projects/broken.graft");
        auto p = ProjectFile::parse(json, path);
        QVERIFY(!p);
        const QString message = p.errorString();
        QVERIFY2(message.startsWith(path + QLatin1Char(':')), qPrintable(message));
        QVERIFY2(message.contains(expected), qPrintable(message));
    }

    void missingAndOversizedFiles()
    {
        QTemporaryDir dir;
        const QString missing = dir.filePath(QStringLiteral("nothing.graft"));
        auto p = ProjectFile::read(missing);
        QVERIFY(!p);
        QVERIFY2(p.errorString().contains(missing), qPrintable(p.errorString()));

        const QString big = dir.filePath(QStringLiteral("big.graft"));
        QFile file(big);
        QVERIFY(file.open(QIODevice::WriteOnly));
        QVERIFY(file.resize(ProjectFile::maxBytes + 1));
        file.close();
        p = ProjectFile::read(big);
        QVERIFY(!p);
        QVERIFY2(p.errorString().contains(QStringLiteral("too large")), qPrintable(p.errorString()));
    }

    void failedWriteLeavesTheOldFile()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("keep.graft"));
        Project p;
        p.dataset.path = dir.filePath(QStringLiteral("data"));
        QVERIFY(ProjectFile::write(p, path));
        const QString notAFolder = path + QStringLiteral("/inside.graft");
        auto written = ProjectFile::write(p, notAFolder);
        QVERIFY(!written);
        QVERIFY2(written.errorString().contains(notAFolder), qPrintable(written.errorString()));
        QVERIFY(ProjectFile::read(path));
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{QStringLiteral("keep.graft")});
    }

    /** Damaged copies of a valid project either parse or fail with the file's name: never crash. */
    void randomDamageFailsCleanly()
    {
        Project p;
        p.headPlan = QJsonObject{{QStringLiteral("rows"), QJsonArray{1, 2, 3}}};
        const QString path = QStringLiteral("/fuzz/p.graft");
        const QByteArray valid = ProjectFile::serialize(p, path);
        QRandomGenerator random(7);
        int failures = 0;
        for (int round = 0; round < 3000; ++round) {
            QByteArray damaged = valid;
            const int edits = 1 + random.bounded(4);
            for (int e = 0; e < edits; ++e) {
                const int at = random.bounded(damaged.size());
                switch (random.bounded(3)) {
                case 0: damaged[at] = char(random.bounded(256)); break;
                case 1: damaged.remove(at, 1 + random.bounded(8)); break;
                default: damaged.insert(at, "\"0-{}[]:,"[random.bounded(9)]); break;
                }
                if (damaged.isEmpty())
                    break;
            }
            auto parsed = ProjectFile::parse(damaged, path);
            if (!parsed) {
                ++failures;
                QVERIFY2(parsed.errorString().startsWith(path), qPrintable(parsed.errorString()));
            }
        }
        QVERIFY(failures > 100); // the damage did reach the parser
    }
};

QTEST_APPLESS_MAIN(TestProjectFile)
#include "tst_projectfile.moc"
