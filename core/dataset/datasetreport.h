#pragma once

#include "core/dataset/arraydataset.h"
#include "core/dataset/datasettypes.h"

#include <QJsonObject>
#include <QString>

#include <optional>

namespace graft {

/**
 * Human- and machine-readable summaries of a dataset: classes with counts and
 * balanced class weights, formats, bad files and warnings (graft-cli dataset).
 */
class DatasetReport final
{
public:
    DatasetReport() = delete;

    /** A training folder and, when there is one, its validation folder. */
    static QString text(const ClassFolderDataset &train,
                        const std::optional<ClassFolderDataset> &validation = std::nullopt);
    static QJsonObject json(const ClassFolderDataset &train,
                            const std::optional<ClassFolderDataset> &validation = std::nullopt);

    static QString text(const ArrayDataset &dataset);
    static QJsonObject json(const ArrayDataset &dataset);

    /** Imbalance above this ratio (largest / smallest class) is flagged and class weights suggested. */
    static constexpr double imbalanceThreshold = 1.5;
};

} // namespace graft
