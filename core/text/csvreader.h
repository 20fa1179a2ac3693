#pragma once

#include "core/common/expected.h"

#include <QChar>
#include <QString>
#include <QStringList>
#include <QStringView>
#include <QVector>

#include <optional>

namespace graft {

/** One record of a delimited file and the (1-based) line it starts on. */
struct CsvRecord
{
    QStringList fields;
    int line = 0;
};

/** A record that could not be read, by the line it starts on. */
struct CsvProblem
{
    int line = 0;
    QString message;
};

/** A parsed delimited file: the header, the data records and what could not be read. */
struct CsvTable
{
    QChar delimiter;
    QStringList header; // empty when the file is read without a header
    QVector<CsvRecord> records;
    QVector<CsvProblem> problems;
};

struct CsvOptions
{
    /** Field separator; detected from the first records when not given. */
    std::optional<QChar> delimiter;
    bool hasHeader = true;
};

/**
 * Reads RFC 4180 CSV and TSV: quoted fields, doubled quotes, line breaks inside
 * quotes, CRLF/LF/CR line ends, UTF-8 with or without BOM. Blank lines are
 * skipped; an unterminated quote is reported, never fatal.
 */
class CsvReader final
{
public:
    explicit CsvReader(CsvOptions options = {});

    /** Reads `path` read-only; ".tsv"/".tab" files default to tab-separated. */
    Expected<CsvTable> readFile(const QString &path) const;
    /** Parses already decoded text. */
    CsvTable parse(QStringView text) const;

    /**
     * The most likely separator among ',', tab, ';' and '|': the one that splits the
     * first line into at least two fields and the following records into the same
     * number most often. ',' when none does.
     */
    static QChar detectDelimiter(QStringView text);

private:
    CsvOptions m_options;
};

} // namespace graft
