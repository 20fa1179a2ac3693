#include "core/text/csvreader.h"
#include "core/text/textdataset.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

using namespace graft;

namespace {

QString writeFile(const QTemporaryDir &dir, const QString &name, const QByteArray &bytes)
{
    QFile file(dir.filePath(name));
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size())
        return QString();
    return file.fileName();
}

} // namespace

/** RFC 4180 parsing edge cases and the CSV/TSV text-dataset loader built on it. */
class TestCsvReader final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parsesQuotedFields()
    {
        const CsvTable table = CsvReader().parse(u"text,label\n\"Hello, world\",pos\n\"She said "
                                                 u"\"\"hi\"\"\",neg\n\"\",neutral\nplain \"inner\" quote,pos\n");
        QCOMPARE(table.delimiter, QLatin1Char(','));
        QCOMPARE(table.header, (QStringList{"text", "label"}));
        QCOMPARE(table.records.size(), 4);
        QCOMPARE(table.records.at(0).fields, (QStringList{"Hello, world", "pos"}));
        QCOMPARE(table.records.at(1).fields, (QStringList{"She said \"hi\"", "neg"}));
        QCOMPARE(table.records.at(2).fields, (QStringList{"", "neutral"}));
        QCOMPARE(table.records.at(3).fields, (QStringList{"plain \"inner\" quote", "pos"}));
        QVERIFY(table.problems.isEmpty());
    }

    void keepsLineBreaksInsideQuotesAndCountsLines()
    {
        const CsvTable table = CsvReader().parse(u"text,label\r\n\"line one\r\nline two\",a\r\n\r\nnext,b\r\nlast,c");
        QCOMPARE(table.records.size(), 3);
        QCOMPARE(table.records.at(0).fields.at(0), QStringLiteral("line one\r\nline two"));
        QCOMPARE(table.records.at(0).line, 2);
        QCOMPARE(table.records.at(1).fields, (QStringList{"next", "b"})); // blank line 4 skipped
        QCOMPARE(table.records.at(1).line, 5);
        QCOMPARE(table.records.at(2).fields, (QStringList{"last", "c"})); // no final line break
        QCOMPARE(table.records.at(2).line, 6);
    }

    void handlesLoneCarriageReturnsAndTrailingDelimiter()
    {
        const CsvTable table = CsvReader().parse(u"a,b\rx,\r");
        QCOMPARE(table.header, (QStringList{"a", "b"}));
        QCOMPARE(table.records.size(), 1);
        QCOMPARE(table.records.at(0).fields, (QStringList{"x", ""}));
    }

    void reportsUnterminatedQuote()
    {
        const CsvTable table = CsvReader().parse(u"text,label\ngood,a\n\"never closed,b\nmore,c\n");
        QCOMPARE(table.records.size(), 1);
        QCOMPARE(table.problems.size(), 1);
        QCOMPARE(table.problems.at(0).line, 3);
    }

    void detectsDelimiter_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QChar>("delimiter");
        QTest::newRow("comma") << QStringLiteral("text,label\na b,x\n") << QChar(u',');
        QTest::newRow("tab with commas in text")
            << QStringLiteral("text\tlabel\nhello, world, again\tx\nfine\ty\n") << QChar(u'\t');
        QTest::newRow("semicolon") << QStringLiteral("text;label\n\"a;b\";x\nc;y\n") << QChar(u';');
        QTest::newRow("quoted commas do not count")
            << QStringLiteral("text|label\n\"a,b,c,d\"|x\n\"e,f,g\"|y\n") << QChar(u'|');
        QTest::newRow("single column falls back to comma") << QStringLiteral("text\nabc\n") << QChar(u',');
    }

    void detectsDelimiter()
    {
        QFETCH(QString, text);
        QFETCH(QChar, delimiter);
        QCOMPARE(CsvReader::detectDelimiter(text), delimiter);
    }

    void readsFilesWithBomAndTsvSuffix()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString csv = writeFile(dir, QStringLiteral("bom.csv"), "\xEF\xBB\xBFtext,label\r\ncaf\xC3\xA9,x\r\n");
        Expected<CsvTable> table = CsvReader().readFile(csv);
        QVERIFY2(table.hasValue(), qPrintable(table.errorString()));
        QCOMPARE(table->header, (QStringList{"text", "label"})); // no BOM glued to "text"
        QCOMPARE(table->records.at(0).fields.at(0), QString::fromUtf8("café"));

        // A .tsv with a single data row of comma-laden text is still tab-separated.
        const QString tsv = writeFile(dir, QStringLiteral("data.tsv"), "text\tlabel\na, b, c, d\tx\n");
        table = CsvReader().readFile(tsv);
        QVERIFY(table.hasValue());
        QCOMPARE(table->delimiter, QLatin1Char('\t'));
        QCOMPARE(table->records.at(0).fields, (QStringList{"a, b, c, d", "x"}));

        const QString latin1 = writeFile(dir, QStringLiteral("latin1.csv"), "text,label\ncaf\xE9,x\n");
        table = CsvReader().readFile(latin1);
        QVERIFY(!table.hasValue());
        QVERIFY2(table.errorString().contains(QStringLiteral("line 2")), qPrintable(table.errorString()));
    }

    void datasetReportsBadRowsByLine()
    {
        const CsvTable table = CsvReader().parse(
            u"id,text,label\n1,good "
            u"one,pos\n2,\"too\",many,neg\n3,,neg\n4,fine,\n5,\"multi\nline\",neg\n6,short\n7,last,  pos \n");
        const Expected<TextDataset> dataset = TextDatasetLoader::fromCsvTable(table, QStringLiteral("t.csv"));
        QVERIFY2(dataset.hasValue(), qPrintable(dataset.errorString()));
        QCOMPARE(dataset->texts, (QStringList{"good one", "multi\nline", "last"}));
        QCOMPARE(dataset->classNames, (QStringList{"neg", "pos"}));
        QCOMPARE(dataset->labels, (QVector<int>{1, 0, 1}));
        QCOMPARE(dataset->issues.size(), 4);
        QCOMPARE(dataset->issues.at(0).line, 3); // wrong field count
        QCOMPARE(dataset->issues.at(1).line, 4); // empty text
        QVERIFY(dataset->issues.at(1).message.contains(QStringLiteral("empty text")));
        QCOMPARE(dataset->issues.at(2).line, 5); // empty label
        QVERIFY(dataset->issues.at(2).message.contains(QStringLiteral("empty label")));
        QCOMPARE(dataset->issues.at(3).line, 8); // missing column (record starts after the 2-line record)
        QCOMPARE(dataset->issues.at(3).path, QStringLiteral("t.csv"));
    }

    void datasetSelectsColumnsByNameOrIndex()
    {
        const CsvTable table = CsvReader().parse(u"Label,Review\nb,x\na,y\nb,z\n");
        CsvDatasetOptions options;
        options.textColumn = CsvColumn::parse(QStringLiteral("review")); // case-insensitive fallback
        options.labelColumn = CsvColumn::parse(QStringLiteral("0"));
        const Expected<TextDataset> dataset = TextDatasetLoader::fromCsvTable(table, QStringLiteral("t.csv"), options);
        QVERIFY2(dataset.hasValue(), qPrintable(dataset.errorString()));
        QCOMPARE(dataset->texts, (QStringList{"x", "y", "z"}));
        QCOMPARE(dataset->labels, (QVector<int>{1, 0, 1}));

        options.textColumn = CsvColumn::named(QStringLiteral("comment"));
        const Expected<TextDataset> missing = TextDatasetLoader::fromCsvTable(table, QStringLiteral("t.csv"), options);
        QVERIFY(!missing.hasValue());
        QVERIFY2(missing.errorString().contains(QStringLiteral("Label, Review")), qPrintable(missing.errorString()));

        options.textColumn = CsvColumn::at(5);
        QVERIFY(!TextDatasetLoader::fromCsvTable(table, QStringLiteral("t.csv"), options).hasValue());
    }

    void datasetWithoutHeaderUsesIndices()
    {
        CsvOptions csv;
        csv.hasHeader = false;
        const CsvTable table = CsvReader(csv).parse(u"hello there\tgreet\nbye now\tfarewell\n");
        CsvDatasetOptions options;
        options.csv = csv;
        options.textColumn = CsvColumn::at(0);
        options.labelColumn = CsvColumn::at(1);
        const Expected<TextDataset> dataset = TextDatasetLoader::fromCsvTable(table, QStringLiteral("t.tsv"), options);
        QVERIFY2(dataset.hasValue(), qPrintable(dataset.errorString()));
        QCOMPARE(dataset->texts.size(), 2);
        QCOMPARE(dataset->classNames, (QStringList{"farewell", "greet"}));
    }

    void classNamesSortByCodePoint()
    {
        // UTF-16 order would put U+FF21 after U+1F600; Python's sorted() puts it before.
        const QString fullwidth = QString(QChar(0xFF21));
        const QString emoji = QString::fromUcs4(U"\U0001F600", 1);
        QVERIFY(TextDatasetLoader::codePointLess(fullwidth, emoji));
        QVERIFY(!TextDatasetLoader::codePointLess(emoji, fullwidth));
        QVERIFY(TextDatasetLoader::codePointLess(QStringLiteral("B"), QStringLiteral("a")));
    }
};

QTEST_APPLESS_MAIN(TestCsvReader)
#include "tst_csvreader.moc"
