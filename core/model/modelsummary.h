#pragma once

#include "core/model/modelspec.h"

#include <QJsonObject>
#include <QString>

namespace graft {

/** model.summary() for a LoadedModel: the text table and the JSON that `graft-cli inspect` prints. */
class ModelSummary final
{
public:
    static QString table(const LoadedModel &model);
    static QJsonObject json(const LoadedModel &model);
    /** "(None, 14, 29, 32)", several outputs joined, "?" when unknown. */
    static QString outputShapeText(const Layer &layer);
    /** The model's first input shape without the batch axis, empty when unknown. */
    static Shape inputShape(const LoadedModel &model);
};

} // namespace graft
