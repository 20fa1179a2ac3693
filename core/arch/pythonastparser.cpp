#include "core/arch/pythonastparser.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QProcessEnvironment>
#include <QStandardPaths>

namespace graft {

namespace {

// Model-building code is a few hundred lines; anything near this is not what the user meant to give.
constexpr qint64 maxSourceBytes = 8 * 1024 * 1024;
constexpr int parseTimeoutMs = 60000;

// Runs in `python3 -I -S`: reads the source as bytes (so PEP 263 encoding cookies and BOMs
// work), parses it with ast.parse, and prints the tree as JSON. Constants carry their
// Python type because JSON cannot tell 1 from 1.0. Positions: _l/_c start, _el/_ec end
// (columns in UTF-8 bytes, as CPython counts them).
const char *const astDumpScript = R"PY(
import ast, json, sys
sys.setrecursionlimit(20000)
SKIP = {'ctx', 'type_comment', 'type_ignores', 'kind', 'lineno', 'col_offset', 'end_lineno', 'end_col_offset'}
def const(v):
    if v is None: return None, 'None'
    if isinstance(v, bool): return v, 'bool'
    if isinstance(v, int): return (v, 'int') if abs(v) < 2 ** 53 else (str(v), 'bigint')
    if isinstance(v, float): return (v, 'float') if v == v and abs(v) != float('inf') else (repr(v), 'floatstr')
    if isinstance(v, str): return v, 'str'
    if isinstance(v, bytes): return v.decode('latin-1'), 'bytes'
    if v is Ellipsis: return None, 'ellipsis'
    return repr(v), 'other'
def conv(n):
    if isinstance(n, ast.AST):
        d = {'_t': type(n).__name__}
        if isinstance(n, ast.Constant):
            d['v'], d['k'] = const(n.value)
        else:
            for f, v in ast.iter_fields(n):
                if f not in SKIP: d[f] = conv(v)
        if getattr(n, 'lineno', None) is not None:
            d['_l'] = n.lineno; d['_c'] = n.col_offset
            if getattr(n, 'end_lineno', None) is not None:
                d['_el'] = n.end_lineno; d['_ec'] = n.end_col_offset
        return d
    if isinstance(n, list): return [conv(x) for x in n]
    return n
def main():
    src = sys.stdin.buffer.read()
    name = sys.argv[1] if len(sys.argv) > 1 else '<code>'
    try:
        out = {'ast': conv(ast.parse(src, filename=name))}
    except SyntaxError as e:
        out = {'error': 'syntax', 'message': e.msg, 'line': e.lineno or 0, 'column': e.offset or 0,
               'text': (e.text or '').rstrip('\n')}
    except (ValueError, RecursionError, MemoryError) as e:
        out = {'error': type(e).__name__, 'message': str(e) or 'the code is nested too deeply'}
    sys.stdout.write(json.dumps(out, separators=(',', ':')))
main()
)PY";

} // namespace

QString PythonAstParser::pythonExecutable()
{
    const QString configured = QProcessEnvironment::systemEnvironment().value(QStringLiteral("GRAFT_PYTHON"));
    if (!configured.isEmpty())
        return configured;
    // Debian's interpreter first: any python3 >= 3.8 parses the same, but this one is always complete.
    if (QFileInfo(QStringLiteral("/usr/bin/python3")).isExecutable())
        return QStringLiteral("/usr/bin/python3");
    return QStandardPaths::findExecutable(QStringLiteral("python3"));
}

Expected<QJsonObject> PythonAstParser::parse(const QByteArray &source, const QString &sourceName,
                                             PythonSyntaxError *syntaxError)
{
    if (source.size() > maxSourceBytes)
        return makeError(QStringLiteral("%1 is %2 MB; model-building code larger than %3 MB is not read.")
                             .arg(sourceName)
                             .arg(source.size() / (1024 * 1024))
                             .arg(maxSourceBytes / (1024 * 1024)));
    const QString python = pythonExecutable();
    if (python.isEmpty())
        return makeError(
            QStringLiteral("Reading %1 needs a Python 3 interpreter for its parser (ast), and none was found: "
                           "install python3 (Debian: apt install python3) or set GRAFT_PYTHON to one.")
                .arg(sourceName));
    QProcess process;
    process.setProgram(python);
    process.setArguments({QStringLiteral("-I"), QStringLiteral("-S"), QStringLiteral("-B"), QStringLiteral("-c"),
                          QString::fromLatin1(astDumpScript), sourceName});
    process.start(QIODevice::ReadWrite);
    if (!process.waitForStarted(10000))
        return makeError(QStringLiteral("Cannot start %1 to parse %2: %3. Set GRAFT_PYTHON to a working python3.")
                             .arg(python, sourceName, process.errorString()));
    process.write(source);
    process.closeWriteChannel();
    if (!process.waitForFinished(parseTimeoutMs)) {
        process.kill();
        process.waitForFinished(2000);
        return makeError(QStringLiteral("Parsing %1 with %2 did not finish within %3 s.")
                             .arg(sourceName, python)
                             .arg(parseTimeoutMs / 1000));
    }
    const QByteArray output = process.readAllStandardOutput();
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0 || output.isEmpty()) {
        const QString stderrText = QString::fromUtf8(process.readAllStandardError()).trimmed();
        return makeError(QStringLiteral("%1 failed while parsing %2 (exit code %3)%4")
                             .arg(python, sourceName)
                             .arg(process.exitCode())
                             .arg(stderrText.isEmpty()
                                      ? QString()
                                      : QStringLiteral(": ") + stderrText.section(QLatin1Char('\n'), -1)));
    }
    QJsonParseError jsonError;
    const QJsonDocument doc = QJsonDocument::fromJson(output, &jsonError);
    if (jsonError.error != QJsonParseError::NoError || !doc.isObject())
        return makeError(
            QStringLiteral("The syntax tree of %1 could not be read back (%2): the code is probably nested "
                           "too deeply.")
                .arg(sourceName, jsonError.errorString()));
    const QJsonObject result = doc.object();
    if (result.contains(QStringLiteral("ast")))
        return result.value(QStringLiteral("ast")).toObject();
    const QString kind = result.value(QStringLiteral("error")).toString();
    const QString message = result.value(QStringLiteral("message")).toString();
    if (kind == QLatin1String("syntax")) {
        PythonSyntaxError e;
        e.line = result.value(QStringLiteral("line")).toInt();
        e.column = result.value(QStringLiteral("column")).toInt();
        e.message = message;
        e.text = result.value(QStringLiteral("text")).toString();
        if (syntaxError)
            *syntaxError = e;
        QString text = QStringLiteral("%1 is not valid Python 3: %2 at line %3, column %4")
                           .arg(sourceName, message)
                           .arg(e.line)
                           .arg(e.column);
        if (!e.text.trimmed().isEmpty())
            text += QStringLiteral(" (`%1`)").arg(e.text.trimmed());
        return makeError(text + QStringLiteral(". Give the Python file that builds the model."));
    }
    return makeError(QStringLiteral("%1 cannot be parsed as Python: %2 (%3).").arg(sourceName, message, kind));
}

Expected<QByteArray> PythonAstParser::notebookCode(const QByteArray &notebookJson, const QString &sourceName)
{
    QJsonParseError jsonError;
    const QJsonDocument doc = QJsonDocument::fromJson(notebookJson, &jsonError);
    if (jsonError.error != QJsonParseError::NoError || !doc.isObject())
        return makeError(QStringLiteral("%1 is not a Jupyter notebook (invalid JSON: %2).")
                             .arg(sourceName, jsonError.errorString()));
    const QJsonArray cells = doc.object().value(QStringLiteral("cells")).toArray();
    if (cells.isEmpty())
        return makeError(QStringLiteral("%1 is not a Jupyter notebook with cells.").arg(sourceName));
    QByteArray code;
    for (const QJsonValue &cellValue : cells) {
        const QJsonObject cell = cellValue.toObject();
        if (cell.value(QStringLiteral("cell_type")).toString() != QLatin1String("code"))
            continue;
        const QJsonValue sourceValue = cell.value(QStringLiteral("source"));
        QString text;
        if (sourceValue.isArray())
            for (const QJsonValue &line : sourceValue.toArray())
                text += line.toString();
        else
            text = sourceValue.toString();
        for (QString line : text.split(QLatin1Char('\n'))) {
            const QString trimmed = line.trimmed();
            // Magics and shell escapes are not Python; blank them so line numbers still count cells' lines.
            if (trimmed.startsWith(QLatin1Char('%')) || trimmed.startsWith(QLatin1Char('!')))
                line = QString();
            code += line.toUtf8() + '\n';
        }
        code += '\n';
    }
    return code;
}

} // namespace graft
