#include "core/text/csvreader.h"

#include "core/text/textfile.h"

#include <QFileInfo>

namespace graft {

namespace {

constexpr char16_t quote = u'"';

struct ParsedRecords
{
    QVector<CsvRecord> records;
    QVector<CsvProblem> problems;
    bool stoppedEarly = false;
};

/** Reads up to `maxRecords` records (all when negative), skipping blank lines. */
ParsedRecords parseRecords(QStringView text, QChar delimiter, int maxRecords)
{
    ParsedRecords parsed;
    const qsizetype n = text.size();
    const char16_t separator = delimiter.unicode();
    qsizetype i = 0;
    int line = 1;

    const auto isLineBreak = [&](qsizetype at) { return text[at] == u'\n' || text[at] == u'\r'; };
    // CRLF is one line end; a lone CR (classic Mac) is one too.
    const auto consumeLineBreak = [&](QString *into) {
        const qsizetype width = (text[i] == u'\r' && i + 1 < n && text[i + 1] == u'\n') ? 2 : 1;
        if (into)
            into->append(text.mid(i, width));
        i += width;
        ++line;
    };

    while (i < n) {
        if (maxRecords >= 0 && parsed.records.size() >= maxRecords) {
            parsed.stoppedEarly = true;
            break;
        }
        CsvRecord record;
        record.line = line;
        bool unterminated = false;
        int quoteLine = 0;
        for (;;) {
            QString field;
            if (i < n && text[i] == quote) {
                quoteLine = line;
                ++i;
                bool closed = false;
                while (i < n) {
                    if (text[i] == quote) {
                        if (i + 1 < n && text[i + 1] == quote) {
                            field.append(QChar(quote));
                            i += 2;
                            continue;
                        }
                        ++i;
                        closed = true;
                        break;
                    }
                    if (isLineBreak(i)) {
                        consumeLineBreak(&field);
                        continue;
                    }
                    field.append(text[i]);
                    ++i;
                }
                unterminated = unterminated || !closed;
            }
            // Unquoted text, or stray text after a closing quote, kept literally (as Python's csv does).
            const qsizetype start = i;
            while (i < n && text[i] != separator && !isLineBreak(i))
                ++i;
            field.append(text.mid(start, i - start));
            record.fields.append(field);
            if (i < n && text[i] == separator) {
                ++i;
                continue;
            }
            if (i < n)
                consumeLineBreak(nullptr);
            break;
        }
        if (unterminated) {
            parsed.problems.append({quoteLine, QStringLiteral("the quoted field opened on line %1 is never closed; "
                                                              "the rest of the file was read into it and dropped")
                                                   .arg(quoteLine)});
        } else if (!(record.fields.size() == 1 && record.fields.constFirst().isEmpty())) {
            parsed.records.append(record);
        }
    }
    return parsed;
}

} // namespace

CsvReader::CsvReader(CsvOptions options) : m_options(std::move(options))
{ }

QChar CsvReader::detectDelimiter(QStringView text)
{
    // A prefix is enough to judge and keeps sniffing cheap on large tables; the
    // last record of a cut prefix may be partial, so it is left out.
    constexpr qsizetype sniffChars = 64 * 1024;
    constexpr int sniffRecords = 50;
    const bool cut = text.size() > sniffChars;
    const QStringView sample = cut ? text.left(sniffChars) : text;

    QChar best = QLatin1Char(',');
    int bestConsistent = -1;
    int bestFields = 0;
    for (const QChar candidate : {QLatin1Char(','), QLatin1Char('\t'), QLatin1Char(';'), QLatin1Char('|')}) {
        ParsedRecords parsed = parseRecords(sample, candidate, sniffRecords + 1);
        if (cut && !parsed.stoppedEarly && !parsed.records.isEmpty())
            parsed.records.removeLast();
        if (parsed.records.isEmpty())
            continue;
        const int fields = int(parsed.records.constFirst().fields.size());
        if (fields < 2)
            continue;
        int consistent = 0;
        for (const CsvRecord &record : std::as_const(parsed.records))
            consistent += record.fields.size() == fields ? 1 : 0;
        if (consistent > bestConsistent || (consistent == bestConsistent && fields > bestFields)) {
            best = candidate;
            bestConsistent = consistent;
            bestFields = fields;
        }
    }
    return best;
}

CsvTable CsvReader::parse(QStringView text) const
{
    CsvTable table;
    table.delimiter = m_options.delimiter ? *m_options.delimiter : detectDelimiter(text);
    ParsedRecords parsed = parseRecords(text, table.delimiter, -1);
    table.problems = std::move(parsed.problems);
    table.records = std::move(parsed.records);
    if (m_options.hasHeader && !table.records.isEmpty()) {
        table.header = table.records.takeFirst().fields;
        for (QString &name : table.header)
            name = name.trimmed();
    }
    return table;
}

Expected<CsvTable> CsvReader::readFile(const QString &path) const
{
    Expected<QString> text = TextFile::readUtf8(path, textlimits::maxTableBytes);
    if (!text)
        return text.error();
    CsvOptions options = m_options;
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (!options.delimiter && (suffix == QLatin1String("tsv") || suffix == QLatin1String("tab")))
        options.delimiter = QLatin1Char('\t');
    return CsvReader(options).parse(*text);
}

} // namespace graft
