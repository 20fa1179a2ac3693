#pragma once

#include "core/common/expected.h"

#include <QString>
#include <QStringList>

namespace graft {

/**
 * A class-names file, in output order: one name per line (blank lines and the
 * spaces around a name skipped), or, for a `.json` file, a JSON list of strings.
 * Graft writes the first form beside every model (`<stem>.labels.txt`).
 */
class ClassNamesFile final
{
public:
    ClassNamesFile() = delete;

    /** The names in `path`; an error naming the file if it is unreadable, malformed or empty. */
    static Expected<QStringList> read(const QString &path);
};

} // namespace graft
