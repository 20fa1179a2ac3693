#pragma once

#include "core/common/expected.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <QVector>

#include <cstdint>
#include <optional>

namespace graft {

/** How one output neuron of the new head starts. */
enum class HeadStrategy {
    Copy,         ///< old neuron `source`: its kernel column and bias, bit for bit
    Zero,         ///< zero kernel column and bias
    Random,       ///< Keras's Dense default: Glorot uniform kernel, zero bias
    RandomScaled, ///< Glorot uniform rescaled to the mean norm of the old kernel columns, zero bias
    Mean,         ///< mean of the chosen old neurons' columns and biases (all when none chosen)
    Imprint, ///< normalized mean penultimate activation of the class, scaled to the mean old norm; bias = mean old bias
};

/** "copy", "zero", "random", "random-scaled", "mean", "imprint". */
QString headStrategyName(HeadStrategy strategy);
std::optional<HeadStrategy> headStrategyFromName(const QString &name);

/** Whether rows are remapped in place or the old head is kept under a new one. */
enum class HeadMode {
    PerRow,  ///< the last Dense gets one neuron per new class, each from its row's strategy
    Stack,   ///< the old output Dense becomes a hidden ReLU layer; a new softmax Dense of M units goes on top
    Adapter, ///< the whole old model is frozen; a new softmax Dense maps its N outputs to M classes
};

QString headModeName(HeadMode mode);
std::optional<HeadMode> headModeFromName(const QString &name);

/** One new class (one output neuron of the new head) and how it starts. A value type for editable tables. */
struct HeadRow
{
    QString className;
    HeadStrategy strategy = HeadStrategy::Random;
    int source = -1;          ///< Copy: the old neuron
    QVector<int> meanSources; ///< Mean: the old neurons averaged; empty = all

    bool operator==(const HeadRow &o) const
    {
        return className == o.className && strategy == o.strategy && source == o.source && meanSources == o.meanSources;
    }
    bool operator!=(const HeadRow &o) const { return !(*this == o); }
    /** "copy ← 3 (alice)", "mean of all 40", "imprint": for summaries and tables. */
    QString describe(const QStringList &oldClassNames = {}) const;
};

/**
 * The new head of a model, one row per new class in output order: which old
 * neuron each class copies, or how it is initialized otherwise. A plain value
 * (copyable, comparable) so a table model with undo can edit it row by row.
 */
struct HeadPlan
{
    HeadMode mode = HeadMode::PerRow;
    QString outputLayer;       ///< the Dense being replaced; empty: the model's output Dense
    int oldUnits = 0;          ///< N, the old head's output count
    QStringList oldClassNames; ///< the old classes in output order, when known (N names or empty)
    QVector<HeadRow> rows;     ///< M rows
    std::uint64_t seed = 0;    ///< for the random rows and the whole-head layers

    QStringList classNames() const;
    int rowIndex(const QString &className) const;
    bool operator==(const HeadPlan &o) const;
    bool operator!=(const HeadPlan &o) const { return !(*this == o); }

    /**
     * One row per new class: `Copy` of the old neuron with the same name when the old
     * names are known (exact match first, then case- and space-insensitive), otherwise
     * `unmatched` (for Copy without a match: Random).
     */
    static HeadPlan automatic(const QStringList &newClassNames, const QStringList &oldClassNames, int oldUnits,
                              HeadStrategy unmatched = HeadStrategy::Imprint);

    /**
     * The plan `graft-cli finetune --head CHOICE` means: "auto" copies classes whose name
     * matches an old class and imprints the others; "copy" copies matches (by position when
     * the old names are unknown) and zeroes the rest; "zero", "random", "random-scaled",
     * "mean", "imprint" copy matches and use that strategy for the others; "stack" and
     * "adapter" keep the old head under a new layer.
     */
    static Expected<HeadPlan> forChoice(const QString &choice, const QStringList &newClassNames,
                                        const QStringList &oldClassNames, int oldUnits, std::uint64_t seed = 0);

    /** Rows are well-formed for `oldUnits`: copy/mean sources in range, no duplicate class, at least one row. */
    Expected<void> validate() const;
    /**
     * The plan with its rows in the dataset's class order (output order must follow the
     * labels). Fails naming every plan class the dataset lacks and every dataset class
     * the plan lacks.
     */
    Expected<HeadPlan> orderedFor(const QStringList &datasetClassNames) const;

    QJsonObject toJson() const;
    /** Validates structure and values; messages name the row and field at fault. */
    static Expected<HeadPlan> fromJson(const QJsonObject &json);
    /** Atomic write of toJson(). */
    Expected<void> save(const QString &path) const;
    static Expected<HeadPlan> load(const QString &path);
};

} // namespace graft
