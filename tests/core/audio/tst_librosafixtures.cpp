// Compares graft_audio with arrays produced by librosa 0.10.2 itself
// (shared/fixtures/mfcc): decoding, resampling, the mel basis, and every
// feature both from librosa's own waveform and end to end from the WAV.

#include "core/audio/audioloader.h"
#include "tests/common/testdata.h"
#include "core/audio/featureextractor.h"
#include "core/audio/melfilterbank.h"

#include "npytestreader.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <cmath>

using namespace graft;
using graft::test::NpyArray;
using graft::test::readNpy;

namespace {

QString fixtureRoot()
{
    return graft::testing::dataPath(QStringLiteral("mfcc"));
}

struct Comparison
{
    double maxAbs = 0;
    double maxRel = 0; ///< |a - b| / |b| over elements with |b| above the floor
    QString where;
};

// Relative error is only meaningful above amin: power_to_db clips everything below it anyway.
Comparison compare(const std::vector<float> &actual, const NpyArray &expected, int cols, double relFloor = 1e-10)
{
    Comparison result;
    for (std::size_t i = 0; i < actual.size() && i < expected.values.size(); ++i) {
        const double diff = std::abs(double(actual[i]) - expected.values[i]);
        if (diff > result.maxAbs) {
            result.maxAbs = diff;
            result.where = QStringLiteral("[%1, %2] got %3 want %4")
                               .arg(qint64(i) / cols)
                               .arg(qint64(i) % cols)
                               .arg(actual[i])
                               .arg(expected.values[i]);
        }
        const double scale = std::abs(expected.values[i]);
        if (scale > relFloor)
            result.maxRel = std::max(result.maxRel, diff / scale);
    }
    return result;
}

} // namespace

class LibrosaFixturesTest final : public QObject
{
    Q_OBJECT

private:
    QJsonArray m_cases;

    void addCaseRows()
    {
        QTest::addColumn<QJsonObject>("spec");
        for (const QJsonValue &value : m_cases) {
            const QJsonObject spec = value.toObject();
            QTest::newRow(qPrintable(spec.value(QStringLiteral("case")).toString())) << spec;
        }
    }

    static QString caseFile(const QJsonObject &spec, const QString &name)
    {
        return QDir(fixtureRoot()).filePath(spec.value(QStringLiteral("case")).toString() + QLatin1Char('/') + name);
    }

    static bool isMelCase(const QJsonObject &spec)
    {
        return spec.value(QStringLiteral("feature")).toString() != QLatin1String("mfcc");
    }

    /** The manifest's librosa calls translated into our parameter struct. */
    static AudioFeatureParams paramsFor(const QJsonObject &spec, AudioFeatureKind kind, QStringList *unknown = nullptr)
    {
        AudioFeatureParams params;
        params.feature = kind;
        const QJsonObject load = spec.value(QStringLiteral("load_kwargs")).toObject();
        if (load.contains(QStringLiteral("sr")))
            params.sampleRate =
                load.value(QStringLiteral("sr")).isNull() ? 0 : load.value(QStringLiteral("sr")).toInt();
        const QJsonObject kw = spec.value(QStringLiteral("feature_kwargs")).toObject();
        for (auto it = kw.begin(); it != kw.end(); ++it) {
            const QString key = it.key();
            if (key == QLatin1String("n_mfcc"))
                params.nMfcc = it.value().toInt();
            else if (key == QLatin1String("n_fft"))
                params.nFft = it.value().toInt();
            else if (key == QLatin1String("hop_length"))
                params.hopLength = it.value().toInt();
            else if (key == QLatin1String("n_mels"))
                params.nMels = it.value().toInt();
            else if (key == QLatin1String("fmin"))
                params.fmin = it.value().toDouble();
            else if (key == QLatin1String("fmax"))
                params.fmax = it.value().toDouble();
            else if (key == QLatin1String("htk"))
                params.htk = it.value().toBool();
            else if (unknown)
                unknown->append(key);
        }
        return params;
    }

    struct Expectation
    {
        AudioFeatureKind kind;
        QString file;
    };

    static QVector<Expectation> expectationsFor(const QJsonObject &spec)
    {
        if (isMelCase(spec))
            return {{AudioFeatureKind::MelSpectrogram, QStringLiteral("melspec_f32.npy")},
                    {AudioFeatureKind::MelSpectrogramDb, QStringLiteral("melspec_db_f32.npy")}};
        return {{AudioFeatureKind::Mfcc, QStringLiteral("mfcc_f32.npy")},
                {AudioFeatureKind::MelSpectrogram, QStringLiteral("intermediate_melspec_power_f32.npy")},
                {AudioFeatureKind::MelSpectrogramDb, QStringLiteral("intermediate_melspec_db_f32.npy")}};
    }

    static void verifyFeatures(const FeatureMatrix &actual, const NpyArray &expected, AudioFeatureKind kind,
                               bool endToEndResampled)
    {
        QCOMPARE(int(expected.shape.size()), 2);
        QCOMPARE(qint64(actual.rows), expected.shape[0]);
        QCOMPARE(qint64(actual.cols), expected.shape[1]);
        QCOMPARE(actual.channels, 1);
        const Comparison c = compare(actual.values, expected, actual.cols);
        const QByteArray detail =
            QStringLiteral("max abs %1 (at %2), max rel %3").arg(c.maxAbs).arg(c.where).arg(c.maxRel).toUtf8();
        qInfo("%s: %s", qPrintable(featureKindName(kind)), detail.constData());
        // Tolerances from the fixture README; resampling adds its own, looser bounds.
        switch (kind) {
        case AudioFeatureKind::Mfcc: QVERIFY2(c.maxAbs <= (endToEndResampled ? 1e-2 : 2e-3), detail.constData()); break;
        case AudioFeatureKind::MelSpectrogramDb:
            QVERIFY2(c.maxAbs <= (endToEndResampled ? 1e-2 : 1e-3), detail.constData());
            break;
        case AudioFeatureKind::MelSpectrogram:
            QVERIFY2(c.maxRel <= (endToEndResampled ? 1e-2 : 1e-4), detail.constData());
            break;
        }
    }

private Q_SLOTS:
    void initTestCase()
    {
        QFile manifest(QDir(fixtureRoot()).filePath(QStringLiteral("manifest.json")));
        QVERIFY2(manifest.open(QIODevice::ReadOnly), qPrintable(manifest.fileName()));
        m_cases = QJsonDocument::fromJson(manifest.readAll()).object().value(QStringLiteral("cases")).toArray();
        QVERIFY(m_cases.size() >= 12);
    }

    void manifestParametersAreUnderstood_data() { addCaseRows(); }
    void manifestParametersAreUnderstood()
    {
        QFETCH(QJsonObject, spec);
        QStringList unknown;
        paramsFor(spec, AudioFeatureKind::Mfcc, &unknown);
        QVERIFY2(unknown.isEmpty(),
                 qPrintable(QStringLiteral("untranslated feature_kwargs: ") + unknown.join(QLatin1Char(','))));
        const QString feature = spec.value(QStringLiteral("feature")).toString();
        QVERIFY2(feature == QLatin1String("mfcc") || feature == QLatin1String("melspectrogram+power_to_db"),
                 qPrintable(feature));
    }

    void decodeMatchesLibrosaLoad_data() { addCaseRows(); }
    void decodeMatchesLibrosaLoad()
    {
        QFETCH(QJsonObject, spec);
        const AudioFeatureParams params = paramsFor(spec, AudioFeatureKind::Mfcc);
        const QString wav = QDir(fixtureRoot()).filePath(spec.value(QStringLiteral("audio_file")).toString());
        auto audio = loadAudio(wav, AudioLoadOptions::fromFeatureParams(params));
        QVERIFY2(audio, qPrintable(audio.errorString()));
        QCOMPARE(audio->sampleRate, spec.value(QStringLiteral("sr")).toInt());
        QCOMPARE(audio->channels, 1);
        const NpyArray y = readNpy(caseFile(spec, QStringLiteral("y.npy")));
        QVERIFY2(y.ok(), qPrintable(y.error));
        QCOMPARE(audio->frames(), y.size());
        const Comparison c = compare(audio->samples, y, int(y.size()));
        const bool resampled = spec.value(QStringLiteral("resampled")).toBool();
        qInfo("waveform max abs error %g (%s)", c.maxAbs, resampled ? "resampled" : "native");
        QVERIFY2(c.maxAbs <= (resampled ? 1e-4 : 1.0 / 32768), qPrintable(c.where));
    }

    void melBasisMatchesLibrosa_data() { addCaseRows(); }
    void melBasisMatchesLibrosa()
    {
        QFETCH(QJsonObject, spec);
        const QString path = caseFile(spec, QStringLiteral("mel_basis_f32.npy"));
        if (!QFile::exists(path))
            QSKIP("this case keeps no mel_basis_f32.npy");
        const AudioFeatureParams params = paramsFor(spec, AudioFeatureKind::Mfcc);
        const int sr = spec.value(QStringLiteral("sr")).toInt();
        const std::vector<float> basis = melFilterbank(sr, params.nFft, params.nMels, params.fmin,
                                                       params.effectiveFmax(sr), params.htk, params.melNorm);
        const NpyArray expected = readNpy(path);
        QVERIFY2(expected.ok(), qPrintable(expected.error));
        QCOMPARE(expected.shape, (std::vector<qint64>{params.nMels, params.nFft / 2 + 1}));
        const Comparison c = compare(basis, expected, params.nFft / 2 + 1);
        qInfo("mel basis max abs %g, max rel %g", c.maxAbs, c.maxRel);
        QVERIFY2(c.maxRel <= 1e-6, qPrintable(c.where));
    }

    void featuresFromLibrosaWaveform_data() { addCaseRows(); }
    void featuresFromLibrosaWaveform()
    {
        QFETCH(QJsonObject, spec);
        const NpyArray y = readNpy(caseFile(spec, QStringLiteral("y.npy")));
        QVERIFY2(y.ok(), qPrintable(y.error));
        const std::vector<float> samples(y.values.begin(), y.values.end());
        const int sr = spec.value(QStringLiteral("sr")).toInt();
        for (const Expectation &expectation : expectationsFor(spec)) {
            const FeatureExtractor extractor(paramsFor(spec, expectation.kind));
            auto features = extractor.compute(samples, sr);
            QVERIFY2(features, qPrintable(features.errorString()));
            const NpyArray expected = readNpy(caseFile(spec, expectation.file));
            QVERIFY2(expected.ok(), qPrintable(expected.error));
            verifyFeatures(features.value(), expected, expectation.kind, false);
        }
    }

    void featuresEndToEndFromWav_data() { addCaseRows(); }
    void featuresEndToEndFromWav()
    {
        QFETCH(QJsonObject, spec);
        const QString wav = QDir(fixtureRoot()).filePath(spec.value(QStringLiteral("audio_file")).toString());
        const bool resampled = spec.value(QStringLiteral("resampled")).toBool();
        for (const Expectation &expectation : expectationsFor(spec)) {
            const FeatureExtractor extractor(paramsFor(spec, expectation.kind));
            auto features = extractor.computeFile(wav);
            QVERIFY2(features, qPrintable(features.errorString()));
            const NpyArray expected = readNpy(caseFile(spec, expectation.file));
            QVERIFY2(expected.ok(), qPrintable(expected.error));
            verifyFeatures(features.value(), expected, expectation.kind, resampled);
        }
    }
};

GRAFT_TEST_APPLESS_MAIN(LibrosaFixturesTest)
#include "tst_librosafixtures.moc"
