#pragma once

#include "core/common/expected.h"
#include "ui/async/latestrequest.h"

#include <QObject>
#include <QString>

#include <memory>

namespace graft {
struct LoadedModel;
struct TrainingData;
struct TrainingDataSource;
} // namespace graft

namespace graft::ui {

/**
 * Makes a dataset's training samples (TrainingDataLoader) on a pool thread, one load at
 * a time: start() and cancel() stop the load before (its extraction stops at the next
 * file and its result is never reported), so a window only ever hears of what it asked
 * for last.
 */
class TrainingDataJob final : public QObject
{
    Q_OBJECT
public:
    explicit TrainingDataJob(QObject *parent = nullptr);
    ~TrainingDataJob() override;

    /** Loads `source` shaped to `model`'s input (a text source's ids are also checked against its Embedding). */
    void start(const TrainingDataSource &source, const LoadedModel &model);
    /** Stops the running load, if any; returns whether there was one. */
    bool cancel();
    bool isRunning() const { return m_load.isRunning(); }

Q_SIGNALS:
    /** Feature extraction of the running load: `done` of `total` files. */
    void progress(int done, int total);
    void loaded(std::shared_ptr<const graft::TrainingData> data);
    void failed(const QString &message);

private:
    LatestRequest<Expected<TrainingData>> m_load{this};
};

} // namespace graft::ui
