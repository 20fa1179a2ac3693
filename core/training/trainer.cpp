#include "core/training/trainer.h"

#include "core/dataset/datasetsplit.h"
#include "core/training/headremapper.h"
#include "core/training/trainingsession.h"
#include "core/training/weightinitializer.h"

#include <QSet>

namespace graft {

namespace {

/**
 * Sets libtorch's intra-op threads for a scope. OpenMP keeps the value per thread (the training
 * thread here), but libtorch may also apply it to threads that run their first parallel op while
 * the scope lasts; the destructor puts both back.
 */
class IntraOpThreadsScope final
{
public:
    explicit IntraOpThreadsScope(int threads) : m_previous(at::get_num_threads())
    {
        if (threads > 0 && threads != m_previous)
            at::set_num_threads(threads);
    }
    ~IntraOpThreadsScope()
    {
        if (at::get_num_threads() != m_previous)
            at::set_num_threads(m_previous);
    }
    IntraOpThreadsScope(const IntraOpThreadsScope &) = delete;
    IntraOpThreadsScope &operator=(const IntraOpThreadsScope &) = delete;

private:
    int m_previous;
};

} // namespace

Expected<TrainingResult> Trainer::run(const TrainingParams &params, TrainingObserver *observer,
                                      const std::atomic_bool *cancel, PauseGate *pause)
{
    // Nothing may escape: libtorch throws c10::Error, allocation throws bad_alloc.
    try {
        const IntraOpThreadsScope threads(params.threads);
        training::TrainingSession session(params, observer, cancel, pause);
        return session.run();
    } catch (const engine::OpError &e) {
        return makeError(QString::fromUtf8(e.what()));
    } catch (const c10::Error &e) {
        return makeError(QStringLiteral("training failed: %1")
                             .arg(QString::fromStdString(e.what_without_backtrace()).section(QLatin1Char('\n'), 0, 0)));
    } catch (const std::bad_alloc &) {
        return makeError(QStringLiteral("training ran out of memory; use a smaller batch size"));
    } catch (const std::exception &e) {
        return makeError(QStringLiteral("training failed: %1").arg(QString::fromUtf8(e.what())));
    } catch (...) {
        return makeError(QStringLiteral("training failed with an unknown error"));
    }
}

Expected<TrainingParams> Trainer::scratchParams(const TrainingParams &params)
{
    TrainingParams scratch = params;
    if (auto ok = WeightInitializer::initialize(scratch.model, SeededRandom::derive(params.seed, 0x5c7a7c4)); !ok)
        return makeError(QStringLiteral("cannot initialize the model from scratch: %1").arg(ok.errorString()));
    // From scratch everything has to learn: no frozen layers, no head-only warm-up.
    scratch.trainable = TrainableSelection{TrainPreset::All, QString()};
    scratch.phase1Epochs = 0;
    scratch.unfreezeLrMultiplier = 1.0;
    scratch.checkpoint.reset();
    scratch.stateCheckpointPath.clear();
    scratch.resumeFrom.clear();
    scratch.previousHistory.clear();
    return scratch;
}

Expected<QVector<bool>> Trainer::trainableLayers(const TrainingParams &params, bool headOnlyPhase)
{
    const ModelSpec &model = params.model;
    QSet<QString> head(params.headLayers.begin(), params.headLayers.end());
    if (head.isEmpty()) {
        auto located = HeadRemapper::locate(model);
        if (!located && (headOnlyPhase || params.trainable.preset == TrainPreset::HeadOnly))
            return makeError(QStringLiteral("cannot tell which layer is the head: %1").arg(located.errorString()));
        if (located)
            head.insert(located->layer);
    }
    QVector<bool> flags(model.layers.size(), false);
    const TrainPreset preset = headOnlyPhase ? TrainPreset::HeadOnly : params.trainable.preset;
    int from = 0;
    if (preset == TrainPreset::FromLayer) {
        from = model.indexOf(params.trainable.fromLayer);
        if (from < 0) {
            QStringList names;
            for (const Layer &l : model.layers)
                names << l.name;
            return makeError(QStringLiteral("layer '%1' (from:%1) is not a layer of the model; its layers are: %2")
                                 .arg(params.trainable.fromLayer, names.join(QStringLiteral(", "))));
        }
    }
    for (int i = 0; i < model.layers.size(); ++i) {
        const Layer &layer = model.layers.at(i);
        switch (preset) {
        case TrainPreset::HeadOnly: flags[i] = head.contains(layer.name); break;
        case TrainPreset::All: flags[i] = true; break;
        case TrainPreset::FromLayer: flags[i] = i >= from || head.contains(layer.name); break;
        case TrainPreset::Custom: flags[i] = layer.trainable; break;
        }
        if (layer.isInput())
            flags[i] = false;
    }
    return flags;
}

} // namespace graft
