#pragma once

// Private to core/training (includes libtorch): never include from ui/ or a public header.

#include "core/engine/kerasgraphmodule.h"
#include "core/model/modelspec.h"

#include <QStringList>

#include <vector>

namespace graft::training {

/**
 * The weight penalties Keras adds to the training and validation loss (the
 * layers' kernel_regularizer, bias_regularizer, … as L1/L2/L1L2), bound to the
 * module's tensors; and warnings for what training does not reproduce
 * (activity regularizers, dropout of recurrent layers the engine does not run, penalties
 * inside wrappers).
 */
class Regularization final
{
public:
    static Regularization collect(const ModelSpec &spec, engine::KerasGraphModule &module);

    bool empty() const { return m_terms.empty(); }
    /** Σ l1·|w| + l2·w² over the penalized weights (a scalar; zero when empty). */
    torch::Tensor loss() const;
    const QStringList &warnings() const { return m_warnings; }

private:
    struct Term
    {
        torch::Tensor weight;
        double l1 = 0.0;
        double l2 = 0.0;
    };
    void collectFrom(const ModelSpec &spec, engine::KerasGraphModule &module);

    std::vector<Term> m_terms;
    QStringList m_warnings;
};

} // namespace graft::training
