#pragma once

#include "core/arch/keraslayercatalog.h"
#include "core/arch/weightsoutline.h"
#include "core/common/expected.h"
#include "core/model/modelspec.h"

#include <QHash>
#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <QVector>

namespace graft {

/** Where a config field's value came from, so an editor can show what is known and what is guessed. */
enum class FieldOrigin {
    Default,    // Keras's default: nothing said otherwise
    Code,       // written in the user's code (or in the JSON the draft was opened from)
    Weights,    // pinned down by the stored weight shapes
    Guessed,    // chosen by inference among alternatives the weights allow
    User,       // edited by the user
    Unresolved, // still unknown: see the layer's questions
};

QString fieldOriginName(FieldOrigin origin);

/** One layer row of a draft: class, config and graph links, and what recompute() found for it. */
struct DraftLayer
{
    QString name;
    QString className;
    QJsonObject config;                  // the full Keras config, "name" included
    QVector<InboundNode> inboundNodes;   // empty for InputLayer rows
    QHash<QString, FieldOrigin> origins; // keys not listed are Keras defaults
    QHash<QString, QString> questions;   // unresolved config keys → what to ask the user
    QHash<QString, QString> reasons;     // why a field has its value ("from kernel (5, 5, 1, 32)")
    int sourceLine = 0;                  // where the user's code created the layer, 0 when unknown

    // Filled by ArchitectureDraft::recompute().
    QVector<Shape> outputShapes;
    QVector<WeightSpec> expectedWeights;
    QVector<Shape> storedWeights; // the weights file's shapes matched to this row
    ParamCount params;
    QStringList issues;

    bool isInput() const { return className == QLatin1String("InputLayer"); }
    FieldOrigin origin(const QString &key) const { return origins.value(key, FieldOrigin::Default); }
    /** Config keys inference guessed, in config order. */
    QStringList guessedFields() const;
};

/** One editable config field of a row, described for an editor (table cell, combo box, spin box). */
struct DraftField
{
    QString key;
    FieldKind kind = FieldKind::Json;
    QJsonValue value;
    FieldOrigin origin = FieldOrigin::Default;
    int tupleRank = 0;
    QStringList choices;
    bool computational = false; // changes outputs or shapes
    QString question;           // non-empty while unresolved
    QString reason;
};

/**
 * An architecture being put together for a weights file: one row per layer (class,
 * editable config, graph links), checked against the stored weight shapes. Made by
 * reading the user's code or by inference; edited row by row (the GUI's table);
 * saved as model.to_json()-compatible JSON that Keras and Graft both reopen.
 */
class ArchitectureDraft final
{
public:
    ArchitectureDraft() = default;

    // Building (readers and inference).
    void setModel(const QString &name, bool sequential);
    void appendLayer(DraftLayer layer);
    void setOutputs(const QVector<TensorRef> &outputs) { m_outputs = outputs; }
    void setWeights(WeightsOutline weights) { m_weights = std::move(weights); }
    void addNote(const QString &note) { m_notes.append(note); }
    DraftLayer &rowRef(int row) { return m_layers[row]; }

    // Reading.
    QString modelName() const { return m_name; }
    bool isSequential() const { return m_sequential; }
    int rowCount() const { return int(m_layers.size()); }
    const DraftLayer &row(int row) const { return m_layers.at(row); }
    int rowOf(const QString &layerName) const;
    QVector<TensorRef> outputs() const { return m_outputs; }
    const WeightsOutline &weights() const { return m_weights; }
    QVector<DraftField> fields(int row) const;
    /** The first input's shape without batch axis; empty while unknown. */
    Shape inputShape() const;
    QStringList notes() const { return m_notes; }
    /** Every unresolved field as "line N: layer 'dense_2' (Dense) units: …". */
    QStringList questions() const;
    /** Model-level issues, then every row's issues prefixed with the layer name. */
    QStringList issues() const;
    QStringList modelIssues() const { return m_modelIssues; }
    bool isComplete() const { return questions().isEmpty(); }
    bool isConsistent() const { return isComplete() && issues().isEmpty(); }
    ParamCount params() const;

    // Editing: each call normalises the value the way Keras would, then recomputes.
    Expected<void> setField(int row, const QString &key, const QJsonValue &value);
    Expected<void> setClassName(int row, const QString &className);
    Expected<void> setInputShape(const Shape &shape, int inputIndex = 0);
    Expected<void> renameLayer(int row, const QString &newName);
    /** Renames several layers at once (old name → new name), e.g. to the weights file's names. */
    Expected<void> renameLayers(const QHash<QString, QString> &newNames);
    /** Inserts a layer of `className` called on row `after`'s output, taking over its consumers. */
    Expected<int> insertLayerAfter(int after, const QString &className);
    /** Removes a single-input layer, connecting its consumers to its input. */
    Expected<void> removeLayer(int row);
    /** Fills the fields the stored weights determine for `row` (or every row when -1) where
     *  they are unresolved or defaults; returns what it changed. */
    QStringList applyWeightFields(int row = -1);
    /** Shapes, expected weights, parameter counts and issues for every row, against the weights. */
    void recompute();

    // Output.
    QJsonObject toKerasJson() const;
    QByteArray toJson() const;
    Expected<ModelSpec> toModelSpec() const;
    /** Writes toJson() atomically; refuses while questions remain or when `path` is the weights file. */
    Expected<void> save(const QString &path) const;
    /** Opens a model.to_json() file for editing, e.g. one saved earlier. */
    static Expected<ArchitectureDraft> fromKerasJson(const QByteArray &json, const QString &sourceName);

private:
    QString uniqueName(const QString &className) const;
    void compareWithWeights();

    QString m_name = QStringLiteral("model");
    bool m_sequential = false;
    QVector<DraftLayer> m_layers;
    QVector<TensorRef> m_outputs;
    WeightsOutline m_weights;
    QStringList m_notes;
    QStringList m_modelIssues;
};

} // namespace graft
