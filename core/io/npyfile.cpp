#include "core/io/npyfile.h"

#include "core/common/limits.h"

#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QtEndian>

#include <algorithm>
#include <cstring>
#include <optional>

namespace graft {

namespace {

const char kMagic[] = "\x93NUMPY";
constexpr int kMagicSize = 6;
// numpy refuses headers above 10000 bytes unless told otherwise; a header for
// at most limits::maxTensorRank dimensions needs a few hundred.
constexpr std::int64_t kMaxHeaderBytes = 10000;
// Magic, version and the (widest, 4-byte) header length field.
constexpr int kMaxPreambleBytes = kMagicSize + 2 + 4;

struct NpyHeader
{
    NpyDtype dtype = NpyDtype::Float32;
    bool bigEndian = false;
    bool fortranOrder = false;
    std::vector<std::int64_t> shape;
    std::int64_t elementCount = 0;
    std::int64_t dataOffset = 0;
    std::int64_t dataBytes = 0;
};

Error readError(const QString &source, const QString &what)
{
    return makeError(QStringLiteral("Cannot read %1: %2").arg(source, what));
}

/** Where the header dict ends (= where the data starts), from the fixed-size preamble. */
Expected<std::int64_t> parsePreamble(const QByteArray &prefix, const QString &source, int *headerOffset)
{
    if (prefix.size() < kMagicSize || std::memcmp(prefix.constData(), kMagic, kMagicSize) != 0)
        return readError(source, QStringLiteral("it is not a NumPy .npy file (the file does not "
                                                "start with \\x93NUMPY)."));
    if (prefix.size() < kMagicSize + 2)
        return readError(source, QStringLiteral("the file is truncated inside its .npy preamble."));
    const int major = quint8(prefix[kMagicSize]);
    const int minor = quint8(prefix[kMagicSize + 1]);
    if ((major != 1 && major != 2 && major != 3) || minor != 0)
        return readError(source, QStringLiteral(".npy format version %1.%2 is not supported "
                                                "(versions 1.0, 2.0 and 3.0 are).")
                                     .arg(major)
                                     .arg(minor));
    const int lengthBytes = major == 1 ? 2 : 4;
    if (prefix.size() < kMagicSize + 2 + lengthBytes)
        return readError(source, QStringLiteral("the file is truncated inside its .npy preamble."));
    const auto *lengthField = reinterpret_cast<const uchar *>(prefix.constData() + kMagicSize + 2);
    const std::int64_t headerLength = major == 1 ? std::int64_t(qFromLittleEndian<quint16>(lengthField))
                                                 : std::int64_t(qFromLittleEndian<quint32>(lengthField));
    if (headerLength > kMaxHeaderBytes)
        return readError(source, QStringLiteral("its .npy header claims %1 bytes; more than %2 "
                                                "means the file is damaged or not a plain array.")
                                     .arg(headerLength)
                                     .arg(kMaxHeaderBytes));
    *headerOffset = kMagicSize + 2 + lengthBytes;
    return *headerOffset + headerLength;
}

/**
 * A strict parser for the Python dict literal of a .npy header, e.g.
 * {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
 * Accepts exactly what numpy's own reader accepts (any key order, either
 * quote, trailing commas, spaces, Python 2 "3L" longs) and nothing is evaluated.
 */
class HeaderDictParser final
{
public:
    explicit HeaderDictParser(const QByteArray &text) : m_text(text) { }

    Expected<NpyHeader> parse()
    {
        std::optional<QByteArray> descr;
        std::optional<bool> fortran;
        std::optional<std::vector<std::int64_t>> shape;
        skipSpace();
        if (!take('{'))
            return fail(QStringLiteral("expected '{'"));
        skipSpace();
        while (!take('}')) {
            QByteArray key;
            if (!parseString(&key))
                return fail(QStringLiteral("expected a quoted key"));
            skipSpace();
            if (!take(':'))
                return fail(QStringLiteral("expected ':' after '%1'").arg(QString::fromLatin1(key)));
            skipSpace();
            if (key == "descr") {
                if (descr)
                    return fail(QStringLiteral("'descr' appears twice"));
                if (peek() == '[')
                    return makeError(QStringLiteral("it holds a structured (record) array, which is "
                                                    "not supported; save each field as its own array."));
                QByteArray value;
                if (!parseString(&value))
                    return fail(QStringLiteral("'descr' is not a quoted type string"));
                descr = value;
            } else if (key == "fortran_order") {
                if (fortran)
                    return fail(QStringLiteral("'fortran_order' appears twice"));
                if (takeWord("True"))
                    fortran = true;
                else if (takeWord("False"))
                    fortran = false;
                else
                    return fail(QStringLiteral("'fortran_order' is not True or False"));
            } else if (key == "shape") {
                if (shape)
                    return fail(QStringLiteral("'shape' appears twice"));
                std::vector<std::int64_t> dims;
                const Expected<void> parsed = parseShape(&dims);
                if (!parsed)
                    return parsed.error();
                shape = std::move(dims);
            } else {
                return fail(QStringLiteral("unexpected key '%1'").arg(QString::fromLatin1(key)));
            }
            skipSpace();
            if (take(',')) {
                skipSpace();
                continue;
            }
            if (peek() != '}')
                return fail(QStringLiteral("expected ',' or '}'"));
        }
        skipSpace();
        if (m_pos != m_text.size())
            return fail(QStringLiteral("unexpected text after '}'"));
        if (!descr || !fortran || !shape)
            return fail(QStringLiteral("'descr', 'fortran_order' and 'shape' are all required"));

        NpyHeader header;
        const Expected<void> type = parseDescr(*descr, &header);
        if (!type)
            return type.error();
        header.fortranOrder = *fortran;
        header.shape = std::move(*shape);
        return header;
    }

private:
    Error fail(const QString &what) const
    {
        return makeError(QStringLiteral("its .npy header is malformed (%1 at offset %2 of \"%3\").")
                             .arg(what)
                             .arg(m_pos)
                             .arg(QString::fromLatin1(m_text.left(200)).trimmed()));
    }

    char peek() const { return m_pos < m_text.size() ? m_text[m_pos] : '\0'; }
    bool take(char c)
    {
        if (peek() != c)
            return false;
        ++m_pos;
        return true;
    }
    bool takeWord(const char *word)
    {
        const qsizetype length = qsizetype(std::strlen(word));
        if (m_text.mid(m_pos, length) != word)
            return false;
        m_pos += length;
        return true;
    }
    void skipSpace()
    {
        while (m_pos < m_text.size()
               && (m_text[m_pos] == ' ' || m_text[m_pos] == '\t' || m_text[m_pos] == '\n' || m_text[m_pos] == '\r'))
            ++m_pos;
    }

    bool parseString(QByteArray *out)
    {
        const char quote = peek();
        if (quote != '\'' && quote != '"')
            return false;
        ++m_pos;
        while (m_pos < m_text.size() && m_text[m_pos] != quote) {
            if (m_text[m_pos] == '\\' || m_text[m_pos] == '\n')
                return false; // no valid key or type string needs escapes
            out->append(m_text[m_pos++]);
        }
        return take(quote);
    }

    Expected<void> parseShape(std::vector<std::int64_t> *dims)
    {
        if (!take('('))
            return fail(QStringLiteral("'shape' is not a tuple"));
        skipSpace();
        bool sawComma = false;
        while (!take(')')) {
            if (!dims->empty() && !sawComma)
                return fail(QStringLiteral("expected ',' between dimensions"));
            const qsizetype start = m_pos;
            while (m_pos < m_text.size() && m_text[m_pos] >= '0' && m_text[m_pos] <= '9')
                ++m_pos;
            const qsizetype digits = m_pos - start;
            if (digits == 0)
                return fail(QStringLiteral("a dimension is not a non-negative integer"));
            if (digits > 18)
                return fail(QStringLiteral("a dimension is too large"));
            dims->push_back(m_text.mid(start, digits).toLongLong());
            if (dims->size() > std::size_t(limits::maxTensorRank))
                return makeError(QStringLiteral("its shape has more than %1 dimensions, the most "
                                                "Graft supports.")
                                     .arg(limits::maxTensorRank));
            if (peek() == 'L' || peek() == 'l') // Python 2 longs
                ++m_pos;
            skipSpace();
            sawComma = take(',');
            skipSpace();
        }
        // "(3)" is the integer 3 in Python, not a tuple; numpy refuses it too.
        if (dims->size() == 1 && !sawComma)
            return fail(QStringLiteral("'shape' is not a tuple"));
        return {};
    }

    static Expected<void> parseDescr(const QByteArray &descr, NpyHeader *header)
    {
        QByteArray type = descr;
        char order = '=';
        if (!type.isEmpty() && (type[0] == '<' || type[0] == '>' || type[0] == '|' || type[0] == '='))
            order = type[0], type.remove(0, 1);
        if (type.startsWith('O'))
            return makeError(QStringLiteral("it holds a NumPy object array (dtype '%1'), whose "
                                            "elements are pickled Python objects; Graft never "
                                            "unpickles data. Save a numeric array instead, e.g. "
                                            "np.save(path, np.asarray(x, dtype=np.float32)).")
                                 .arg(QString::fromLatin1(descr)));
        struct Known
        {
            const char *code;
            NpyDtype dtype;
        };
        static const Known known[] = {
            {"f4", NpyDtype::Float32}, {"f8", NpyDtype::Float64}, {"i1", NpyDtype::Int8},  {"i2", NpyDtype::Int16},
            {"i4", NpyDtype::Int32},   {"i8", NpyDtype::Int64},   {"u1", NpyDtype::UInt8}, {"u2", NpyDtype::UInt16},
            {"u4", NpyDtype::UInt32},  {"u8", NpyDtype::UInt64},  {"b1", NpyDtype::Bool},  {"?", NpyDtype::Bool},
        };
        for (const Known &k : known) {
            if (type != k.code)
                continue;
            header->dtype = k.dtype;
            const bool multiByte = npyDtypeSize(k.dtype) > 1;
            if (multiByte && order == '|')
                return makeError(QStringLiteral("its dtype '%1' has no byte order although its "
                                                "elements span several bytes.")
                                     .arg(QString::fromLatin1(descr)));
            // '=' (native) never appears in files numpy writes; it would mean the
            // writer's order, which on every platform numpy supports is little-endian.
            header->bigEndian = multiByte && order == '>';
            return {};
        }
        return makeError(QStringLiteral("its dtype '%1' is not supported; supported are float32, "
                                        "float64, int8/16/32/64, uint8/16/32/64 and bool.")
                             .arg(QString::fromLatin1(descr)));
    }

    QByteArray m_text;
    qsizetype m_pos = 0;
};

/** Parses the header at the start of `head`, which must hold at least dataOffset bytes or the whole file. */
Expected<NpyHeader> parseHeader(const QByteArray &head, std::int64_t fileSize, const QString &source)
{
    int headerOffset = 0;
    const Expected<std::int64_t> dataOffset = parsePreamble(head, source, &headerOffset);
    if (!dataOffset)
        return dataOffset.error();
    if (fileSize < *dataOffset || head.size() < *dataOffset)
        return readError(source, QStringLiteral("the file is truncated inside its .npy header "
                                                "(%1 bytes expected, %2 present).")
                                     .arg(*dataOffset)
                                     .arg(fileSize));
    const QByteArray dictText = head.mid(headerOffset, qsizetype(*dataOffset - headerOffset));
    Expected<NpyHeader> header = HeaderDictParser(dictText).parse();
    if (!header)
        return readError(source, header.errorString());
    const Expected<std::int64_t> count = npyCheckedElementCount(header->shape);
    if (!count)
        return readError(source, QStringLiteral("its %1").arg(count.errorString()));
    header->elementCount = *count;
    header->dataOffset = *dataOffset;
    header->dataBytes = *count * npyDtypeSize(header->dtype);
    const std::int64_t present = fileSize - *dataOffset;
    if (present < header->dataBytes)
        return readError(source, QStringLiteral("the file is truncated: a %1 array of shape %2 "
                                                "needs %3 bytes of data but only %4 bytes follow "
                                                "the header.")
                                     .arg(npyDtypeName(header->dtype), npyShapeString(header->shape))
                                     .arg(header->dataBytes)
                                     .arg(present));
    if (present > header->dataBytes)
        return readError(source, QStringLiteral("%1 unexpected bytes follow the %2 bytes of data "
                                                "of its %3 array of shape %4.")
                                     .arg(present - header->dataBytes)
                                     .arg(header->dataBytes)
                                     .arg(npyDtypeName(header->dtype), npyShapeString(header->shape)));
    return header;
}

void swapBytes(QByteArray &data, int itemSize)
{
    if (itemSize <= 1)
        return;
    char *p = data.data();
    const qsizetype count = data.size() / itemSize;
    for (qsizetype i = 0; i < count; ++i, p += itemSize)
        std::reverse(p, p + itemSize);
}

/** Fortran (column-major) element order to C (row-major) order. */
QByteArray fortranToC(const QByteArray &data, const std::vector<std::int64_t> &shape, int itemSize, std::int64_t count)
{
    if (shape.size() < 2 || count == 0)
        return data;
    const std::size_t rank = shape.size();
    // Element (i0, ..., in) lives at sum(ik * fstride[k]) with fstride[0] = 1 in Fortran order.
    std::vector<std::int64_t> fortranStride(rank);
    std::int64_t stride = 1;
    for (std::size_t k = 0; k < rank; ++k) {
        fortranStride[k] = stride;
        stride *= shape[k];
    }
    QByteArray out(data.size(), Qt::Uninitialized);
    std::vector<std::int64_t> index(rank, 0);
    std::int64_t source = 0;
    const char *in = data.constData();
    char *dst = out.data();
    for (std::int64_t c = 0; c < count; ++c) {
        std::memcpy(dst + c * itemSize, in + source * itemSize, std::size_t(itemSize));
        // Advance the C-order odometer (last axis fastest), keeping `source` in step.
        for (std::size_t k = rank; k-- > 0;) {
            if (++index[k] < shape[k]) {
                source += fortranStride[k];
                break;
            }
            source -= (shape[k] - 1) * fortranStride[k];
            index[k] = 0;
        }
    }
    return out;
}

Expected<NpyArray> finishArray(const NpyHeader &header, QByteArray data, const QString &source)
{
    const int itemSize = npyDtypeSize(header.dtype);
    if (header.bigEndian)
        swapBytes(data, itemSize);
    if (header.fortranOrder)
        data = fortranToC(data, header.shape, itemSize, header.elementCount);
    Expected<NpyArray> array = NpyArray::fromRawBytes(header.dtype, header.shape, std::move(data));
    if (!array)
        return readError(source, array.errorString());
    return array;
}

QByteArray descrOf(NpyDtype dtype)
{
    switch (dtype) {
    case NpyDtype::Float32: return "<f4";
    case NpyDtype::Float64: return "<f8";
    case NpyDtype::Int8: return "|i1";
    case NpyDtype::Int16: return "<i2";
    case NpyDtype::Int32: return "<i4";
    case NpyDtype::Int64: return "<i8";
    case NpyDtype::UInt8: return "|u1";
    case NpyDtype::UInt16: return "<u2";
    case NpyDtype::UInt32: return "<u4";
    case NpyDtype::UInt64: return "<u8";
    case NpyDtype::Bool: return "|b1";
    }
    return QByteArray();
}

} // namespace

Expected<NpyArray> NpyFile::read(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return readError(path, file.errorString() + QLatin1Char('.'));
    const std::int64_t fileSize = file.size();
    // Read and validate the header before allocating room for the data it describes.
    QByteArray head = file.read(kMaxPreambleBytes);
    int headerOffset = 0;
    const Expected<std::int64_t> dataOffset = parsePreamble(head, path, &headerOffset);
    if (!dataOffset)
        return dataOffset.error();
    if (head.size() < *dataOffset)
        head += file.read(*dataOffset - head.size());
    const Expected<NpyHeader> header = parseHeader(head, fileSize, path);
    if (!header)
        return header.error();
    if (!file.seek(header->dataOffset))
        return readError(path, file.errorString() + QLatin1Char('.'));
    QByteArray data = file.read(header->dataBytes);
    if (std::int64_t(data.size()) != header->dataBytes)
        return readError(path, QStringLiteral("only %1 of %2 bytes of data could be read (%3).")
                                   .arg(data.size())
                                   .arg(header->dataBytes)
                                   .arg(file.errorString()));
    return finishArray(*header, std::move(data), path);
}

Expected<NpyArray> NpyFile::fromBytes(const QByteArray &bytes, const QString &sourceName)
{
    const Expected<NpyHeader> header = parseHeader(bytes, bytes.size(), sourceName);
    if (!header)
        return header.error();
    return finishArray(*header, bytes.mid(qsizetype(header->dataOffset)), sourceName);
}

QByteArray NpyFile::toBytes(const NpyArray &array)
{
    QByteArray dict = "{'descr': '" + descrOf(array.dtype())
                      + "', 'fortran_order': False, 'shape': " + npyShapeString(array.shape()).toLatin1() + ", }";
    // Pad with spaces to a newline so that the data starts 64-byte aligned, as numpy does.
    const qsizetype preamble = kMagicSize + 2 + 2;
    const qsizetype unpadded = preamble + dict.size() + 1;
    dict += QByteArray((64 - unpadded % 64) % 64, ' ');
    dict += '\n';

    QByteArray out;
    out.reserve(preamble + dict.size() + array.rawBytes().size());
    out.append(kMagic, kMagicSize);
    out.append(char(1));
    out.append(char(0));
    uchar length[2];
    qToLittleEndian<quint16>(quint16(dict.size()), length);
    out.append(reinterpret_cast<const char *>(length), 2);
    out += dict;
    out += array.rawBytes();
    return out;
}

Expected<void> NpyFile::write(const QString &path, const NpyArray &array)
{
    // QSaveFile renames its temporary over the target: over /dev/null or a FIFO
    // that would replace the device node itself (as root, silently).
    if (const QFileInfo target(path); target.exists() && !target.isFile())
        return makeError(
            QStringLiteral("Cannot write %1: it exists and is not a regular file (a folder, device or pipe); "
                           "give a file path.")
                .arg(path));
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return makeError(QStringLiteral("Cannot write %1: %2.").arg(path, file.errorString()));
    const QByteArray bytes = toBytes(array);
    if (file.write(bytes) != bytes.size() || !file.commit())
        return makeError(QStringLiteral("Cannot write %1: %2.").arg(path, file.errorString()));
    return {};
}

} // namespace graft
