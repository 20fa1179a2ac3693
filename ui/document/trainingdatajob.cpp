#include "ui/document/trainingdatajob.h"

#include "core/model/modelspec.h"
#include "core/model/modelsummary.h"
#include "core/training/trainingdata.h"

#include <QCoreApplication>
#include <QPointer>

namespace graft::ui {

TrainingDataJob::TrainingDataJob(QObject *parent) : QObject(parent)
{ }

TrainingDataJob::~TrainingDataJob() = default;

bool TrainingDataJob::cancel()
{
    return m_load.cancel(); // extraction threads read the token's flag and stop at the next file
}

void TrainingDataJob::start(const TrainingDataSource &source, const LoadedModel &model)
{
    const Shape inputShape = ModelSummary::inputShape(model);
    // Text ids are checked against the Embedding's input_dim: the worker gets its own copy of the model.
    const auto textModel = source.text.isActive() ? std::make_shared<const ModelSpec>(model.model) : nullptr;
    // Core reports extraction progress on its own threads: hand each report to the GUI thread,
    // unless this job is gone or the load was superseded by then.
    const QPointer<TrainingDataJob> self(this);
    m_load.start(
        [source, inputShape, textModel, self](const CancelToken &token) {
            TrainingDataSource job = source;
            job.extraction.cancel = token.flag();
            job.extraction.progress = [self, token](int done, int total) {
                QMetaObject::invokeMethod(
                    qApp,
                    [self, token, done, total] {
                        if (self && !token.isCancelled())
                            Q_EMIT self->progress(done, total);
                    },
                    Qt::QueuedConnection);
            };
            return textModel ? TrainingDataLoader::load(job, *textModel) : TrainingDataLoader::load(job, inputShape);
        },
        [this](Expected<TrainingData> result) {
            if (result)
                Q_EMIT loaded(std::make_shared<const TrainingData>(std::move(result).value()));
            else
                Q_EMIT failed(result.errorString());
        });
}

} // namespace graft::ui
