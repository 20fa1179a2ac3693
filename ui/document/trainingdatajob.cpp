#include "ui/document/trainingdatajob.h"

#include "core/model/modelspec.h"
#include "core/model/modelsummary.h"
#include "core/training/trainingdata.h"
#include "ui/document/extractionprogress.h"

#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>

namespace graft::ui {

TrainingDataJob::TrainingDataJob(QObject *parent) : QObject(parent)
{ }

TrainingDataJob::~TrainingDataJob()
{
    cancel();
}

bool TrainingDataJob::cancel()
{
    if (!m_cancel)
        return false;
    m_cancel->store(true); // extraction threads read it; the result is then dropped
    m_cancel.reset();
    return true;
}

void TrainingDataJob::start(const TrainingDataSource &source, const LoadedModel &model, QProgressBar *progress)
{
    cancel();
    auto cancelFlag = std::make_shared<std::atomic_bool>(false);
    m_cancel = cancelFlag;
    TrainingDataSource job = source;
    job.extraction.cancel = cancelFlag.get();
    if (progress)
        job.extraction.progress = extractionProgressOn(progress);
    const Shape inputShape = ModelSummary::inputShape(model);
    // Text ids are checked against the Embedding's input_dim: the worker gets its own copy of the model.
    const auto textModel = job.text.isActive() ? std::make_shared<const ModelSpec>(model.model) : nullptr;

    auto *watcher = new QFutureWatcher<Expected<TrainingData>>(this);
    connect(watcher, &QFutureWatcher<Expected<TrainingData>>::finished, this, [this, watcher, cancelFlag] {
        watcher->deleteLater();
        if (cancelFlag != m_cancel) // cancelled or superseded
            return;
        m_cancel.reset();
        Expected<TrainingData> result = watcher->result();
        if (result)
            Q_EMIT loaded(std::make_shared<const TrainingData>(std::move(result).value()));
        else
            Q_EMIT failed(result.errorString());
    });
    watcher->setFuture(QtConcurrent::run([job, inputShape, textModel, cancelFlag] {
        Q_UNUSED(cancelFlag) // keeps the flag alive while extraction reads it
        return textModel ? TrainingDataLoader::load(job, *textModel) : TrainingDataLoader::load(job, inputShape);
    }));
}

} // namespace graft::ui
