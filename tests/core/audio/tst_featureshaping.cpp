// The pure reshaping helpers dataset pipelines build on.

#include "core/audio/featureshaping.h"

#include <QTest>

using namespace graft;

namespace {

// rows × cols with value 100 * channel + 10 * row + col, so every element says where it came from.
FeatureMatrix numbered(int rows, int cols, int channels = 1)
{
    FeatureMatrix m;
    m.channels = channels;
    m.rows = rows;
    m.cols = cols;
    m.values.resize(std::size_t(channels) * rows * cols);
    for (int c = 0; c < channels; ++c) {
        for (int r = 0; r < rows; ++r) {
            for (int t = 0; t < cols; ++t)
                m.at(r, t, c) = float(100 * c + 10 * r + t);
        }
    }
    return m;
}

} // namespace

class FeatureShapingTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void transposeSwapsEveryChannel()
    {
        const FeatureMatrix m = numbered(3, 5, 2);
        const FeatureMatrix t = FeatureShaping::transposed(m);
        QCOMPARE(t.shape(), (std::vector<qint64>{2, 5, 3}));
        for (int c = 0; c < 2; ++c) {
            for (int r = 0; r < 3; ++r) {
                for (int col = 0; col < 5; ++col)
                    QCOMPARE(t.at(col, r, c), m.at(r, col, c));
            }
        }
        QCOMPARE(FeatureShaping::transposed(t).values, m.values);
        QCOMPARE(FeatureShaping::oriented(m, FeatureOrientation::FeaturesByFrames).values, m.values);
        QCOMPARE(FeatureShaping::oriented(m, FeatureOrientation::FramesByFeatures).values, t.values);
    }

    void fixFrameCountPadsAndCrops_data()
    {
        QTest::addColumn<int>("frames");
        QTest::addColumn<int>("anchor");
        QTest::addColumn<int>("firstKept"); // source column of output column 0
        QTest::newRow("pad") << 8 << int(CropAnchor::Start) << 0;
        QTest::newRow("same") << 5 << int(CropAnchor::Start) << 0;
        QTest::newRow("crop start") << 3 << int(CropAnchor::Start) << 0;
        QTest::newRow("crop center") << 3 << int(CropAnchor::Center) << 1;
        QTest::newRow("crop end") << 3 << int(CropAnchor::End) << 2;
        QTest::newRow("zero") << 0 << int(CropAnchor::Start) << 0;
    }
    void fixFrameCountPadsAndCrops()
    {
        QFETCH(int, frames);
        QFETCH(int, anchor);
        QFETCH(int, firstKept);
        const FeatureMatrix m = numbered(2, 5, 2);
        const FeatureMatrix fixed = FeatureShaping::fixFrameCount(m, frames, -7.0f, CropAnchor(anchor));
        QCOMPARE(fixed.shape(), (std::vector<qint64>{2, 2, frames}));
        for (int c = 0; c < 2; ++c) {
            for (int r = 0; r < 2; ++r) {
                for (int t = 0; t < frames; ++t) {
                    const float expected = firstKept + t < 5 ? m.at(r, firstKept + t, c) : -7.0f;
                    QCOMPARE(fixed.at(r, t, c), expected);
                }
            }
        }
    }

    void fixSampleCountLikeLibrosaFixLength()
    {
        const std::vector<float> y = {1, 2, 3, 4, 5};
        QCOMPARE(FeatureShaping::fixSampleCount(y, 7), (std::vector<float>{1, 2, 3, 4, 5, 0, 0}));
        QCOMPARE(FeatureShaping::fixSampleCount(y, 3), (std::vector<float>{1, 2, 3}));
        QCOMPARE(FeatureShaping::fixSampleCount(y, 3, CropAnchor::Center), (std::vector<float>{2, 3, 4}));
        QCOMPARE(FeatureShaping::fixSampleCount(y, 2, CropAnchor::End), (std::vector<float>{4, 5}));
        QCOMPARE(FeatureShaping::fixSampleCount(y, 0), std::vector<float>{});
    }

    void meanOverTimeIsPerRow()
    {
        const FeatureMatrix m = numbered(3, 4, 2);
        const FeatureMatrix mean = FeatureShaping::meanOverTime(m);
        QCOMPARE(mean.shape(), (std::vector<qint64>{2, 3, 1}));
        for (int c = 0; c < 2; ++c) {
            for (int r = 0; r < 3; ++r)
                QCOMPARE(mean.at(r, 0, c), float(100 * c + 10 * r) + 1.5f); // mean of t = 0..3
        }
    }

    void channelAxisOnlyChangesTheShape()
    {
        const std::vector<qint64> shape = {40, 128};
        QCOMPARE(FeatureShaping::shapeWithChannelAxis(shape, ChannelAxis::None), shape);
        QCOMPARE(FeatureShaping::shapeWithChannelAxis(shape, ChannelAxis::First), (std::vector<qint64>{1, 40, 128}));
        QCOMPARE(FeatureShaping::shapeWithChannelAxis(shape, ChannelAxis::Last), (std::vector<qint64>{40, 128, 1}));
    }
};

QTEST_APPLESS_MAIN(FeatureShapingTest)
#include "tst_featureshaping.moc"
