#pragma once

// Private to core/training (includes libtorch): never include from ui/ or a public header.

#include "core/training/flatparameters.h"
#include "core/training/trainingtypes.h"

#include <QString>

#include <map>
#include <string>

namespace graft::training {

/**
 * Adam, SGD and RMSprop with Keras's update rules (not torch's): Adam's epsilon
 * is Keras's "epsilon hat" (added to sqrt(v) after the bias correction went into
 * the step size), RMSprop's epsilon sits inside the square root, SGD's momentum
 * keeps a velocity that already includes the learning rate. Works on the flat
 * buffers of FlatParameters, one set of slot buffers per group.
 */
class KerasOptimizer final
{
public:
    explicit KerasOptimizer(OptimizerSettings settings);

    /** (Re)creates zeroed slots for the current groups; Keras's optimizer starts fresh after a recompile. */
    void reset(const FlatParameters &parameters);
    /** One update with learning rate `lr` (times each group's scale). */
    void step(FlatParameters &parameters, double lr);

    std::int64_t iterations() const { return m_iterations; }
    void setIterations(std::int64_t iterations) { m_iterations = iterations; }
    const OptimizerSettings &settings() const { return m_settings; }

    /** Slot tensors by name ("g0/m", "g1/v", ...), for checkpoints. */
    std::map<std::string, torch::Tensor> slots() const;
    /** Loads slots saved by slots(); fails naming a missing or mis-sized slot. */
    Expected<void> loadSlots(const std::map<std::string, torch::Tensor> &slots);

private:
    struct GroupSlots
    {
        torch::Tensor first;   // Adam m, SGD velocity, RMSprop mean square
        torch::Tensor second;  // Adam v, RMSprop momentum
        torch::Tensor third;   // RMSprop centered: mean gradient
        torch::Tensor scratch; // per-step temporary, allocated once
    };

    OptimizerSettings m_settings;
    std::vector<GroupSlots> m_slots;
    std::int64_t m_iterations = 0;
};

} // namespace graft::training
