#include "core/training/trainingsession.h"

#include "core/common/atomicfiletarget.h"
#include "core/dataset/datasetsplit.h"
#include "core/training/headremapper.h"
#include "core/training/modeledit.h"
#include "core/training/trainer.h"

#include <QElapsedTimer>
#include <QSet>

#include <cmath>
#include <cstring>

namespace graft::training {

namespace {

void makeAllTrainable(ModelSpec &spec)
{
    // The engine binds frozen weights as buffers; training decides per phase instead.
    for (Layer &layer : spec.layers) {
        layer.trainable = true;
        if (layer.nestedModel)
            makeAllTrainable(*layer.nestedModel);
    }
}

bool isBatchNorm(const QString &className)
{
    return className == QLatin1String("BatchNormalization") || className == QLatin1String("BatchNormalizationV1")
           || className == QLatin1String("SyncBatchNormalization");
}

bool calledInInferenceMode(const Layer &layer)
{
    // `base_model(x, training=False)`: Keras runs that call in inference mode even inside fit().
    for (const InboundNode &node : layer.inboundNodes)
        if (node.kwargs.value(QStringLiteral("training")).isBool()
            && !node.kwargs.value(QStringLiteral("training")).toBool())
            return true;
    return false;
}

torch::Tensor labelTensor(const QVector<int> &labels)
{
    torch::Tensor t = torch::empty({labels.size()}, torch::kLong);
    auto *p = t.data_ptr<std::int64_t>();
    for (int i = 0; i < labels.size(); ++i)
        p[i] = labels[i];
    return t;
}

torch::Tensor sampleTensor(const SampleSet &set)
{
    // The sample set outlives the session and is never written: a view, no copy.
    return torch::from_blob(const_cast<float *>(set.values.data()),
                            std::vector<std::int64_t>(set.shape.begin(), set.shape.end()), torch::kFloat32);
}

/**
 * The rows of `source` in `order`, one memcpy per sample. index_select took about 22 ms
 * per epoch on the speaker CNN's 2048 x 40 x 87 inputs (0.7 ms a step, in the profile);
 * a plain copy of the same 28 MB takes a few.
 */
torch::Tensor gatherRows(const torch::Tensor &source, const torch::Tensor &order)
{
    const torch::Tensor src = source.contiguous();
    torch::Tensor out = torch::empty_like(src, torch::MemoryFormat::Contiguous);
    const std::int64_t n = order.numel();
    if (n == 0 || src.numel() == 0)
        return out;
    const std::size_t rowBytes = std::size_t(src.numel() / src.size(0)) * src.element_size();
    const auto *from = static_cast<const char *>(src.data_ptr());
    auto *to = static_cast<char *>(out.data_ptr());
    const std::int64_t *o = order.data_ptr<std::int64_t>();
    for (std::int64_t i = 0; i < n; ++i)
        std::memcpy(to + std::size_t(i) * rowBytes, from + std::size_t(o[i]) * rowBytes, rowBytes);
    return out;
}

struct Collected
{
    std::vector<torch::Tensor> head;
    std::vector<torch::Tensor> body;
    std::vector<std::shared_ptr<torch::nn::Module>> inferenceOps;
};

void collect(const ModelSpec &spec, engine::KerasGraphModule &module, const QVector<bool> *topFlags,
             bool parentTrainable, const QSet<QString> &headLayers, bool freezeBatchNorm, Collected *out)
{
    for (int i = 0; i < spec.layers.size(); ++i) {
        const Layer &layer = spec.layers.at(i);
        const engine::LayerOpPtr op = module.op(layer.name);
        if (!op)
            continue;
        const bool trains = topFlags ? topFlags->value(i) : parentTrainable && layer.trainable;
        if (calledInInferenceMode(layer))
            out->inferenceOps.push_back(op);
        if (layer.nestedModel) {
            if (const auto *nested = dynamic_cast<const engine::NestedModelOp *>(op.get())) {
                Collected inner;
                collect(*layer.nestedModel, *nested->model(), nullptr, trains, headLayers, freezeBatchNorm, &inner);
                auto &target = headLayers.contains(layer.name) ? out->head : out->body;
                target.insert(target.end(), inner.head.begin(), inner.head.end());
                target.insert(target.end(), inner.body.begin(), inner.body.end());
                out->inferenceOps.insert(out->inferenceOps.end(), inner.inferenceOps.begin(), inner.inferenceOps.end());
            }
            continue;
        }
        for (torch::Tensor &p : op->parameters(true)) {
            p.set_requires_grad(trains);
            if (trains)
                (headLayers.contains(layer.name) ? out->head : out->body).push_back(p);
        }
        // Keras >= 2.1.3: a frozen BatchNormalization normalizes with its moving statistics.
        if (!trains && freezeBatchNorm && isBatchNorm(layer.className))
            out->inferenceOps.push_back(op);
    }
}

QString formatRate(double lr)
{
    return QString::number(lr, 'g', 6);
}

} // namespace

TrainingSession::TrainingSession(const TrainingParams &params, TrainingObserver *observer,
                                 const std::atomic_bool *cancel, PauseGate *pause)
    : m_params(params), m_observer(observer), m_cancel(cancel), m_pause(pause)
{ }

void TrainingSession::note(const QString &message) const
{
    if (m_observer)
        m_observer->note(message);
}

Expected<void> TrainingSession::build()
{
    const TrainingParams &p = m_params;
    auto head = HeadRemapper::locate(p.model);
    m_classCount = p.classNames.isEmpty() ? (head ? head->units : 0) : p.classNames.size();
    if (m_classCount <= 0)
        return makeError(QStringLiteral("the number of classes is unknown: give the class names"));
    if (head && head->units != m_classCount)
        return makeError(QStringLiteral("the model has %1 outputs but the data has %2 classes; remap the head first")
                             .arg(head->units)
                             .arg(m_classCount));
    if (auto ok = p.train.check(m_classCount, QStringLiteral("training")); !ok)
        return ok.error();
    if (p.validation.count() > 0)
        if (auto ok = p.validation.check(m_classCount, QStringLiteral("validation")); !ok)
            return ok.error();
    if (p.batchSize <= 0)
        return makeError(QStringLiteral("the batch size must be positive, got %1").arg(p.batchSize));
    if (!p.classWeights.isEmpty() && p.classWeights.size() != m_classCount)
        return makeError(
            QStringLiteral("%1 class weights given for %2 classes").arg(p.classWeights.size()).arg(m_classCount));
    if (p.labelSmoothing < 0.0 || p.labelSmoothing > 1.0)
        return makeError(QStringLiteral("label smoothing must be between 0 and 1, got %1").arg(p.labelSmoothing));
    if (p.checkpoint) {
        if (!p.modelWriter)
            return makeError(QStringLiteral("ModelCheckpoint needs a model writer"));
        if (auto ok = refuseOverwritingInput(p.checkpoint->path, {p.sourcePath}); !ok)
            return ok.error();
    }

    ModelSpec trainSpec = p.model;
    makeAllTrainable(trainSpec);
    // A softmax Dense at the output: train on its logits with log_softmax inside the loss,
    // which is what Keras's categorical_crossentropy does when it sees a softmax output.
    if (head && head->trailingLayers.isEmpty() && head->activation == QLatin1String("softmax")) {
        modeledit::setConfigValue(*trainSpec.layer(head->layer), QStringLiteral("activation"),
                                  QStringLiteral("linear"));
        m_logits = true;
    }
    auto inference = InferenceModel::build(trainSpec, EngineOptions::forKerasVersion(p.kerasVersion));
    if (!inference)
        return inference.error();
    m_inference.emplace(std::move(inference).value());
    m_module = m_inference->module();
    if (m_inference->outputCount() != 1)
        return makeError(
            QStringLiteral("training needs a model with one output, this one has %1").arg(m_inference->outputCount()));
    m_regularization = Regularization::collect(trainSpec, *m_module);
    for (const QString &warning : m_regularization.warnings())
        note(QStringLiteral("Warning: %1").arg(warning));
    for (const auto &item : m_module->named_parameters(true))
        m_namedParameters.emplace_back(item.key(), item.value());
    for (const auto &item : m_module->named_buffers(true))
        m_namedBuffers.emplace_back(item.key(), item.value());

    torch::manual_seed(p.seed);
    m_trainX = sampleTensor(p.train);
    m_trainY = labelTensor(p.train.labels);
    if (p.validation.count() > 0) {
        m_valX = sampleTensor(p.validation);
        m_valY = labelTensor(p.validation.labels);
    }
    if (!p.classWeights.isEmpty()) {
        m_sampleWeights = torch::empty({m_classCount}, torch::kFloat32);
        for (int c = 0; c < m_classCount; ++c)
            m_sampleWeights[c] = float(p.classWeights[c]);
    }
    m_optimizer = std::make_unique<KerasOptimizer>(p.optimizer);
    m_lr = float32Rate(p.optimizer.learningRate);
    if (p.earlyStopping)
        m_earlyStopping.emplace(*p.earlyStopping);
    if (p.reduceLr)
        m_reduceLr.emplace(*p.reduceLr);
    if (p.checkpoint)
        m_bestModel.emplace(p.checkpoint->monitor, p.checkpoint->mode);
    return {};
}

Expected<void> TrainingSession::configurePhase(int phase)
{
    const bool headOnly = m_params.phase1Epochs > 0 && phase == 1;
    auto flags = Trainer::trainableLayers(m_params, headOnly);
    if (!flags)
        return flags.error();
    QSet<QString> headLayers(m_params.headLayers.begin(), m_params.headLayers.end());
    if (headLayers.isEmpty())
        if (auto head = HeadRemapper::locate(m_params.model))
            headLayers.insert(head->layer);
    Collected collected;
    collect(m_params.model, *m_module, &*flags, true, headLayers, m_params.freezeBatchNormWhenFrozen, &collected);
    if (collected.head.empty() && collected.body.empty())
        return makeError(
            QStringLiteral("no layer with weights trains in this selection (%1); choose other layers to train")
                .arg(trainPresetName(m_params.trainable.preset)));
    m_inferenceOps = collected.inferenceOps;
    m_flat.bind({{collected.head, 1.0}, {collected.body, m_params.unfreezeLrMultiplier}});
    m_optimizer->reset(m_flat);
    applyModes();
    int layers = 0;
    for (bool f : *flags)
        layers += f ? 1 : 0;
    std::int64_t bodyCount = 0;
    for (const torch::Tensor &t : collected.body)
        bodyCount += t.numel();
    note(QStringLiteral("Phase %1: %2 layer(s) train, %3 parameters%4")
             .arg(phase)
             .arg(layers)
             .arg(m_flat.parameterCount())
             .arg(bodyCount > 0 && m_params.unfreezeLrMultiplier != 1.0
                      ? QStringLiteral(" (learning rate × %1 below the head)").arg(m_params.unfreezeLrMultiplier)
                      : QString()));
    m_phase = phase;
    return {};
}

void TrainingSession::applyModes()
{
    m_module->train();
    for (const auto &op : m_inferenceOps)
        op->eval();
}

torch::Tensor TrainingSession::lossOf(const torch::Tensor &output, const torch::Tensor &labels, bool training) const
{
    const bool weighted = training && m_sampleWeights.defined();
    const double smoothing = m_params.labelSmoothing;
    // Keras adds the weight penalties to the loss it reports, in fit() and evaluate() alike.
    const auto withPenalties = [this](const torch::Tensor &loss) {
        return m_regularization.empty() ? loss : loss + m_regularization.loss();
    };
    if (m_logits && !weighted && smoothing == 0.0)
        return withPenalties(at::cross_entropy_loss(output, labels));
    const torch::Tensor logp =
        m_logits ? torch::log_softmax(output, 1) : torch::clamp(output / output.sum(1, true), 1e-7, 1.0 - 1e-7).log();
    torch::Tensor perSample = -logp.gather(1, labels.unsqueeze(1)).squeeze(1);
    if (smoothing > 0.0) // -sum(y * log p) with y = onehot * (1 - s) + s / K
        perSample = perSample * (1.0 - smoothing) - logp.sum(1) * (smoothing / double(m_classCount));
    if (weighted) // Keras: weighted losses summed over the batch, divided by the batch size
        perSample = perSample * m_sampleWeights.index_select(0, labels);
    return withPenalties(perSample.mean());
}

TrainingSession::Pass TrainingSession::evaluate(const torch::Tensor &x, const torch::Tensor &y, bool collectScores)
{
    Pass pass;
    torch::NoGradGuard noGrad;
    m_module->eval();
    const std::int64_t n = x.size(0);
    const std::int64_t batch = std::max<std::int64_t>(m_params.batchSize, 256);
    double lossSum = 0.0;
    std::int64_t correct = 0;
    std::vector<torch::Tensor> scores;
    for (std::int64_t start = 0; start < n; start += batch) {
        if (cancelled()) {
            pass.cancelled = true;
            break;
        }
        const std::int64_t count = std::min(batch, n - start);
        const torch::Tensor xb = x.narrow(0, start, count);
        const torch::Tensor yb = y.narrow(0, start, count);
        const torch::Tensor out = m_module->forward({xb}).front();
        lossSum += lossOf(out, yb, false).item<double>() * double(count);
        correct += out.argmax(1).eq(yb).sum().item<std::int64_t>();
        if (collectScores)
            scores.push_back(out.contiguous());
    }
    applyModes();
    pass.loss = n > 0 ? lossSum / double(n) : 0.0;
    pass.accuracy = n > 0 ? double(correct) / double(n) : 0.0;
    if (collectScores && !scores.empty()) {
        const torch::Tensor all = torch::cat(scores, 0).to(torch::kFloat32).contiguous();
        pass.scores.assign(all.data_ptr<float>(), all.data_ptr<float>() + all.numel());
    }
    return pass;
}

Expected<TrainingResult> TrainingSession::run()
{
    QElapsedTimer total;
    total.start();
    if (auto ok = build(); !ok)
        return ok.error();
    const TrainingParams &p = m_params;
    TrainingResult result;
    result.warnings = m_regularization.warnings();
    m_history = p.previousHistory;
    int startEpoch = p.initialEpoch;
    auto phaseOf = [&](int epoch) { return p.phase1Epochs > 0 && epoch >= p.phase1Epochs ? 2 : 1; };
    if (!p.resumeFrom.isEmpty()) {
        auto last = loadState(p.resumeFrom);
        if (!last)
            return last.error();
        startEpoch = *last + 1;
        note(QStringLiteral("Resumed from %1 after epoch %2").arg(p.resumeFrom).arg(*last + 1));
    } else if (auto ok = configurePhase(phaseOf(startEpoch)); !ok) {
        return ok.error();
    }

    const std::int64_t n = m_trainX.size(0);
    const std::int64_t batchSize = p.batchSize;
    const int batches = int((n + batchSize - 1) / batchSize);
    std::vector<torch::Tensor> lastGood;
    ModuleSnapshot lastGoodBuffers;
    bool stop = false;
    std::int64_t pausedNs = 0; // the whole run's time spent paused

    for (int epoch = startEpoch; epoch < p.epochs && !stop; ++epoch) {
        if (phaseOf(epoch) != m_phase)
            if (auto ok = configurePhase(phaseOf(epoch)); !ok)
                return ok.error();
        QElapsedTimer timer;
        timer.start();
        std::int64_t epochPausedNs = 0;
        torch::Tensor xs = m_trainX, ys = m_trainY;
        if (p.shuffle) {
            // Own seeded shuffle: the order depends only on (seed, epoch), also after a resume.
            SeededRandom random(SeededRandom::derive(p.seed, std::uint64_t(epoch) + 1));
            torch::Tensor order = torch::arange(n, torch::kLong);
            auto *o = order.data_ptr<std::int64_t>();
            for (std::int64_t i = n - 1; i > 0; --i)
                std::swap(o[i], o[std::int64_t(random.below(std::uint64_t(i) + 1))]);
            // One gather per epoch; every batch is then a contiguous slice, no per-sample copies.
            xs = gatherRows(m_trainX, order);
            ys = m_trainY.index_select(0, order);
        }
        m_flat.copyInto(lastGood);
        double lossSum = 0.0;
        std::int64_t correct = 0, seen = 0;
        for (int b = 0; b < batches; ++b) {
            // Paused: sleep here, between batches, until resumed or cancelled; nothing of the run changes.
            if (m_pause)
                epochPausedNs += m_pause->waitWhilePaused(m_cancel);
            if (cancelled()) {
                result.stopReason = StopReason::Cancelled;
                result.stopMessage = QStringLiteral("cancelled during epoch %1").arg(epoch + 1);
                stop = true;
                break;
            }
            const std::int64_t start = std::int64_t(b) * batchSize;
            const std::int64_t count = std::min(batchSize, n - start);
            const torch::Tensor xb = xs.narrow(0, start, count);
            const torch::Tensor yb = ys.narrow(0, start, count);
            if (!m_namedBuffers.empty())
                lastGoodBuffers = snapshot(false);
            m_flat.zeroGrad();
            const torch::Tensor out = m_module->forward({xb}).front();
            const torch::Tensor loss = lossOf(out, yb, true);
            const double lossValue = loss.item<double>();
            if (!std::isfinite(lossValue)) {
                // Back to the weights that gave the last finite loss (before their update).
                m_flat.restore(lastGood);
                if (!lastGoodBuffers.empty())
                    restore(ModuleSnapshot{{}, lastGoodBuffers.buffers});
                result.stopReason = StopReason::NonFiniteLoss;
                result.stopMessage =
                    QStringLiteral("the loss became %1 in epoch %2, batch %3; training stopped and the "
                                   "weights of the last batch with a finite loss were kept (try a "
                                   "lower learning rate)")
                        .arg(std::isnan(lossValue) ? QStringLiteral("NaN") : QStringLiteral("infinite"))
                        .arg(epoch + 1)
                        .arg(b + 1);
                stop = true;
                break;
            }
            loss.backward();
            m_flat.copyInto(lastGood);
            m_optimizer->step(m_flat, m_lr);
            lossSum += lossValue * double(count);
            correct += out.argmax(1).eq(yb).sum().item<std::int64_t>();
            seen += count;
            if (m_observer)
                m_observer->batchFinished(BatchProgress{epoch, p.epochs, b + 1, batches, lossSum / double(seen),
                                                        double(correct) / double(seen)});
        }
        pausedNs += epochPausedNs;
        if (stop)
            break;
        EpochRecord record;
        record.epoch = epoch;
        record.loss = lossSum / double(std::max<std::int64_t>(seen, 1));
        record.accuracy = double(correct) / double(std::max<std::int64_t>(seen, 1));
        record.learningRate = m_lr;
        record.phase = m_phase;
        if (m_valX.defined()) {
            const Pass val = evaluate(m_valX, m_valY, false);
            if (val.cancelled) {
                result.stopReason = StopReason::Cancelled;
                result.stopMessage = QStringLiteral("cancelled while validating epoch %1").arg(epoch + 1);
                break;
            }
            record.valLoss = val.loss;
            record.valAccuracy = val.accuracy;
            record.hasValidation = true;
        }
        record.seconds = double(std::max<std::int64_t>(timer.nsecsElapsed() - epochPausedNs, 0)) / 1e9;
        m_history.append(record);
        if (m_observer)
            m_observer->epochFinished(record);

        // Callbacks in the order Keras users list them: EarlyStopping, ModelCheckpoint, ReduceLROnPlateau.
        if (m_earlyStopping) {
            const EarlyStopping::Decision d =
                m_earlyStopping->onEpochEnd(epoch, record.metric(p.earlyStopping->monitor));
            if (d.snapshotWeights)
                m_bestWeights = snapshot();
            if (d.stop) {
                result.stopReason = StopReason::EarlyStopping;
                result.stopMessage = QStringLiteral("early stopping after epoch %1: %2 did not improve for %3 epoch(s)")
                                         .arg(epoch + 1)
                                         .arg(p.earlyStopping->monitor)
                                         .arg(m_earlyStopping->wait());
                stop = true;
            }
        }
        if (m_bestModel && m_bestModel->onEpochEnd(record.metric(p.checkpoint->monitor))) {
            ModelSpec best = p.model;
            writeBack(best);
            if (auto ok = p.modelWriter(best, p.checkpoint->path); !ok)
                return makeError(QStringLiteral("ModelCheckpoint: %1").arg(ok.errorString()));
            if (!result.checkpointsWritten.contains(p.checkpoint->path))
                result.checkpointsWritten << p.checkpoint->path;
            note(QStringLiteral("Epoch %1: %2 improved to %3, model saved to %4")
                     .arg(epoch + 1)
                     .arg(p.checkpoint->monitor)
                     .arg(m_bestModel->best())
                     .arg(p.checkpoint->path));
        }
        if (m_reduceLr) {
            const double lr = m_reduceLr->onEpochEnd(epoch, record.metric(p.reduceLr->monitor), m_lr);
            if (lr != m_lr)
                note(QStringLiteral("Epoch %1: ReduceLROnPlateau reducing learning rate to %2")
                         .arg(epoch + 1)
                         .arg(formatRate(lr)));
            m_lr = lr;
        }
        if (!p.stateCheckpointPath.isEmpty())
            if (auto ok = saveState(epoch); !ok)
                return ok.error();
    }

    if (m_earlyStopping) {
        result.bestEpoch = m_earlyStopping->bestEpoch();
        if (m_earlyStopping->restoreAtEnd() && !m_bestWeights.empty()) {
            restore(m_bestWeights);
            result.restoredBestWeights = true;
            note(
                QStringLiteral("Restoring model weights from the end of the best epoch: %1").arg(result.bestEpoch + 1));
        }
    }
    result.model = p.model;
    writeBack(result.model);
    result.history = m_history;
    if (m_valX.defined()) {
        const bool wasCancelled = cancelled();
        Pass final = wasCancelled ? Pass{} : evaluate(m_valX, m_valY, true);
        if (!final.scores.empty()) {
            result.finalValidation =
                ClassificationReport::fromScores(final.scores, m_classCount, p.validation.labels, !m_logits);
            if (!p.keptOldClasses.isEmpty())
                result.finalValidation.keptOldClassAccuracy =
                    ClassificationReport::accuracyOver(result.finalValidation.confusion, p.keptOldClasses);
        }
    }
    result.seconds = double(std::max<std::int64_t>(total.nsecsElapsed() - pausedNs, 0)) / 1e9;
    return result;
}

} // namespace graft::training
