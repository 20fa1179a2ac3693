#pragma once

#include "core/arch/architecturedraft.h"
#include "core/common/expected.h"

#include <QHash>
#include <QJsonValue>
#include <QString>

namespace graft {

/** What to read and what the user already told: the function, the input shape, parameter values. */
struct CodeReadOptions
{
    QString functionName;                // empty: the function that builds a model (best match to the weights)
    Shape inputShape;                    // no batch axis; empty: from the code or the weights
    QHash<QString, QJsonValue> bindings; // values of the function's parameters or module variables
};

/**
 * Reads the user's Keras model-building code (Sequential or functional, any import
 * style) without running it and turns it into an ArchitectureDraft: full Keras
 * configs, layer names as a fresh tf.keras session gives them, and the values the
 * code leaves open (function parameters, data shapes) filled from the weights or
 * from the options, or left as questions.
 */
class KerasCodeReader final
{
public:
    /** `spec` is FILE.py or FILE.py:FUNCTION (a .ipynb notebook's code cells work too). */
    static Expected<ArchitectureDraft> readFile(const QString &spec, const CodeReadOptions &options,
                                                const WeightsOutline &weights);
    static Expected<ArchitectureDraft> read(const QByteArray &source, const QString &sourceName,
                                            const CodeReadOptions &options, const WeightsOutline &weights);

    /** "model.py:build" → {"model.py", "build"}; "model.py:Net.build" names a method; "model.py" → {"model.py", ""}. */
    static std::pair<QString, QString> splitCodeSpec(const QString &spec);
    /** "40,87,1", "(40, 87, 1)", "40x87x1", "None,13" → a shape (None → -1). */
    static Expected<Shape> parseShape(const QString &text);
    /** "NAME=VALUE" items with Python literal values (40, 0.5, 'relu', (3, 3), True, None). */
    static Expected<QHash<QString, QJsonValue>> parseBindings(const QStringList &assignments);
};

} // namespace graft
