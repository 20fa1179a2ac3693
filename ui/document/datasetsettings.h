#pragma once

#include "core/dataset/samplesettings.h"
#include "core/project/projectfile.h"
#include "core/training/trainingdata.h"

#include <QString>

#include <cstdint>

namespace graft::ui {

/**
 * How the open dataset is read into samples: what the Dataset page's settings choose, in the
 * form a project saves it. Text settings matter only for a text dataset; their columns are also
 * the ones the next table is read with.
 */
struct DatasetSettings
{
    double validationFraction = 0.2; ///< without a validation folder: the share held out (stratified, seeded)
    std::uint64_t splitSeed = 0;
    AudioPipelineSettings audio;
    ImageSettings image;
    ProjectText text;

    /** The tokenizer spec, columns, max length and padding texts are read with. */
    TextSourceSettings textSource() const;
    /** Empty when texts can be tokenized with these settings; else what to choose first. */
    QString textProblem() const;
};

} // namespace graft::ui
