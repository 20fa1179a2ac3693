#pragma once

#include <QObject>
#include <QString>

#include <atomic>
#include <memory>

class QProgressBar;

namespace graft {
struct LoadedModel;
struct TrainingData;
struct TrainingDataSource;
}

namespace graft::ui {

/**
 * Makes a dataset's training samples (TrainingDataLoader) on a pool thread, one load at
 * a time: start() and cancel() drop the load before (its extraction stops at the next
 * file and its result is never reported), so a window only ever hears of what it asked
 * for last.
 */
class TrainingDataJob final : public QObject
{
    Q_OBJECT
public:
    explicit TrainingDataJob(QObject *parent = nullptr);
    ~TrainingDataJob() override;

    /**
     * Loads `source` shaped to `model`'s input (a text source's ids are also checked
     * against its Embedding). Extraction progress is shown on `progress`, if given.
     */
    void start(const TrainingDataSource &source, const LoadedModel &model, QProgressBar *progress = nullptr);
    /** Drops the running load, if any; returns whether there was one. */
    bool cancel();
    bool isRunning() const { return bool(m_cancel); }

Q_SIGNALS:
    void loaded(std::shared_ptr<const graft::TrainingData> data);
    void failed(const QString &message);

private:
    std::shared_ptr<std::atomic_bool> m_cancel; ///< the running load's; null when idle
};

} // namespace graft::ui
