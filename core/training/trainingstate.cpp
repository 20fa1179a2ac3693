// TrainingSession: weight snapshots, write-back into a ModelSpec, and resumable state checkpoints.

#include "core/training/trainingsession.h"

#include "core/common/atomicfiletarget.h"
#include "core/training/historycsv.h"

#include <ATen/CPUGeneratorImpl.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace graft::training {

namespace {

// 2: optimizer slots follow each parameter's memory layout (conv kernels channels-last),
// so a version-1 state's slots would land on the wrong weights.
constexpr int stateVersion = 2;

void writeBackInto(engine::KerasGraphModule &module, ModelSpec &target)
{
    for (Layer &layer : target.layers) {
        const engine::LayerOpPtr op = module.op(layer.name);
        if (!op)
            continue;
        if (layer.nestedModel) {
            if (const auto *nested = dynamic_cast<const engine::NestedModelOp *>(op.get()))
                writeBackInto(*nested->model(), *layer.nestedModel);
            continue;
        }
        const QVector<LayerWeight> trained = op->kerasWeights();
        for (LayerWeight &w : layer.weights)
            for (const LayerWeight &t : trained)
                if (t.name == w.name && t.tensor.shape == w.tensor.shape)
                    w.tensor.values = t.tensor.values;
    }
}

QString errorText(const std::exception &e)
{
    if (const auto *c10 = dynamic_cast<const c10::Error *>(&e))
        return QString::fromStdString(c10->what_without_backtrace()).section(QLatin1Char('\n'), 0, 0);
    return QString::fromUtf8(e.what());
}

} // namespace

ModuleSnapshot TrainingSession::snapshot(bool withParameters) const
{
    torch::NoGradGuard noGrad;
    ModuleSnapshot s;
    if (withParameters)
        for (const auto &[name, t] : m_namedParameters)
            s.parameters.push_back(t.detach().clone());
    for (const auto &[name, t] : m_namedBuffers)
        s.buffers.push_back(t.detach().clone());
    return s;
}

void TrainingSession::restore(const ModuleSnapshot &snapshot)
{
    torch::NoGradGuard noGrad;
    for (std::size_t i = 0; i < snapshot.parameters.size() && i < m_namedParameters.size(); ++i)
        m_namedParameters[i].second.copy_(snapshot.parameters[i]);
    for (std::size_t i = 0; i < snapshot.buffers.size() && i < m_namedBuffers.size(); ++i)
        m_namedBuffers[i].second.copy_(snapshot.buffers[i]);
}

void TrainingSession::writeBack(ModelSpec &spec) const
{
    writeBackInto(*m_module, spec);
}

Expected<void> TrainingSession::saveState(int epoch) const
{
    const QString &path = m_params.stateCheckpointPath;
    if (auto ok = refuseOverwritingInput(path, {m_params.sourcePath}); !ok)
        return ok.error();
    QJsonObject meta;
    meta.insert(QStringLiteral("format"), QStringLiteral("graft-training-state"));
    meta.insert(QStringLiteral("version"), stateVersion);
    meta.insert(QStringLiteral("epoch"), epoch);
    meta.insert(QStringLiteral("phase"), m_phase);
    meta.insert(QStringLiteral("learning_rate"), m_lr);
    meta.insert(QStringLiteral("iterations"), double(m_optimizer->iterations()));
    meta.insert(QStringLiteral("optimizer"), optimizerName(m_params.optimizer.kind));
    meta.insert(QStringLiteral("parameters"), double(m_namedParameters.size()));
    meta.insert(QStringLiteral("history"), HistoryCsv::toJson(m_history));
    if (m_earlyStopping)
        meta.insert(QStringLiteral("early_stopping"), m_earlyStopping->state());
    if (m_reduceLr)
        meta.insert(QStringLiteral("reduce_lr"), m_reduceLr->state());
    if (m_bestModel)
        meta.insert(QStringLiteral("checkpoint"), m_bestModel->state());
    meta.insert(QStringLiteral("has_best_weights"), !m_bestWeights.empty());

    AtomicFileTarget target(path);
    if (auto ok = target.prepare(); !ok)
        return ok.error();
    try {
        torch::serialize::OutputArchive archive;
        archive.write("meta", c10::IValue(QJsonDocument(meta).toJson(QJsonDocument::Compact).toStdString()));
        for (const auto &[name, t] : m_namedParameters)
            archive.write("param/" + name, t.detach());
        for (const auto &[name, t] : m_namedBuffers)
            archive.write("buffer/" + name, t.detach(), true);
        for (const auto &[name, t] : m_optimizer->slots())
            archive.write("optimizer/" + name, t);
        for (std::size_t i = 0; i < m_bestWeights.parameters.size(); ++i)
            archive.write("best/param/" + std::to_string(i), m_bestWeights.parameters[i]);
        for (std::size_t i = 0; i < m_bestWeights.buffers.size(); ++i)
            archive.write("best/buffer/" + std::to_string(i), m_bestWeights.buffers[i]);
        {
            at::Generator generator = at::detail::getDefaultCPUGenerator();
            std::lock_guard<std::mutex> lock(generator.mutex());
            archive.write("rng", generator.get_state());
        }
        archive.save_to(target.temporaryPath().toStdString());
    } catch (const std::exception &e) {
        return makeError(QStringLiteral("cannot write the training state %1: %2").arg(path, errorText(e)));
    }
    return target.commit();
}

Expected<int> TrainingSession::loadState(const QString &path)
{
    const QString what = QStringLiteral("the training state %1").arg(path);
    try {
        torch::serialize::InputArchive archive;
        archive.load_from(path.toStdString());
        c10::IValue metaValue;
        if (!archive.try_read("meta", metaValue) || !metaValue.isString())
            return makeError(QStringLiteral("%1 is not a Graft training state").arg(path));
        const QJsonObject meta = QJsonDocument::fromJson(QByteArray::fromStdString(metaValue.toStringRef())).object();
        if (meta.value(QStringLiteral("format")).toString() != QLatin1String("graft-training-state")
            || meta.value(QStringLiteral("version")).toInt() != stateVersion)
            return makeError(
                QStringLiteral("%1 is not a Graft training state of version %2").arg(path).arg(stateVersion));
        if (meta.value(QStringLiteral("optimizer")).toString() != optimizerName(m_params.optimizer.kind))
            return makeError(QStringLiteral("%1 was saved with optimizer %2, this run uses %3")
                                 .arg(what, meta.value(QStringLiteral("optimizer")).toString(),
                                      optimizerName(m_params.optimizer.kind)));
        torch::NoGradGuard noGrad;
        auto readInto = [&](const std::string &key, torch::Tensor &target, bool isBuffer) -> Expected<void> {
            torch::Tensor t;
            if (!archive.try_read(key, t, isBuffer) || t.numel() != target.numel())
                return makeError(QStringLiteral("%1 does not match this model (%2 missing or of another size)")
                                     .arg(what, QString::fromStdString(key)));
            target.copy_(t.reshape(target.sizes()));
            return {};
        };
        for (auto &[name, t] : m_namedParameters)
            if (auto ok = readInto("param/" + name, t, false); !ok)
                return ok.error();
        for (auto &[name, t] : m_namedBuffers)
            if (auto ok = readInto("buffer/" + name, t, true); !ok)
                return ok.error();

        const int epoch = meta.value(QStringLiteral("epoch")).toInt();
        // The phase's parameter groups decide the optimizer's slot layout: rebuild them first.
        if (auto ok = configurePhase(meta.value(QStringLiteral("phase")).toInt(1)); !ok)
            return ok.error();
        std::map<std::string, torch::Tensor> slots;
        for (const auto &[name, t] : m_optimizer->slots()) {
            torch::Tensor saved;
            if (archive.try_read("optimizer/" + name, saved))
                slots[name] = saved;
        }
        if (auto ok = m_optimizer->loadSlots(slots); !ok)
            return makeError(QStringLiteral("%1: %2").arg(what, ok.errorString()));
        m_optimizer->setIterations(std::int64_t(meta.value(QStringLiteral("iterations")).toDouble()));
        m_lr = meta.value(QStringLiteral("learning_rate")).toDouble(m_lr);
        m_history = HistoryCsv::fromJson(meta.value(QStringLiteral("history")).toArray());
        if (m_earlyStopping)
            m_earlyStopping->restoreState(meta.value(QStringLiteral("early_stopping")).toObject());
        if (m_reduceLr)
            m_reduceLr->restoreState(meta.value(QStringLiteral("reduce_lr")).toObject());
        if (m_bestModel)
            m_bestModel->restoreState(meta.value(QStringLiteral("checkpoint")).toObject());
        if (meta.value(QStringLiteral("has_best_weights")).toBool()) {
            m_bestWeights = snapshot();
            for (std::size_t i = 0; i < m_bestWeights.parameters.size(); ++i)
                if (auto ok = readInto("best/param/" + std::to_string(i), m_bestWeights.parameters[i], false); !ok)
                    return ok.error();
            for (std::size_t i = 0; i < m_bestWeights.buffers.size(); ++i)
                if (auto ok = readInto("best/buffer/" + std::to_string(i), m_bestWeights.buffers[i], false); !ok)
                    return ok.error();
        }
        torch::Tensor rng;
        if (archive.try_read("rng", rng)) {
            at::Generator generator = at::detail::getDefaultCPUGenerator(); // a handle to the global generator
            std::lock_guard<std::mutex> lock(generator.mutex());
            generator.set_state(rng);
        }
        return epoch;
    } catch (const std::exception &e) {
        return makeError(QStringLiteral("cannot read %1: %2").arg(what, errorText(e)));
    }
}

} // namespace graft::training
