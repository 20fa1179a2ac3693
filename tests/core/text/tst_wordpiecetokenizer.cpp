#include "core/text/bertnormalizer.h"
#include "tests/common/testdata.h"
#include "core/text/wordpiecetokenizer.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

using namespace graft;

namespace {

QString fixturePath(const QString &name)
{
    return graft::testing::dataPath(QStringLiteral("text/") + name);
}

QVector<int> toIds(const QJsonArray &array)
{
    QVector<int> ids;
    for (const QJsonValue &value : array)
        ids.append(value.toInt(-1));
    return ids;
}

QStringList toStrings(const QJsonArray &array)
{
    QStringList strings;
    for (const QJsonValue &value : array)
        strings.append(value.toString());
    return strings;
}

} // namespace

/** WordPiece against Hugging Face's bert-base-uncased tokenizations and the algorithm's general rules. */
class TestWordPieceTokenizer final : public QObject
{
    Q_OBJECT

private:
    std::optional<WordPieceTokenizer> m_tokenizer;

    TokenizedText tokenize(const QString &text) { return m_tokenizer->tokenize(text); }

private Q_SLOTS:
    void initTestCase()
    {
        Expected<WordPieceTokenizer> tokenizer =
            WordPieceTokenizer::fromVocabularyFile(fixturePath(QStringLiteral("bert-base-uncased-vocab.txt")));
        QVERIFY2(tokenizer.hasValue(), qPrintable(tokenizer.errorString()));
        m_tokenizer.emplace(std::move(*tokenizer));
        QCOMPARE(m_tokenizer->vocabularySize(), 30522);
        QCOMPARE(m_tokenizer->tokenId(QStringLiteral("[UNK]")), 100);
    }

    void matchesHuggingFace_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QStringList>("tokens");
        QTest::addColumn<QVector<int>>("ids");

        QFile file(fixturePath(QStringLiteral("wordpiece_expected.json")));
        QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(file.errorString()));
        QJsonParseError error;
        const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &error);
        QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
        QVERIFY(document.isArray());
        QVERIFY(!document.array().isEmpty());
        int row = 0;
        for (const QJsonValue &entry : document.array()) {
            const QJsonObject object = entry.toObject();
            QTest::addRow("%d: %s", row++, qPrintable(object.value(QStringLiteral("text")).toString().left(40)))
                << object.value(QStringLiteral("text")).toString()
                << toStrings(object.value(QStringLiteral("tokens")).toArray())
                << toIds(object.value(QStringLiteral("ids")).toArray());
        }
    }

    void matchesHuggingFace()
    {
        QFETCH(QString, text);
        QFETCH(QStringList, tokens);
        QFETCH(QVector<int>, ids);
        const TokenizedText result = tokenize(text);
        QCOMPARE(result.tokens, tokens);
        QCOMPARE(result.ids, ids);
    }

    void matchesHuggingFaceOnMoreStrings_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QStringList>("tokens");
        QTest::addColumn<QVector<int>>("ids");
        // Produced by @huggingface/tokenizers 0.2.0 set up like the fixture's README
        // says: final sigma, U+0130, VT/NEL/LS, compatibility characters, format
        // characters, non-ASCII symbols, emoji, kana, NUL/U+FFFD, apostrophes.
        static const char reference[] = R"json([
            {"text": "\u039f\u0394\u03a5\u03a3\u03a3\u0395\u03a5\u03a3 \u03a3\u038a\u03a3\u03a5\u03a6\u039f\u03a3", "tokens": ["\u03bf", "##\u03b4", "##\u03c5", "##\u03c3", "##\u03c3", "##\u03b5", "##\u03c5", "##\u03c2", "\u03c3", "##\u03b9", "##\u03c3", "##\u03c5", "##\u03c6", "##\u03bf\u03c2"], "ids": [1169, 29722, 29735, 29733, 29733, 29723, 29735, 19579, 1173, 18199, 29733, 29735, 29736, 15297]},
            {"text": "\u0130stanbul Stra\u00dfe \u0131\u0131", "tokens": ["istanbul", "st", "##ra\u00dfe", "\u0131", "##\u0131"], "ids": [9960, 2358, 27807, 1104, 11722]},
            {"text": "[[SEP]]x[MASK][cls]", "tokens": ["[", "[SEP]", "]", "x", "[MASK]", "[", "cl", "##s", "]"], "ids": [1031, 102, 1033, 1060, 103, 1031, 18856, 2015, 1033]},
            {"text": "tab\there\u000bvt\u0085nel\u2028ls", "tokens": ["tab", "here", "##v", "##t", "##nel", "l", "##s"], "ids": [21628, 2182, 2615, 2102, 11877, 1048, 2015]},
            {"text": "\ufb01nance \u216b \u00b5 Kelvin\u212a", "tokens": ["\ufb01", "##nan", "##ce", "[UNK]", "\u00b5", "kelvin", "##k"], "ids": [1984, 7229, 3401, 100, 1085, 24810, 2243]},
            {"text": "soft\u00adhyphen zero\u200bwidth\ufeffbom", "tokens": ["soft", "##hy", "##ph", "##en", "zero", "##wi", "##dt", "##h", "##bo", "##m"], "ids": [3730, 10536, 8458, 2368, 5717, 9148, 11927, 2232, 5092, 2213]},
            {"text": "\u20ac100 \u00a5200 \u2014 \u00abquoted\u00bb \u00bfqu\u00e9?", "tokens": ["\u20ac", "##100", "\u00a5", "##200", "\u2014", "\u00ab", "quoted", "\u00bb", "\u00bf", "que", "?"], "ids": [1574, 18613, 1071, 28332, 1517, 1077, 9339, 1090, 1094, 10861, 1029]},
            {"text": "emoji \ud83d\ude00\ud83d\udc4d ok", "tokens": ["em", "##oj", "##i", "[UNK]", "ok"], "ids": [7861, 29147, 2072, 100, 7929]},
            {"text": "\u65e5\u672c\u8a9e\u306e\u30c6\u30ad\u30b9\u30c8", "tokens": ["\u65e5", "\u672c", "\u8a9e", "\u306e", "##\u30c6", "##\u30ad", "##\u30b9", "##\u30c8"], "ids": [1864, 1876, 1950, 1671, 30239, 30227, 30233, 30240]},
            {"text": "\u0000\ufffd", "tokens": [], "ids": []},
            {"text": "don't stop-believing!!!", "tokens": ["don", "'", "t", "stop", "-", "believing", "!", "!", "!"], "ids": [2123, 1005, 1056, 2644, 1011, 8929, 999, 999, 999]}
        ])json";
        const QJsonArray rows = QJsonDocument::fromJson(QByteArray(reference)).array();
        QVERIFY(!rows.isEmpty());
        int row = 0;
        for (const QJsonValue &entry : rows) {
            const QJsonObject object = entry.toObject();
            QTest::addRow("%d", row++) << object.value(QStringLiteral("text")).toString()
                                       << toStrings(object.value(QStringLiteral("tokens")).toArray())
                                       << toIds(object.value(QStringLiteral("ids")).toArray());
        }
    }

    void matchesHuggingFaceOnMoreStrings() { matchesHuggingFace(); }

    void specialTokensAreMatchedInRawTextOnly()
    {
        TokenizedText result = tokenize(QStringLiteral("[CLS]hello[SEP][MASK]"));
        QCOMPARE(result.tokens, (QStringList{"[CLS]", "hello", "[SEP]", "[MASK]"}));
        QCOMPARE(result.ids, (QVector<int>{101, 7592, 102, 103}));

        // Lowercase or spaced-out forms are ordinary text: punctuation split, then WordPiece.
        result = tokenize(QStringLiteral("[cls]"));
        QCOMPARE(result.tokens.first(), QStringLiteral("["));
        QCOMPARE(result.tokens.last(), QStringLiteral("]"));
        QVERIFY(!result.tokens.contains(QStringLiteral("[CLS]")));

        result = tokenize(QStringLiteral("[[PAD]]"));
        QCOMPARE(result.tokens, (QStringList{"[", "[PAD]", "]"}));
        QCOMPARE(result.ids.at(1), 0);
    }

    void cleansControlAndWhitespaceCharacters()
    {
        // NUL, U+FFFD, format characters are dropped without splitting; tabs/newlines split.
        const QString text = QStringLiteral("hel") + QChar(0) + QStringLiteral("lo") + QChar(0xFFFD) + QChar(0x200D)
                             + QStringLiteral("\tworld\r\nfoo") + QChar(0x3000) + QStringLiteral("bar");
        QCOMPARE(tokenize(text).tokens, (QStringList{"hello", "world", "foo", "bar"}));
        // A lone surrogate is category Cs and is dropped like the other control characters.
        QCOMPARE(tokenize(QStringLiteral("ab") + QChar(0xD800) + QStringLiteral("c")).tokens,
                 tokenize(QStringLiteral("abc")).tokens);
    }

    void spacesOutCjkIdeographsIncludingSupplementaryPlanes()
    {
        QCOMPARE(BertNormalizer::normalize(QStringLiteral("a北b")), QStringLiteral("a 北 b"));
        // U+20000 (CJK Extension B) is a surrogate pair in UTF-16 and must stay whole.
        const QString extensionB = QString::fromUcs4(U"x\U00020000y", 3);
        QCOMPARE(BertNormalizer::normalize(extensionB), QString::fromUcs4(U"x \U00020000 y", 5));
        QCOMPARE(tokenize(extensionB).tokens, (QStringList{"x", "[UNK]", "y"}));
        // Hangul and kana are not in the ideograph blocks.
        QVERIFY(!BertNormalizer::isChineseIdeograph(0xAC00));
        QVERIFY(!BertNormalizer::isChineseIdeograph(0x3042));
        QVERIFY(BertNormalizer::isChineseIdeograph(0x2B820));
        QVERIFY(BertNormalizer::isChineseIdeograph(0xF900));
    }

    void lowercasesThenStripsAccents()
    {
        QCOMPARE(BertNormalizer::normalize(QStringLiteral("ÉCOLE Über İstanbul")),
                 QStringLiteral("ecole uber istanbul"));
        // Final sigma takes its word-final form, as str.lower() and String.toLowerCase() do.
        QCOMPARE(BertNormalizer::normalize(QStringLiteral("ΟΔΟΣ ΣΑ")), QString::fromUtf8("οδος σα"));
        // Combining marks in the input are nonspacing marks too.
        QCOMPARE(BertNormalizer::normalize(QString::fromUtf8("e\u0301")), QStringLiteral("e"));
    }

    void isolatesPunctuationAsHuggingFaceDefinesIt()
    {
        // ASCII symbols count as punctuation, non-ASCII symbols do not.
        QCOMPARE(BertNormalizer::preTokenize(QStringLiteral("a$b+c~d")),
                 (QStringList{"a", "$", "b", "+", "c", "~", "d"}));
        QCOMPARE(BertNormalizer::preTokenize(QString::fromUtf8("5€ «x»")),
                 (QStringList{QString::fromUtf8("5€"), QString::fromUtf8("«"), "x", QString::fromUtf8("»")}));
        QVERIFY(BertNormalizer::isPunctuation(0x00BF));  // ¿ Po
        QVERIFY(!BertNormalizer::isPunctuation(0x20AC)); // € Sc
        QVERIFY(BertNormalizer::isPunctuation(0x2014));  // — Pd
    }

    void longWordsBecomeUnknownPastOneHundredCharacters()
    {
        const QString hundred(100, QLatin1Char('a'));
        const TokenizedText split = tokenize(hundred);
        QVERIFY(split.tokens != QStringList{QStringLiteral("[UNK]")});
        QString rebuilt;
        for (const QString &piece : split.tokens)
            rebuilt += piece.startsWith(QLatin1String("##")) ? piece.mid(2) : piece;
        QCOMPARE(rebuilt, hundred);
        QCOMPARE(tokenize(hundred + QLatin1Char('a')).tokens, QStringList{QStringLiteral("[UNK]")});

        // The limit counts code points, not UTF-16 units: 60 math letters (120 units) are one word of 60.
        QString mathWord;
        for (int i = 0; i < 60; ++i)
            mathWord += QString::fromUcs4(U"\U0001D522", 1);
        QCOMPARE(tokenize(mathWord).tokens, QStringList{QStringLiteral("[UNK]")}); // unknown pieces, not length
    }

    void greedyLongestMatchFirst()
    {
        Expected<WordPieceTokenizer> tokenizer = WordPieceTokenizer::fromVocabulary(
            {"[PAD]", "[UNK]", "un", "##aff", "##able", "una", "##ffa", "##ble", "##a"});
        QVERIFY(tokenizer.hasValue());
        // "una" is longer than "un", so it wins even though "un ##aff ##able" would also cover the word.
        QCOMPARE(tokenizer->tokenize(QStringLiteral("unaffable")).tokens, (QStringList{"una", "##ffa", "##ble"}));
        QCOMPARE(tokenizer->tokenize(QStringLiteral("unaffable")).ids, (QVector<int>{5, 6, 7}));
        // One unmatched remainder makes the whole word [UNK], not a partial split.
        QCOMPARE(tokenizer->tokenize(QStringLiteral("unx")).tokens, QStringList{QStringLiteral("[UNK]")});
        QCOMPARE(tokenizer->tokenize(QStringLiteral("unx")).ids, QVector<int>{1});
        QCOMPARE(tokenizer->specialTokens(), (QStringList{"[PAD]", "[UNK]"}));
    }

    void vocabularyFileRules()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QFile file(dir.filePath(QStringLiteral("vocab.txt")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        // CRLF line ends and a BOM are tolerated; a repeated token keeps its last id.
        file.write("\xEF\xBB\xBF[PAD]\r\n[UNK]\r\nhello\r\nhello\r\n");
        file.close();
        Expected<WordPieceTokenizer> tokenizer = WordPieceTokenizer::fromVocabularyFile(file.fileName());
        QVERIFY2(tokenizer.hasValue(), qPrintable(tokenizer.errorString()));
        QCOMPARE(tokenizer->vocabularySize(), 4);
        QCOMPARE(tokenizer->tokenId(QStringLiteral("[PAD]")), 0);
        QCOMPARE(tokenizer->tokenize(QStringLiteral("Hello")).ids, QVector<int>{3});

        QVERIFY(!WordPieceTokenizer::fromVocabularyFile(dir.filePath(QStringLiteral("missing.txt"))).hasValue());
        const Expected<WordPieceTokenizer> noUnknown = WordPieceTokenizer::fromVocabulary({"a", "b"}, "v.txt");
        QVERIFY(!noUnknown.hasValue());
        QVERIFY(noUnknown.errorString().contains(QStringLiteral("[UNK]")));
    }
};

GRAFT_TEST_APPLESS_MAIN(TestWordPieceTokenizer)
#include "tst_wordpiecetokenizer.moc"
