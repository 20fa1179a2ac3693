#pragma once

// Private to core/training (includes libtorch): never include from ui/ or a public header.

#include <torch/torch.h>

#include <vector>

namespace graft::training {

/** One learning-rate group: its parameters live in `values`, their gradients in `grads`. */
struct FlatGroup
{
    torch::Tensor values; // 1-D float32, every parameter of the group back to back
    torch::Tensor grads;  // same size; each parameter's .grad() is a view into it
    double lrScale = 1.0;
    std::vector<torch::Tensor> parameters;
};

/**
 * Moves the trainable parameters of a module into one contiguous buffer per
 * learning-rate group, and their gradients into a matching buffer. The layers
 * keep using their parameter tensors (only the storage moves), autograd
 * accumulates into the views, and an optimizer step is a few whole-buffer
 * kernels instead of a loop over dozens of small tensors: the tiny layers of a
 * speaker CNN are dominated by per-op overhead, not arithmetic.
 */
class FlatParameters final
{
public:
    /** Rebinds `groups` (each a list of parameters with its lr scale); previous bindings are released. */
    void bind(const std::vector<std::pair<std::vector<torch::Tensor>, double>> &groups);
    /** Detaches gradients of parameters that no longer train (called before a rebind drops them). */
    void release();

    void zeroGrad();
    /** Copies of the current values (one per group), and putting them back. */
    std::vector<torch::Tensor> snapshot() const;
    void copyInto(std::vector<torch::Tensor> &target) const;
    void restore(const std::vector<torch::Tensor> &snapshot);

    std::vector<FlatGroup> &groups() { return m_groups; }
    const std::vector<FlatGroup> &groups() const { return m_groups; }
    std::int64_t parameterCount() const;

private:
    std::vector<FlatGroup> m_groups;
};

} // namespace graft::training
