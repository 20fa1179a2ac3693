#include "core/text/textvectorizationtokenizer.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

using namespace graft;

// Expected values follow Keras's TextVectorization._preprocess
// (keras/src/layers/preprocessing/text_vectorization.py):
//   tf.strings.lower(inputs)  -> default encoding '', i.e. absl::AsciiStrToLower
//                                (tensorflow/core/kernels/string_lower_op.cc), so only A-Z change;
//   tf.strings.regex_replace(inputs, r'[!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~\']', "")
//                             -> the 32 ASCII punctuation characters, nothing else;
//   tf.strings.split(inputs)  -> StringSplitV2 with an empty separator: runs of ASCII
//                                whitespace separate tokens, no empty tokens.

/** Keras TextVectorization standardization, splitting, vocabulary files and id lookup. */
class TestTextVectorizationTokenizer final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void standardizesLikeKeras_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QStringList>("tokens");

        QTest::newRow("lower and strip") << QStringLiteral("Hello, World!") << QStringList{"hello", "world"};
        QTest::newRow("apostrophe joins") << QStringLiteral("Don't stop") << QStringList{"dont", "stop"};
        QTest::newRow("hyphen and dot join")
            << QStringLiteral("e-mail 3.14 U.S.A.") << QStringList{"email", "314", "usa"};
        QTest::newRow("all 32 ASCII punctuation")
            << QStringLiteral("a!b\"c#d$e%f&g'h(i)j*k+l,m-n.o/p:q;r<s=t>u?v@w[x\\y]z^_`{|}~")
            << QStringList{"abcdefghijklmnopqrstuvwxyz"};
        QTest::newRow("punctuation-only word vanishes") << QStringLiteral("a --- b") << QStringList{"a", "b"};
        QTest::newRow("non-ASCII case kept")
            << QString::fromUtf8("ÉCLAIR ЯБЛОКО Straße")
            << QStringList{QString::fromUtf8("Éclair"), QString::fromUtf8("ЯБЛОКО"), QString::fromUtf8("straße")};
        QTest::newRow("non-ASCII punctuation kept")
            << QString::fromUtf8("«quoted» — dash… ¿qué?")
            << QStringList{QString::fromUtf8("«quoted»"), QString::fromUtf8("—"), QString::fromUtf8("dash…"),
                           QString::fromUtf8("¿qué")};
        QTest::newRow("ASCII whitespace splits")
            << QStringLiteral(" a\tb\nc\vd\fe\rf  ") << QStringList{"a", "b", "c", "d", "e", "f"};
        QTest::newRow("no-break space does not split")
            << QString::fromUtf8("a\u00A0b c") << QStringList{QString::fromUtf8("a\u00A0b"), "c"};
        QTest::newRow("empty") << QString() << QStringList{};
        QTest::newRow("whitespace only") << QStringLiteral(" \t\r\n ") << QStringList{};
        QTest::newRow("brackets of [UNK] stripped") << QStringLiteral("[UNK]") << QStringList{"unk"};
        QTest::newRow("digits kept") << QStringLiteral("iPhone14Pro,128GB") << QStringList{"iphone14pro128gb"};
    }

    void standardizesLikeKeras()
    {
        QFETCH(QString, text);
        QFETCH(QStringList, tokens);
        QCOMPARE(TextVectorizationTokenizer::split(TextVectorizationTokenizer::standardize(text)), tokens);
    }

    void mapsGetVocabularyFileToIds()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QFile file(dir.filePath(QStringLiteral("vocab.txt")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("\n[UNK]\nthe\ncat\nsat\n"); // "\n".join(layer.get_vocabulary()) plus a final newline
        file.close();

        const Expected<TextVectorizationTokenizer> tokenizer =
            TextVectorizationTokenizer::fromVocabularyFile(file.fileName());
        QVERIFY2(tokenizer.hasValue(), qPrintable(tokenizer.errorString()));
        QCOMPARE(tokenizer->vocabularySize(), 5);
        QCOMPARE(tokenizer->vocabulary(), (QStringList{"", "[UNK]", "the", "cat", "sat"}));
        const TokenizedText result = tokenizer->tokenize(QStringLiteral("The cat sat on the MAT."));
        QCOMPARE(result.tokens, (QStringList{"the", "cat", "sat", "on", "the", "mat"}));
        QCOMPARE(result.ids, (QVector<int>{2, 3, 4, 1, 2, 1}));
    }

    void tokenListWithoutReservedLinesStartsAtTwo()
    {
        // Keras's vocabulary=path convention: the file lists only real tokens.
        const Expected<TextVectorizationTokenizer> tokenizer =
            TextVectorizationTokenizer::fromVocabulary({"the", "cat"});
        QVERIFY(tokenizer.hasValue());
        QCOMPARE(tokenizer->vocabulary(), (QStringList{"", "[UNK]", "the", "cat"}));
        QCOMPARE(tokenizer->tokenize(QStringLiteral("cat the dog")).ids, (QVector<int>{3, 2, 1}));
    }

    void rejectsMalformedVocabularies_data()
    {
        QTest::addColumn<QStringList>("lines");
        QTest::addColumn<QString>("messagePart");
        QTest::newRow("only reserved") << QStringList{"", "[UNK]"} << QStringLiteral("no vocabulary tokens");
        QTest::newRow("empty") << QStringList{} << QStringLiteral("no vocabulary tokens");
        QTest::newRow("OOV without padding first") << QStringList{"[UNK]", "a"} << QStringLiteral("line 1");
        QTest::newRow("padding later") << QStringList{"", "[UNK]", "a", "", "b"} << QStringLiteral("line 4");
        QTest::newRow("repeated token") << QStringList{"a", "b", "a"} << QStringLiteral("repeats");
    }

    void rejectsMalformedVocabularies()
    {
        QFETCH(QStringList, lines);
        QFETCH(QString, messagePart);
        const Expected<TextVectorizationTokenizer> tokenizer =
            TextVectorizationTokenizer::fromVocabulary(lines, QStringLiteral("v.txt"));
        QVERIFY(!tokenizer.hasValue());
        QVERIFY2(tokenizer.errorString().contains(messagePart), qPrintable(tokenizer.errorString()));
        QVERIFY(tokenizer.errorString().contains(QStringLiteral("v.txt")));
    }
};

QTEST_APPLESS_MAIN(TestTextVectorizationTokenizer)
#include "tst_textvectorizationtokenizer.moc"
