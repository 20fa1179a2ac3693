#include "core/io/classnamesfile.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

namespace graft {

Expected<QStringList> ClassNamesFile::read(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error{QStringLiteral("Cannot open the class-names file %1: %2").arg(path, file.errorString())};
    const QByteArray bytes = file.readAll();
    QStringList names;
    if (path.endsWith(QLatin1String(".json"), Qt::CaseInsensitive)) {
        QJsonParseError error;
        const QJsonDocument document = QJsonDocument::fromJson(bytes, &error);
        if (!document.isArray())
            return Error{QStringLiteral("%1: expected a JSON list of class names (%2)").arg(path, error.errorString())};
        for (const QJsonValue &value : document.array()) {
            if (!value.isString())
                return Error{QStringLiteral("%1: every class name must be a string").arg(path)};
            names << value.toString();
        }
    } else {
        for (const QString &line : QString::fromUtf8(bytes).split(QLatin1Char('\n'))) {
            const QString name = line.trimmed();
            if (!name.isEmpty())
                names << name;
        }
    }
    if (names.isEmpty())
        return Error{QStringLiteral("%1 lists no class names").arg(path)};
    return names;
}

} // namespace graft
