#include "core/training/kerasoptimizer.h"

#include "core/training/adamkernel.h"

#include <cmath>

namespace graft::training {

KerasOptimizer::KerasOptimizer(OptimizerSettings settings) : m_settings(std::move(settings))
{ }

void KerasOptimizer::reset(const FlatParameters &parameters)
{
    m_slots.clear();
    m_iterations = 0;
    for (const FlatGroup &group : parameters.groups()) {
        GroupSlots slots;
        const auto zeros = [&] { return torch::zeros_like(group.values); };
        switch (m_settings.kind) {
        case OptimizerKind::Adam:
            slots.first = zeros();
            slots.second = zeros();
            break;
        case OptimizerKind::Sgd:
            if (m_settings.momentum > 0.0)
                slots.first = zeros();
            break;
        case OptimizerKind::RmsProp:
            slots.first = zeros();
            if (m_settings.momentum > 0.0)
                slots.second = zeros();
            if (m_settings.centered)
                slots.third = zeros();
            slots.scratch = torch::empty_like(group.values);
            break;
        }
        m_slots.push_back(std::move(slots));
    }
}

void KerasOptimizer::step(FlatParameters &parameters, double lr)
{
    torch::NoGradGuard noGrad;
    std::vector<FlatGroup> &groups = parameters.groups();
    if (m_slots.size() != groups.size())
        reset(parameters);
    ++m_iterations;
    const OptimizerSettings &s = m_settings;
    for (std::size_t i = 0; i < groups.size(); ++i) {
        FlatGroup &group = groups[i];
        GroupSlots &slots = m_slots[i];
        const double groupLr = lr * group.lrScale;
        torch::Tensor &w = group.values;
        const torch::Tensor &g = group.grads;
        switch (s.kind) {
        case OptimizerKind::Adam: {
            // Keras: alpha = lr * sqrt(1 - beta2^t) / (1 - beta1^t); w -= alpha * m / (sqrt(v) + epsilon).
            const double t = double(m_iterations);
            const double alpha = groupLr * std::sqrt(1.0 - std::pow(s.beta2, t)) / (1.0 - std::pow(s.beta1, t));
            adamStep(w.data_ptr<float>(), g.data_ptr<float>(), slots.first.data_ptr<float>(),
                     slots.second.data_ptr<float>(), w.numel(), float(alpha), float(1.0 - s.beta1),
                     float(1.0 - s.beta2), float(s.epsilon));
            break;
        }
        case OptimizerKind::Sgd:
            if (s.momentum > 0.0) {
                // Keras: velocity = momentum * velocity - lr * g; w += velocity (Nesterov: momentum * velocity - lr * g).
                slots.first.mul_(s.momentum).add_(g, -groupLr);
                if (s.nesterov)
                    w.add_(slots.first, s.momentum).add_(g, -groupLr);
                else
                    w.add_(slots.first);
            } else {
                w.add_(g, -groupLr);
            }
            break;
        case OptimizerKind::RmsProp: {
            // Keras: velocity = rho * velocity + (1 - rho) * g^2; w -= lr * g / sqrt(velocity + epsilon).
            slots.first.mul_(s.rho).addcmul_(g, g, 1.0 - s.rho);
            if (s.centered) {
                slots.third.mul_(s.rho).add_(g, 1.0 - s.rho);
                torch::mul_out(slots.scratch, slots.third, slots.third);
                torch::sub_out(slots.scratch, slots.first, slots.scratch);
                slots.scratch.add_(s.epsilon).sqrt_();
            } else {
                torch::add_out(slots.scratch, slots.first, s.epsilon).sqrt_();
            }
            if (s.momentum > 0.0) {
                slots.second.mul_(s.momentum).addcdiv_(g, slots.scratch, groupLr);
                w.sub_(slots.second);
            } else {
                w.addcdiv_(g, slots.scratch, -groupLr);
            }
            break;
        }
        }
    }
}

std::map<std::string, torch::Tensor> KerasOptimizer::slots() const
{
    std::map<std::string, torch::Tensor> out;
    for (std::size_t i = 0; i < m_slots.size(); ++i) {
        const std::string prefix = "g" + std::to_string(i) + "/";
        if (m_slots[i].first.defined())
            out[prefix + "first"] = m_slots[i].first;
        if (m_slots[i].second.defined())
            out[prefix + "second"] = m_slots[i].second;
        if (m_slots[i].third.defined())
            out[prefix + "third"] = m_slots[i].third;
    }
    return out;
}

Expected<void> KerasOptimizer::loadSlots(const std::map<std::string, torch::Tensor> &saved)
{
    torch::NoGradGuard noGrad;
    for (std::size_t i = 0; i < m_slots.size(); ++i) {
        const std::string prefix = "g" + std::to_string(i) + "/";
        for (auto [name, slot] : {std::pair<const char *, torch::Tensor *>{"first", &m_slots[i].first},
                                  {"second", &m_slots[i].second},
                                  {"third", &m_slots[i].third}}) {
            if (!slot->defined())
                continue;
            const auto it = saved.find(prefix + name);
            if (it == saved.end() || it->second.numel() != slot->numel())
                return makeError(QStringLiteral("the checkpoint's optimizer state does not match this model and "
                                                "optimizer (slot %1%2)")
                                     .arg(QString::fromStdString(prefix), QLatin1String(name)));
            slot->copy_(it->second.reshape(slot->sizes()));
        }
    }
    return {};
}

} // namespace graft::training
