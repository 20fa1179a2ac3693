#include "core/training/trainingjob.h"

#include "core/training/trainer.h"

namespace graft {

TrainingJob::TrainingJob(TrainingParams params, bool compareScratch, QObject *parent)
    : QObject(parent), m_params(std::move(params)), m_compareScratch(compareScratch)
{
    qRegisterMetaType<graft::BatchProgress>();
    qRegisterMetaType<graft::EpochRecord>();
    qRegisterMetaType<graft::FineTuneOutcome>();
    m_pause.setOnPaused([this] { Q_EMIT paused(m_run, m_lastBatch); });
}

void TrainingJob::run()
{
    try {
        m_run = 0;
        m_lastBatch = BatchProgress{};
        auto fineTuned = Trainer::run(m_params, this, &m_cancel, &m_pause);
        if (!fineTuned) {
            Q_EMIT failed(fineTuned.errorString());
            return;
        }
        FineTuneOutcome outcome;
        outcome.fineTuned = std::move(fineTuned).value();
        if (m_compareScratch && !m_cancel.load()) {
            m_run = 1;
            m_lastBatch = BatchProgress{};
            note(QStringLiteral("Training the same model from scratch for comparison"));
            auto scratchParams = Trainer::scratchParams(m_params);
            if (!scratchParams) {
                Q_EMIT failed(scratchParams.errorString());
                return;
            }
            auto scratch = Trainer::run(*scratchParams, this, &m_cancel, &m_pause);
            if (!scratch) {
                Q_EMIT failed(QStringLiteral("from-scratch comparison: %1").arg(scratch.errorString()));
                return;
            }
            outcome.scratch = std::move(scratch).value();
        }
        m_outcome = outcome;
        Q_EMIT succeeded(m_outcome);
    } catch (const std::exception &e) {
        Q_EMIT failed(QStringLiteral("training failed: %1").arg(QString::fromUtf8(e.what())));
    } catch (...) {
        Q_EMIT failed(QStringLiteral("training failed with an unknown error"));
    }
}

void TrainingJob::batchFinished(const BatchProgress &progress)
{
    m_lastBatch = progress;
    if (m_observer)
        m_observer->batchFinished(progress);
    Q_EMIT batchFinished(m_run, progress);
}

void TrainingJob::epochFinished(const EpochRecord &record)
{
    if (m_observer)
        m_observer->epochFinished(record);
    Q_EMIT epochFinished(m_run, record);
}

void TrainingJob::note(const QString &message)
{
    if (m_observer)
        m_observer->note(message);
    Q_EMIT noted(m_run, message);
}

} // namespace graft
