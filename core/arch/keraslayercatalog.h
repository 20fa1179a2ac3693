#pragma once

#include "core/common/expected.h"
#include "core/model/tensordata.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QString>
#include <QStringList>
#include <QVector>

namespace graft {

/** How a config field is typed: decides how code values are normalised and how an editor shows it. */
enum class FieldKind {
    Int,      // 32
    IntTuple, // [3, 3]: an int in code is repeated tupleRank times
    Float,
    Bool,
    Choice,        // one of `choices`
    Activation,    // an activation name ("relu"); None means "linear"
    Initializer,   // {"class_name": "GlorotUniform", "config": {...}}
    Regularizer,   // {"class_name": "L1L2", ...} or null
    Constraint,    // {"class_name": "MaxNorm", ...} or null
    IntList,       // [10, 2]: target_shape, dims, noise_shape (null allowed when the default is null)
    Padding,       // ZeroPadding/Cropping amounts: [[1, 1], [1, 1]] (2D) or [1, 1] (1D)
    OptionalFloat, // a float or null (ReLU's max_value)
    OptionalInt,   // an int or null (seed, input_length)
    Axis,          // an int or a list of ints
    WrappedLayer,  // {"class_name": …, "config": …} of Bidirectional/TimeDistributed
    String,
    Json, // anything else, edited as JSON text
};

/** One constructor parameter of a Keras layer class, as tf.keras 2.x declares it. */
struct KerasParam
{
    QString name;
    FieldKind kind = FieldKind::Int;
    QJsonValue defaultValue;    // Undefined: the argument is required
    int tupleRank = 0;          // IntTuple and Padding
    QStringList choices;        // Choice
    bool computational = false; // changes outputs or shapes, so guessing it matters
    bool required() const { return defaultValue.isUndefined(); }
};

/** A Keras layer class Graft can write a full config for: parameters in constructor order. */
struct KerasLayerClass
{
    QString className;
    QVector<KerasParam> params;
    bool hasWeights = false;

    const KerasParam *param(const QString &name) const;
};

/**
 * What Graft knows about Keras's layer API when it writes configs itself: each
 * class's constructor signature (positional order, defaults as get_config writes
 * them), aliases, initializer/regularizer/constraint serialisation, and which
 * config fields a layer's weight shapes determine.
 */
class KerasLayerCatalog final
{
public:
    /** The class for a canonical name ("Conv2D"), or nullptr. */
    static const KerasLayerClass *find(const QString &className);
    /** "MaxPool2D" → "MaxPooling2D", "Convolution2D" → "Conv2D", "Conv2D" → "Conv2D"; empty when unknown. */
    static QString canonicalClassName(const QString &nameOrAlias);
    /** Every canonical class name, for editors' class pickers. */
    static QStringList classNames();
    static QStringList activationNames();

    /** The config Keras writes for a layer built with only the required arguments (those are null). */
    static QJsonObject defaultConfig(const QString &className, const QString &layerName);
    /** Brings a code value into the form Keras's get_config writes (3 → [3, 3], None → "linear", …). */
    static Expected<QJsonValue> normalize(const QString &className, const KerasParam &param, const QJsonValue &value);
    /** Fills what Keras derives at construction (pooling strides = pool_size). */
    static void completeConfig(const QString &className, QJsonObject &config);

    /** Serialised initializer from a name ("he_normal") or class ("HeNormal") with constructor
     *  arguments (positional ones as "0", "1", …); an Error for unknown names. */
    static Expected<QJsonValue> initializer(const QString &nameOrClass, const QJsonObject &arguments);
    static Expected<QJsonValue> regularizer(const QString &nameOrClass, const QJsonObject &arguments);
    static Expected<QJsonValue> constraint(const QString &nameOrClass, const QJsonObject &arguments);
    static bool isInitializerName(const QString &name);
    static bool isRegularizerName(const QString &name);
    static bool isConstraintName(const QString &name);

    /** How many tensors one call of the layer returns (LSTM with return_state: 3). */
    static int outputCount(const QString &className, const QJsonObject &config);

    /**
     * The config fields a layer's stored weights pin down (Dense units, Conv2D filters and
     * kernel_size, GRU reset_after, …), from the weights' short names and shapes in Keras's
     * order. Empty when the shapes do not fit the class.
     */
    static QJsonObject fieldsFromWeights(const QString &className, const QJsonObject &config,
                                         const QStringList &weightNames, const QVector<Shape> &weightShapes);
    /** The input shape (no batch axis) a layer's weights imply when it is the first layer, or empty. */
    static Shape inputShapeFromWeights(const QString &className, const QVector<Shape> &weightShapes);
    /** The class a layer's weights suggest when its name does not (custom names like "fc1"), or empty. */
    static QString classFromWeights(const QStringList &weightNames, const QVector<Shape> &weightShapes);
};

} // namespace graft
