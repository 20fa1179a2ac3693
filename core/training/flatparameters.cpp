#include "core/training/flatparameters.h"

namespace graft::training {

namespace {

std::vector<std::int64_t> contiguousStrides(c10::IntArrayRef sizes)
{
    std::vector<std::int64_t> strides(sizes.size(), 1);
    for (std::int64_t i = std::int64_t(sizes.size()) - 2; i >= 0; --i)
        strides[std::size_t(i)] = strides[std::size_t(i + 1)] * std::max<std::int64_t>(sizes[std::size_t(i + 1)], 1);
    return strides;
}

} // namespace

void FlatParameters::release()
{
    for (FlatGroup &group : m_groups)
        for (torch::Tensor &p : group.parameters)
            p.mutable_grad().reset();
    m_groups.clear();
}

void FlatParameters::bind(const std::vector<std::pair<std::vector<torch::Tensor>, double>> &groups)
{
    torch::NoGradGuard noGrad;
    release();
    for (const auto &[parameters, lrScale] : groups) {
        std::int64_t total = 0;
        for (const torch::Tensor &p : parameters)
            total += p.numel();
        if (total == 0)
            continue;
        FlatGroup group;
        group.lrScale = lrScale;
        group.values = torch::empty({total}, torch::kFloat32);
        group.grads = torch::zeros({total}, torch::kFloat32);
        std::int64_t offset = 0;
        for (const torch::Tensor &p : parameters) {
            torch::Tensor param = p; // same TensorImpl: set_ below moves the layer's own parameter
            const std::int64_t n = param.numel();
            const std::vector<std::int64_t> sizes(param.sizes().begin(), param.sizes().end());
            // A parameter keeps its memory layout (a conv kernel stored channels-last stays
            // so); anything that is not a dense permutation becomes contiguous.
            const std::vector<std::int64_t> strides =
                param.is_non_overlapping_and_dense()
                    ? std::vector<std::int64_t>(param.strides().begin(), param.strides().end())
                    : contiguousStrides(sizes);
            group.values.narrow(0, offset, n).as_strided(sizes, strides).copy_(param);
            param.set_(group.values.storage(), offset, sizes, strides);
            param.mutable_grad() = group.grads.narrow(0, offset, n).as_strided(sizes, strides);
            group.parameters.push_back(param);
            offset += n;
        }
        m_groups.push_back(std::move(group));
    }
}

void FlatParameters::zeroGrad()
{
    for (FlatGroup &group : m_groups)
        group.grads.zero_();
}

std::vector<torch::Tensor> FlatParameters::snapshot() const
{
    std::vector<torch::Tensor> out;
    for (const FlatGroup &group : m_groups)
        out.push_back(group.values.clone());
    return out;
}

void FlatParameters::copyInto(std::vector<torch::Tensor> &target) const
{
    torch::NoGradGuard noGrad;
    if (target.size() != m_groups.size()) {
        target = snapshot();
        return;
    }
    for (std::size_t i = 0; i < m_groups.size(); ++i)
        target[i].copy_(m_groups[i].values);
}

void FlatParameters::restore(const std::vector<torch::Tensor> &snapshot)
{
    torch::NoGradGuard noGrad;
    for (std::size_t i = 0; i < m_groups.size() && i < snapshot.size(); ++i)
        m_groups[i].values.copy_(snapshot[i]);
}

std::int64_t FlatParameters::parameterCount() const
{
    std::int64_t n = 0;
    for (const FlatGroup &group : m_groups)
        n += group.values.numel();
    return n;
}

} // namespace graft::training
