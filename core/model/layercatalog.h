#pragma once

#include <QString>

namespace graft {

/**
 * The Keras layer classes Graft reads (nested models such as Sequential aside): the one
 * list that the config parser, weight specs and shape inference go by, so that a layer
 * class is added in one place and no part knows a class another part refuses.
 */
class LayerCatalog final
{
public:
    LayerCatalog() = delete;

    static bool knows(const QString &className);
    /** Whether a layer of this class stores weights (Dense, Conv2D, LSTM, ...); false for unknown classes. */
    static bool hasWeights(const QString &className);
};

} // namespace graft
