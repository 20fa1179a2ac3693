#pragma once

#include "core/common/expected.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

namespace graft {

/** Where a syntax error is in the user's file, for messages and for the GUI to jump to it. */
struct PythonSyntaxError
{
    int line = 0;
    int column = 0;
    QString message;
    QString text;
};

/**
 * Turns Python source into its syntax tree with CPython's own parser (`ast.parse`
 * in a child python3 process fed on stdin): the user's code is parsed, never
 * executed and never imported. The tree comes back as JSON, one object per node.
 */
class PythonAstParser final
{
public:
    /** The interpreter used: $GRAFT_PYTHON, else /usr/bin/python3, else python3 on PATH; empty if none. */
    static QString pythonExecutable();

    /** `sourceName` names the file in messages. A syntax error is an Error naming line and column;
     *  `syntaxError`, when given, receives its parts. */
    static Expected<QJsonObject> parse(const QByteArray &source, const QString &sourceName,
                                       PythonSyntaxError *syntaxError = nullptr);

    /** A Jupyter notebook's code cells joined into one module (IPython magics and shell lines blanked). */
    static Expected<QByteArray> notebookCode(const QByteArray &notebookJson, const QString &sourceName);
};

} // namespace graft
