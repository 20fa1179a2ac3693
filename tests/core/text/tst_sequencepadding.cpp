#include "core/text/sequencepadding.h"

#include <QtTest>

using namespace graft;

// Reference: keras.utils.pad_sequences — truncating='pre' keeps s[-maxlen:],
// 'post' keeps s[:maxlen]; padding='pre' right-aligns the kept ids, 'post' left-aligns.

/** Keras pad_sequences semantics for every padding/truncating combination. */
class TestSequencePadding final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void padsAndTruncates_data()
    {
        QTest::addColumn<QVector<int>>("sequence");
        QTest::addColumn<int>("maxLength");
        QTest::addColumn<QString>("padding");
        QTest::addColumn<QString>("truncating");
        QTest::addColumn<QVector<int>>("expected");

        const QVector<int> five{1, 2, 3, 4, 5};
        QTest::newRow("short pre") << QVector<int>{1, 2} << 4 << "pre"
                                   << "pre" << QVector<int>{0, 0, 1, 2};
        QTest::newRow("short post") << QVector<int>{1, 2} << 4 << "post"
                                    << "pre" << QVector<int>{1, 2, 0, 0};
        QTest::newRow("long truncating pre") << five << 3 << "pre"
                                             << "pre" << QVector<int>{3, 4, 5};
        QTest::newRow("long truncating post") << five << 3 << "pre"
                                              << "post" << QVector<int>{1, 2, 3};
        QTest::newRow("long post/post") << five << 3 << "post"
                                        << "post" << QVector<int>{1, 2, 3};
        QTest::newRow("exact") << five << 5 << "post"
                               << "post" << five;
        QTest::newRow("empty") << QVector<int>{} << 3 << "pre"
                               << "pre" << QVector<int>{0, 0, 0};
        QTest::newRow("zero length") << five << 0 << "pre"
                                     << "pre" << QVector<int>{};
    }

    void padsAndTruncates()
    {
        QFETCH(QVector<int>, sequence);
        QFETCH(int, maxLength);
        QFETCH(QString, padding);
        QFETCH(QString, truncating);
        QFETCH(QVector<int>, expected);
        PaddingOptions options;
        options.padding = *parsePaddingSide(padding);
        options.truncating = *parsePaddingSide(truncating);
        QCOMPARE(padSequence(sequence, maxLength, options), expected);
    }

    void defaultsArePreAndZero()
    {
        QCOMPARE(padSequence(QVector<int>{7, 8, 9}, 2), (QVector<int>{8, 9}));
        QCOMPARE(padSequence(QVector<int>{7}, 3), (QVector<int>{0, 0, 7}));
        PaddingOptions options;
        options.value = -1;
        QCOMPARE(padSequence(QVector<int>{7}, 3, options), (QVector<int>{-1, -1, 7}));
    }

    void withoutMaxLengthPadsToLongest()
    {
        const QVector<QVector<int>> padded = padSequences({{1}, {1, 2, 3}, {}}, std::nullopt);
        QCOMPARE(padded, (QVector<QVector<int>>{{0, 0, 1}, {1, 2, 3}, {0, 0, 0}}));
        PaddingOptions post;
        post.padding = PaddingSide::Post;
        QCOMPARE(padSequences({{1, 2}, {3}}, 4, post), (QVector<QVector<int>>{{1, 2, 0, 0}, {3, 0, 0, 0}}));
    }

    void parsesOnlyPreAndPost()
    {
        QCOMPARE(parsePaddingSide(u"pre"), std::optional<PaddingSide>(PaddingSide::Pre));
        QCOMPARE(parsePaddingSide(u"post"), std::optional<PaddingSide>(PaddingSide::Post));
        QVERIFY(!parsePaddingSide(u"PRE"));
        QVERIFY(!parsePaddingSide(u"left"));
    }
};

QTEST_APPLESS_MAIN(TestSequencePadding)
#include "tst_sequencepadding.moc"
