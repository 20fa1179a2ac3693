#pragma once

// The small fine-tune the ui tests run: an "old" MLP classifier of six classes (c00..c05) and new
// samples of five classes (c00, c01, c02 kept, n00 and n01 new), made as core's training tests
// make them. It trains in well under a second.

#include "core/model/modelspec.h"
#include "core/training/trainingdata.h"
#include "tests/core/training/trainingtestmodels.h"

#include <memory>

namespace graft::uitest {

/** Input 8, one hidden Dense of `hidden` units, a softmax Dense of 6 ("dense_1"), seeded weights. */
inline std::shared_ptr<LoadedModel> oldClassifier(int hidden = 16)
{
    auto model = std::make_shared<LoadedModel>();
    model->sourcePath = QStringLiteral("/nonexistent/old.h5");
    model->format = QStringLiteral("test");
    model->hasArchitecture = true;
    model->model = testmodels::mlp(8, hidden, 6, 7);
    model->classNames = testmodels::names(QStringLiteral("c"), 6);
    return model;
}

/** Separable blobs of 8 features for the five new classes. */
inline std::shared_ptr<TrainingData> newSamples(int perClass = 24, int validationPerClass = 8)
{
    auto data = std::make_shared<TrainingData>();
    data->classNames = testmodels::names(QStringLiteral("c"), 3) + testmodels::names(QStringLiteral("n"), 2);
    data->train = testmodels::blobs(5, perClass, 8, 1);
    data->validation = testmodels::blobs(5, validationPerClass, 8, 2);
    return data;
}

} // namespace graft::uitest
