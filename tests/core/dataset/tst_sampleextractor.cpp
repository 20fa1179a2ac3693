#include "core/audio/featureextractor.h"
#include "core/dataset/augmentation.h"
#include "core/dataset/classfolderscanner.h"
#include "core/dataset/sampleextractor.h"
#include "core/dataset/samplesettings.h"

#include "wavwriter.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <cmath>

using namespace graft;

namespace {

QVector<DatasetSample> speakerSamples(int classes)
{
    const auto scanned =
        ClassFolderScanner::scan(QStringLiteral(GRAFT_SOURCE_DIR "/resources/sample-speakers/base/train"));
    QVector<DatasetSample> samples;
    if (!scanned)
        return samples;
    for (const DatasetSample &sample : scanned->samples) {
        if (sample.label < classes)
            samples.append(sample);
    }
    return samples;
}

std::vector<std::int64_t> withBatch(std::int64_t n, std::vector<std::int64_t> shape)
{
    shape.insert(shape.begin(), n);
    return shape;
}

} // namespace

class TestSampleExtractor final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void proposals_data();
    void proposals();
    void rejectsUnfitShapes();
    void proposalShapesTheBatch_data();
    void proposalShapesTheBatch();
    void orientationsAreTransposes();
    void meanOverTimeMatchesExtractor();
    void fixedSampleCount();
    void freeFramesPadToLongest();
    void cacheHitReturnsIdenticalData();
    void cacheMissesOnChangedFileOrParameter();
    void datasetPackServesWarmRerun();
    void cancellation();
    void badFileIsSkippedDuringExtraction();
    void augmentationIsSeededAndTrainOnly();

private:
    ExtractionOptions uncached() const
    {
        ExtractionOptions options;
        options.useCache = false;
        return options;
    }

    QVector<DatasetSample> m_samples;
};

void TestSampleExtractor::initTestCase()
{
    m_samples = speakerSamples(2);
    QCOMPARE(m_samples.size(), 10);
}

void TestSampleExtractor::proposals_data()
{
    QTest::addColumn<std::vector<std::int64_t>>("inputShape");
    QTest::addColumn<int>("nMfcc");
    QTest::addColumn<int>("frames");
    QTest::addColumn<bool>("mean");
    QTest::addColumn<int>("orientation");
    QTest::addColumn<int>("channelAxis");
    QTest::newRow("(40, 87, 1)") << std::vector<std::int64_t>{40, 87, 1} << 40 << 87 << false
                                 << int(FeatureOrientation::FeaturesByFrames) << int(ChannelAxis::Last);
    QTest::newRow("(13,)") << std::vector<std::int64_t>{13} << 13 << 0 << true
                           << int(FeatureOrientation::FeaturesByFrames) << int(ChannelAxis::None);
    QTest::newRow("(87, 40)") << std::vector<std::int64_t>{87, 40} << 40 << 87 << false
                              << int(FeatureOrientation::FramesByFeatures) << int(ChannelAxis::None);
    QTest::newRow("(20, 44)") << std::vector<std::int64_t>{20, 44} << 20 << 44 << false
                              << int(FeatureOrientation::FeaturesByFrames) << int(ChannelAxis::None);
    QTest::newRow("(None, 13)") << std::vector<std::int64_t>{-1, 13} << 13 << 0 << false
                                << int(FeatureOrientation::FramesByFeatures) << int(ChannelAxis::None);
    QTest::newRow("(1, 40, 100)") << std::vector<std::int64_t>{1, 40, 100} << 40 << 100 << false
                                  << int(FeatureOrientation::FeaturesByFrames) << int(ChannelAxis::First);
}

void TestSampleExtractor::proposals()
{
    QFETCH(std::vector<std::int64_t>, inputShape);
    QFETCH(int, nMfcc);
    QFETCH(int, frames);
    QFETCH(bool, mean);
    QFETCH(int, orientation);
    QFETCH(int, channelAxis);
    const auto proposal = proposeFeatureSettings(inputShape);
    QVERIFY2(proposal.hasValue(), qPrintable(proposal.errorString()));
    const AudioPipelineSettings &s = proposal->settings;
    QCOMPARE(s.params.nMfcc, nMfcc);
    QCOMPARE(s.shaping.frames, frames);
    QCOMPARE(s.shaping.meanOverTime, mean);
    QCOMPARE(int(s.shaping.orientation), orientation);
    QCOMPARE(int(s.shaping.channelAxis), channelAxis);
    QVERIFY(!proposal->explanation.isEmpty());
    QVERIFY(s.params.validate().hasValue());
    if (frames > 0 || mean)
        QCOMPARE(*s.fixedSampleShape(), inputShape);
}

void TestSampleExtractor::rejectsUnfitShapes()
{
    QVERIFY(!proposeFeatureSettings({32, 32, 3}).hasValue());
    QVERIFY(!proposeFeatureSettings({2, 3, 4, 5}).hasValue());
    QVERIFY(!proposeFeatureSettings({-1}).hasValue());
    const auto image = proposeImageSettings({64, 48, 3});
    QVERIFY(image.hasValue());
    QCOMPARE(image->settings.height, 64);
    QCOMPARE(image->settings.width, 48);
    QCOMPARE(image->settings.colorMode, ColorMode::Rgb);
    const auto gray = proposeImageSettings({1, 28, 28});
    QVERIFY(gray.hasValue());
    QVERIFY(gray->settings.channelsFirst);
    QCOMPARE(gray->settings.colorMode, ColorMode::Grayscale);
    QVERIFY(!proposeImageSettings({28, 28, 2}).hasValue());
}

void TestSampleExtractor::proposalShapesTheBatch_data()
{
    QTest::addColumn<std::vector<std::int64_t>>("inputShape");
    QTest::newRow("(40, 87, 1)") << std::vector<std::int64_t>{40, 87, 1};
    QTest::newRow("(13,)") << std::vector<std::int64_t>{13};
    QTest::newRow("(87, 40)") << std::vector<std::int64_t>{87, 40};
    QTest::newRow("(1, 20, 30)") << std::vector<std::int64_t>{1, 20, 30};
}

void TestSampleExtractor::proposalShapesTheBatch()
{
    QFETCH(std::vector<std::int64_t>, inputShape);
    const auto proposal = proposeFeatureSettings(inputShape);
    QVERIFY(proposal.hasValue());
    const auto batch = SampleExtractor::extractAudio(m_samples, proposal->settings, uncached());
    QVERIFY2(batch.hasValue(), qPrintable(batch.errorString()));
    QCOMPARE(batch->shape, withBatch(m_samples.size(), inputShape));
    QCOMPARE(batch->values.size(), std::size_t(batch->count() * batch->sampleSize()));
    QCOMPARE(batch->labels, (QVector<int>{0, 0, 0, 0, 0, 1, 1, 1, 1, 1}));
    QVERIFY(batch->badFiles.isEmpty());
    for (float v : batch->values)
        QVERIFY(std::isfinite(v));
}

void TestSampleExtractor::orientationsAreTransposes()
{
    AudioPipelineSettings byFrames;
    byFrames.params.nMfcc = 13;
    byFrames.shaping.frames = 30;
    AudioPipelineSettings transposed = byFrames;
    transposed.shaping.orientation = FeatureOrientation::FramesByFeatures;
    transposed.shaping.channelAxis = ChannelAxis::Last;
    const auto a = SampleExtractor::extractAudio(m_samples, byFrames, uncached());
    const auto b = SampleExtractor::extractAudio(m_samples, transposed, uncached());
    QVERIFY(a.hasValue() && b.hasValue());
    QCOMPARE(a->shape, (std::vector<std::int64_t>{10, 13, 30}));
    QCOMPARE(b->shape, (std::vector<std::int64_t>{10, 30, 13, 1}));
    for (int n = 0; n < 10; ++n) {
        for (int f = 0; f < 13; ++f) {
            for (int t = 0; t < 30; ++t)
                QCOMPARE(b->sample(n)[t * 13 + f], a->sample(n)[f * 30 + t]);
        }
    }
    // Frames past the end of a short file are the pad value; frames before it are real features.
    const FeatureExtractor extractor(byFrames.params);
    const auto direct = extractor.computeFile(m_samples[0].path);
    QVERIFY(direct.hasValue());
    const int kept = std::min(direct->cols, 30);
    for (int f = 0; f < 13; ++f) {
        for (int t = 0; t < 30; ++t)
            QCOMPARE(a->sample(0)[f * 30 + t], t < kept ? direct->at(f, t) : 0.0f);
    }
}

void TestSampleExtractor::meanOverTimeMatchesExtractor()
{
    AudioPipelineSettings settings = proposeFeatureSettings({13})->settings;
    const auto batch = SampleExtractor::extractAudio(m_samples, settings, uncached());
    QVERIFY(batch.hasValue());
    const FeatureExtractor extractor(settings.params);
    for (int n = 0; n < m_samples.size(); ++n) {
        const auto features = extractor.computeFile(m_samples[n].path);
        QVERIFY(features.hasValue());
        for (int f = 0; f < 13; ++f) {
            double sum = 0.0;
            for (int t = 0; t < features->cols; ++t)
                sum += features->at(f, t);
            QVERIFY(std::abs(batch->sample(n)[f] - sum / features->cols)
                    <= 1e-4 * (1.0 + std::abs(sum / features->cols)));
        }
    }
}

void TestSampleExtractor::fixedSampleCount()
{
    AudioPipelineSettings settings;
    settings.params.nMfcc = 20;
    settings.shaping.sampleCount = 22050; // signal[:22050] at 22.05 kHz: one second
    const auto batch = SampleExtractor::extractAudio(m_samples, settings, uncached());
    QVERIFY2(batch.hasValue(), qPrintable(batch.errorString()));
    // librosa, center=True: 1 + n // hop frames.
    QCOMPARE(batch->shape, (std::vector<std::int64_t>{10, 20, 1 + 22050 / 512}));
}

void TestSampleExtractor::freeFramesPadToLongest()
{
    AudioPipelineSettings settings;
    settings.params.nMfcc = 13;
    const auto batch = SampleExtractor::extractAudio(m_samples, settings, uncached());
    QVERIFY2(batch.hasValue(), qPrintable(batch.errorString()));
    const FeatureExtractor extractor(settings.params);
    int longest = 0;
    for (const DatasetSample &sample : m_samples)
        longest = std::max(longest, extractor.computeFile(sample.path)->cols);
    QCOMPARE(batch->shape, (std::vector<std::int64_t>{10, 13, longest}));
    QVERIFY(!batch->notes.isEmpty());
}

void TestSampleExtractor::cacheHitReturnsIdenticalData()
{
    QTemporaryDir cacheDir;
    ExtractionOptions options;
    options.cacheDirectory = cacheDir.path();
    const AudioPipelineSettings settings = proposeFeatureSettings({40, 87, 1})->settings;
    const auto first = SampleExtractor::extractAudio(m_samples, settings, options);
    QVERIFY(first.hasValue());
    QCOMPARE(first->cacheHits, std::int64_t(0));
    QCOMPARE(first->cacheMisses, std::int64_t(m_samples.size()));
    const auto second = SampleExtractor::extractAudio(m_samples, settings, options);
    QVERIFY(second.hasValue());
    QCOMPARE(second->cacheHits, std::int64_t(m_samples.size()));
    QCOMPARE(second->cacheMisses, std::int64_t(0));
    QCOMPARE(second->shape, first->shape);
    QVERIFY(second->values == first->values);
    QCOMPARE(second->labels, first->labels);

    // Images go through the same cache, keyed by their own settings.
    ImageSettings image;
    image.height = 8;
    image.width = 8;
    QVERIFY(!image.toKeyString().isEmpty());
}

void TestSampleExtractor::cacheMissesOnChangedFileOrParameter()
{
    QTemporaryDir dir;
    QVector<DatasetSample> samples;
    for (int i = 0; i < 4; ++i) {
        const QString path = dir.filePath(QStringLiteral("data/c/%1.wav").arg(i));
        QVERIFY(test::writeTone(path, 1, 8000, 200 + 50 * i));
        samples.append({path, 0});
    }
    ExtractionOptions options;
    options.cacheDirectory = dir.filePath(QStringLiteral("cache"));
    AudioPipelineSettings settings;
    settings.params.nMfcc = 13;
    settings.shaping.frames = 10;
    QCOMPARE(SampleExtractor::extractAudio(samples, settings, options)->cacheMisses, std::int64_t(4));
    QCOMPARE(SampleExtractor::extractAudio(samples, settings, options)->cacheHits, std::int64_t(4));

    // Rewrite one file with different audio and a different mtime: only it misses.
    QVERIFY(test::writeTone(samples[2].path, 1, 8000, 1234));
    QFile touched(samples[2].path);
    QVERIFY(touched.open(QIODevice::ReadWrite));
    QVERIFY(touched.setFileTime(QDateTime::currentDateTime().addSecs(60), QFileDevice::FileModificationTime));
    touched.close();
    const auto afterEdit = SampleExtractor::extractAudio(samples, settings, options);
    QCOMPARE(afterEdit->cacheHits, std::int64_t(3));
    QCOMPARE(afterEdit->cacheMisses, std::int64_t(1));

    settings.params.hopLength = 256;
    QCOMPARE(SampleExtractor::extractAudio(samples, settings, options)->cacheMisses, std::int64_t(4));
    settings.shaping.orientation = FeatureOrientation::FramesByFeatures;
    QCOMPARE(SampleExtractor::extractAudio(samples, settings, options)->cacheMisses, std::int64_t(4));
}

void TestSampleExtractor::datasetPackServesWarmRerun()
{
    QTemporaryDir cacheDir;
    ExtractionOptions options;
    options.cacheDirectory = cacheDir.path();
    const AudioPipelineSettings settings = proposeFeatureSettings({40, 87, 1})->settings;
    const auto first = SampleExtractor::extractAudio(m_samples, settings, options);
    QVERIFY(first.hasValue());
    QDir packs(cacheDir.filePath(QStringLiteral("packs")));
    const QStringList packFiles = packs.entryList(QDir::Files);
    QCOMPARE(packFiles.size(), 1);

    // Without any per-file entry the pack alone serves every sample, bit for bit.
    for (const QString &shard : QDir(cacheDir.path()).entryList(QDir::Dirs | QDir::NoDotAndDotDot))
        if (shard != QLatin1String("packs"))
            QVERIFY(QDir(cacheDir.filePath(shard)).removeRecursively());
    const auto fromPack = SampleExtractor::extractAudio(m_samples, settings, options);
    QVERIFY(fromPack.hasValue());
    QCOMPARE(fromPack->cacheHits, std::int64_t(m_samples.size()));
    QCOMPARE(fromPack->cacheMisses, std::int64_t(0));
    QVERIFY(fromPack->values == first->values);

    // A subset is another dataset: the pack misses (and the per-file entries are gone: computed).
    const QVector<DatasetSample> subset = m_samples.mid(1);
    const auto partial = SampleExtractor::extractAudio(subset, settings, options);
    QVERIFY(partial.hasValue());
    QCOMPARE(partial->cacheMisses, std::int64_t(subset.size()));

    // A damaged pack is a miss, never wrong data.
    QFile pack(packs.filePath(packFiles.front()));
    QVERIFY(pack.open(QIODevice::ReadWrite));
    QVERIFY(pack.resize(pack.size() - 3));
    pack.close();
    for (const QString &shard : QDir(cacheDir.path()).entryList(QDir::Dirs | QDir::NoDotAndDotDot))
        if (shard != QLatin1String("packs"))
            QVERIFY(QDir(cacheDir.filePath(shard)).removeRecursively());
    const auto afterDamage = SampleExtractor::extractAudio(m_samples, settings, options);
    QVERIFY(afterDamage.hasValue());
    QCOMPARE(afterDamage->cacheMisses, std::int64_t(m_samples.size()));
    QVERIFY(afterDamage->values == first->values);
}

void TestSampleExtractor::cancellation()
{
    std::atomic_bool cancel{false};
    int calls = 0;
    ExtractionOptions options = uncached();
    options.threads = 1;
    options.cancel = &cancel;
    options.progress = [&](int done, int total) {
        QCOMPARE(total, 10);
        calls = done;
        if (done == 3)
            cancel = true;
    };
    const auto batch = SampleExtractor::extractAudio(m_samples, proposeFeatureSettings({13})->settings, options);
    QVERIFY(!batch.hasValue());
    QCOMPARE(batch.errorString(), SampleExtractor::cancelledMessage());
    QCOMPARE(calls, 3);

    // Progress reaches the total when not cancelled, with several threads.
    cancel = false;
    options.threads = 2;
    options.progress = [&](int done, int) { calls = done; };
    QVERIFY(SampleExtractor::extractAudio(m_samples, proposeFeatureSettings({13})->settings, options).hasValue());
    QCOMPARE(calls, 10);
}

void TestSampleExtractor::badFileIsSkippedDuringExtraction()
{
    QTemporaryDir dir;
    QVector<DatasetSample> samples = m_samples.mid(0, 3);
    const QString broken = dir.filePath(QStringLiteral("broken.wav"));
    QVERIFY(test::writeFile(broken, QByteArray("RIFF\x10\x00\x00\x00WAVEjunkjunkjunk", 20)));
    samples.insert(1, {broken, 1});
    const auto batch = SampleExtractor::extractAudio(samples, proposeFeatureSettings({20, 10})->settings, uncached());
    QVERIFY2(batch.hasValue(), qPrintable(batch.errorString()));
    QCOMPARE(batch->count(), std::int64_t(3));
    QCOMPARE(batch->badFiles.size(), 1);
    QCOMPARE(batch->badFiles.front().path, broken);
    QCOMPARE(batch->paths, (QStringList{samples[0].path, samples[2].path, samples[3].path}));
    // The compacted buffer keeps each sample's own features.
    const auto alone =
        SampleExtractor::extractAudio({samples[2]}, proposeFeatureSettings({20, 10})->settings, uncached());
    QVERIFY(alone.hasValue());
    QVERIFY(std::equal(alone->values.begin(), alone->values.end(), batch->sample(1)));
}

void TestSampleExtractor::augmentationIsSeededAndTrainOnly()
{
    const AudioPipelineSettings settings = proposeFeatureSettings({40, 50, 1})->settings;
    const auto clean = SampleExtractor::extractAudio(m_samples, settings, uncached());
    QVERIFY(clean.hasValue());
    FeatureAugmentation augmentation;
    augmentation.timeMasks = 2;
    augmentation.maxTimeMaskWidth = 8;
    augmentation.frequencyMasks = 1;
    augmentation.maxFrequencyMaskWidth = 6;
    augmentation.maskValue = -1000.0f;
    const QVector<int> train{0, 2, 4, 6, 8};

    FeatureBatch a = *clean;
    FeatureBatch b = *clean;
    FeatureBatch c = *clean;
    Augmenter::augmentBatch(a, train, FeatureOrientation::FeaturesByFrames, augmentation, 5, 0);
    Augmenter::augmentBatch(b, train, FeatureOrientation::FeaturesByFrames, augmentation, 5, 0);
    Augmenter::augmentBatch(c, train, FeatureOrientation::FeaturesByFrames, augmentation, 5, 1);
    QVERIFY(a.values == b.values);
    QVERIFY(a.values != c.values);
    int masked = 0;
    for (int n = 0; n < 10; ++n) {
        const bool isTrain = train.contains(n);
        for (std::int64_t i = 0; i < a.sampleSize(); ++i) {
            const float v = a.sample(n)[i];
            if (!isTrain)
                QCOMPARE(v, clean->sample(n)[i]);
            else if (v == -1000.0f)
                ++masked;
            else
                QCOMPARE(v, clean->sample(n)[i]);
        }
    }
    QVERIFY(masked > 0);
    // SpecAugment masks whole frames (all 40 features) or whole feature rows (all 50 frames).
    for (int n : train) {
        const float *v = a.sample(n);
        for (int f = 0; f < 40; ++f) {
            for (int t = 0; t < 50; ++t) {
                if (v[f * 50 + t] != -1000.0f)
                    continue;
                bool wholeFrame = true, wholeRow = true;
                for (int g = 0; g < 40; ++g)
                    wholeFrame &= v[g * 50 + t] == -1000.0f;
                for (int u = 0; u < 50; ++u)
                    wholeRow &= v[f * 50 + u] == -1000.0f;
                QVERIFY(wholeFrame || wholeRow);
            }
        }
    }

    std::vector<float> signal(20000);
    for (std::size_t i = 0; i < signal.size(); ++i)
        signal[i] = float(std::sin(0.05 * double(i)));
    std::vector<float> noisy = signal;
    Augmenter::addNoise(noisy.data(), std::int64_t(noisy.size()), 10.0, 3);
    double signalPower = 0.0, noisePower = 0.0;
    for (std::size_t i = 0; i < signal.size(); ++i) {
        signalPower += double(signal[i]) * signal[i];
        noisePower += double(noisy[i] - signal[i]) * (noisy[i] - signal[i]);
    }
    QVERIFY2(std::abs(10.0 * std::log10(signalPower / noisePower) - 10.0) < 0.2, "noise is not at 10 dB SNR");
}

QTEST_APPLESS_MAIN(TestSampleExtractor)
#include "tst_sampleextractor.moc"
