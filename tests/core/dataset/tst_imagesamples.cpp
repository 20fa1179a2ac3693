#include "core/dataset/classfolderscanner.h"
#include "core/dataset/imagesamples.h"
#include "core/dataset/sampleextractor.h"
#include "core/io/npyfile.h"

#include <QDir>
#include <QtGui/QColor>
#include <QtGui/QImage>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

using namespace graft;

namespace {

// A tiny numpy re-implementation of TF's ResizeBilinear (half_pixel_centers=True,
// as tf.image.resize(antialias=False) calls it), all in float32, and libpng's
// 8-bit rgb_to_gray as TF's decode_png(channels=1) configures it.
const char *referenceScript = R"PY(
import sys
import numpy as np
folder = sys.argv[1]
img = np.load(f"{folder}/source.npy").astype(np.float32)

def weights(out, size):
    scale = np.float32(size) / np.float32(out)
    x = (np.arange(out, dtype=np.float32) + np.float32(0.5)) * scale - np.float32(0.5)
    f = np.floor(x)
    lo = np.maximum(f.astype(np.int64), 0)
    hi = np.minimum(np.ceil(x).astype(np.int64), size - 1)
    return lo, hi, (x - f).astype(np.float32)

def resize(image, oh, ow):
    ylo, yhi, yl = weights(oh, image.shape[0])
    xlo, xhi, xl = weights(ow, image.shape[1])
    tl = image[ylo][:, xlo]; tr = image[ylo][:, xhi]
    bl = image[yhi][:, xlo]; br = image[yhi][:, xhi]
    xl = xl[None, :, None]; yl = yl[:, None, None]
    top = tl + (tr - tl) * xl
    bottom = bl + (br - bl) * xl
    return (top + (bottom - top) * yl).astype(np.float32)

for oh, ow in [(16, 20), (50, 70), (23, 37), (1, 1), (5, 3), (46, 11)]:
    np.save(f"{folder}/resized_{oh}x{ow}.npy", resize(img, oh, ow))

u = img.astype(np.uint32)
rc = 29900 * 32768 // 100000
gc = 58700 * 32768 // 100000
bc = 32768 - rc - gc
gray = (rc * u[..., 0] + gc * u[..., 1] + bc * u[..., 2]) >> 15
same = (u[..., 0] == u[..., 1]) & (u[..., 0] == u[..., 2])
gray = np.where(same, u[..., 0], gray).astype(np.float32)[..., None]
np.save(f"{folder}/gray.npy", gray)
np.save(f"{folder}/gray_resized_16x20.npy", resize(gray, 16, 20))
)PY";

QImage randomImage(int width, int height, quint32 seed, bool alpha = false)
{
    QImage image(width, height, alpha ? QImage::Format_RGBA8888 : QImage::Format_RGB888);
    QRandomGenerator random(seed);
    for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width; ++x) {
            const int a = alpha ? int(random.bounded(256)) : 255;
            image.setPixelColor(
                x, y, QColor(int(random.bounded(256)), int(random.bounded(256)), int(random.bounded(256)), a));
        }
    }
    // A few grey pixels exercise libpng's r == g == b shortcut.
    for (int x = 0; x < std::min(width, 5); ++x)
        image.setPixelColor(x, 0, QColor(17 * x, 17 * x, 17 * x, 255));
    return image;
}

std::vector<float> pixelsOf(const QImage &image)
{
    std::vector<float> pixels;
    const QImage rgb = image.convertToFormat(QImage::Format_RGB888);
    for (int y = 0; y < rgb.height(); ++y) {
        for (int x = 0; x < rgb.width(); ++x) {
            const QColor c = rgb.pixelColor(x, y);
            pixels.insert(pixels.end(), {float(c.red()), float(c.green()), float(c.blue())});
        }
    }
    return pixels;
}

} // namespace

class TestImageSamples final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void resizeMatchesTensorFlow_data();
    void resizeMatchesTensorFlow();
    void decodesPngExactly();
    void grayscaleLikeDecodePng();
    void alphaHandling();
    void extractsImageFolder();

private:
    QTemporaryDir m_dir;
    QImage m_image;
};

void TestImageSamples::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_image = randomImage(37, 23, 11);
    const auto source = NpyArray::fromFloat32(pixelsOf(m_image), {23, 37, 3});
    QVERIFY(source.hasValue());
    QVERIFY(NpyFile::write(m_dir.filePath(QStringLiteral("source.npy")), *source).hasValue());
    QVERIFY(m_image.save(m_dir.filePath(QStringLiteral("source.png"))));
    QProcess python;
    python.start(QStringLiteral("/usr/bin/python3"),
                 {QStringLiteral("-c"), QString::fromUtf8(referenceScript), m_dir.path()});
    QVERIFY(python.waitForFinished(120000));
    QVERIFY2(python.exitCode() == 0, python.readAllStandardError().constData());
}

void TestImageSamples::resizeMatchesTensorFlow_data()
{
    QTest::addColumn<int>("height");
    QTest::addColumn<int>("width");
    QTest::newRow("down 16x20") << 16 << 20;
    QTest::newRow("up 50x70") << 50 << 70;
    QTest::newRow("same size") << 23 << 37;
    QTest::newRow("1x1") << 1 << 1;
    QTest::newRow("5x3") << 5 << 3;
    QTest::newRow("up and down 46x11") << 46 << 11;
}

void TestImageSamples::resizeMatchesTensorFlow()
{
    QFETCH(int, height);
    QFETCH(int, width);
    const auto reference = NpyFile::read(m_dir.filePath(QStringLiteral("resized_%1x%2.npy").arg(height).arg(width)));
    QVERIFY2(reference.hasValue(), qPrintable(reference.errorString()));
    QCOMPARE(reference->shape(), (std::vector<std::int64_t>{height, width, 3}));
    const std::vector<float> source = pixelsOf(m_image);
    const std::vector<float> resized = resizeBilinearHalfPixel(source.data(), 23, 37, 3, height, width);
    const std::vector<float> expected = reference->toFloat32();
    QCOMPARE(resized.size(), expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        if (std::abs(resized[i] - expected[i]) > 1e-4f)
            QFAIL(qPrintable(
                QStringLiteral("element %1: %2 vs TF-style reference %3").arg(i).arg(resized[i]).arg(expected[i])));
    }
}

void TestImageSamples::decodesPngExactly()
{
    const auto decoded = decodeImage(m_dir.filePath(QStringLiteral("source.png")), ColorMode::Rgb);
    QVERIFY2(decoded.hasValue(), qPrintable(decoded.errorString()));
    QCOMPARE(decoded->height, 23);
    QCOMPARE(decoded->width, 37);
    QCOMPARE(decoded->channels, 3);
    QVERIFY(decoded->pixels == pixelsOf(m_image));
    QVERIFY(!decodeImage(m_dir.filePath(QStringLiteral("source.npy")), ColorMode::Rgb).hasValue());
}

void TestImageSamples::grayscaleLikeDecodePng()
{
    const auto gray = decodeImage(m_dir.filePath(QStringLiteral("source.png")), ColorMode::Grayscale);
    QVERIFY(gray.hasValue());
    QCOMPARE(gray->channels, 1);
    QVERIFY(gray->pixels == NpyFile::read(m_dir.filePath(QStringLiteral("gray.npy")))->toFloat32());

    ImageSettings settings;
    settings.height = 16;
    settings.width = 20;
    settings.colorMode = ColorMode::Grayscale;
    const auto sample = loadImageSample(m_dir.filePath(QStringLiteral("source.png")), settings);
    QVERIFY(sample.hasValue());
    const std::vector<float> expected =
        NpyFile::read(m_dir.filePath(QStringLiteral("gray_resized_16x20.npy")))->toFloat32();
    QCOMPARE(sample->size(), expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i)
        QVERIFY(std::abs((*sample)[i] - expected[i]) <= 1e-4f);
}

void TestImageSamples::alphaHandling()
{
    const QImage withAlpha = randomImage(9, 7, 5, true);
    const QString path = m_dir.filePath(QStringLiteral("alpha.png"));
    QVERIFY(withAlpha.save(path));
    const auto rgba = decodeImage(path, ColorMode::Rgba);
    const auto rgb = decodeImage(path, ColorMode::Rgb);
    QVERIFY(rgba.hasValue() && rgb.hasValue());
    for (int y = 0; y < 7; ++y) {
        for (int x = 0; x < 9; ++x) {
            const QColor c = withAlpha.pixelColor(x, y);
            const std::size_t i = std::size_t(y) * 9 + x;
            // Colour is kept as stored, not premultiplied: TF strips alpha, it does not composite.
            QCOMPARE(rgba->pixels[i * 4 + 0], float(c.red()));
            QCOMPARE(rgba->pixels[i * 4 + 3], float(c.alpha()));
            QCOMPARE(rgb->pixels[i * 3 + 2], float(c.blue()));
        }
    }
    const auto opaque = decodeImage(m_dir.filePath(QStringLiteral("source.png")), ColorMode::Rgba);
    QVERIFY(opaque.hasValue());
    for (std::size_t i = 3; i < opaque->pixels.size(); i += 4)
        QCOMPARE(opaque->pixels[i], 255.0f);
}

void TestImageSamples::extractsImageFolder()
{
    QTemporaryDir dir;
    const QDir root(dir.path());
    QVERIFY(root.mkpath(QStringLiteral("cats")) && root.mkpath(QStringLiteral("dogs")));
    QVERIFY(randomImage(30, 20, 1).save(root.filePath(QStringLiteral("cats/a.png"))));
    QVERIFY(randomImage(12, 40, 2).save(root.filePath(QStringLiteral("cats/b.bmp"))));
    QVERIFY(randomImage(25, 25, 3).save(root.filePath(QStringLiteral("dogs/c.jpg")), "JPEG", 95));
    QVERIFY(randomImage(8, 8, 4).save(root.filePath(QStringLiteral("dogs/d.png"))));
    QFile broken(root.filePath(QStringLiteral("dogs/e.png")));
    QVERIFY(broken.open(QIODevice::WriteOnly));
    broken.write("\x89PNG\r\n\x1a\nbroken");
    broken.close();

    const auto scanned = ClassFolderScanner::scan(dir.path());
    QVERIFY2(scanned.hasValue(), qPrintable(scanned.errorString()));
    QCOMPARE(scanned->kind, SampleKind::Image);
    QCOMPARE(scanned->classCounts(), (QVector<int>{2, 2}));
    QCOMPARE(scanned->badFiles.size(), 1);
    QVERIFY(scanned->badFiles.front().path.endsWith(QStringLiteral("e.png")));

    ImageSettings settings;
    settings.height = 10;
    settings.width = 14;
    ExtractionOptions options;
    options.useCache = false;
    const auto raw = SampleExtractor::extractImages(scanned->samples, settings, options);
    QVERIFY2(raw.hasValue(), qPrintable(raw.errorString()));
    QCOMPARE(raw->shape, (std::vector<std::int64_t>{4, 10, 14, 3}));
    QCOMPARE(raw->labels, (QVector<int>{0, 0, 1, 1}));
    settings.scale = PixelScale::UnitInterval;
    settings.channelsFirst = true;
    const auto unit = SampleExtractor::extractImages(scanned->samples, settings, options);
    QVERIFY(unit.hasValue());
    QCOMPARE(unit->shape, (std::vector<std::int64_t>{4, 3, 10, 14}));
    for (int n = 0; n < 4; ++n) {
        for (int c = 0; c < 3; ++c) {
            for (int p = 0; p < 140; ++p)
                QCOMPARE(unit->sample(n)[c * 140 + p], raw->sample(n)[p * 3 + c] * (1.0f / 255.0f));
        }
    }
    // The PNG sample equals the direct resize of its pixels.
    const std::vector<float> direct =
        resizeBilinearHalfPixel(pixelsOf(randomImage(30, 20, 1)).data(), 20, 30, 3, 10, 14);
    QVERIFY(std::equal(direct.begin(), direct.end(), raw->sample(0)));
}

QTEST_APPLESS_MAIN(TestImageSamples)
#include "tst_imagesamples.moc"
