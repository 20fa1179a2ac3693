#pragma once

#include "core/model/tensordata.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QVariant>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>
#include <vector>

namespace graft::pycode {

struct Value;
using ValuePtr = std::shared_ptr<Value>;

/** What a Python expression evaluated to, as far as building a Keras model needs to know. */
enum class Kind {
    None,
    Bool,
    Int,
    Float,
    Str,
    Tuple,
    List,
    Dict,
    Module,   // a module or a path inside one ("tensorflow.keras.layers")
    Keras,    // a Keras API symbol (layer class, Input, Model, initializer, …)
    Layer,    // a layer instance: index into the interpreter's layers
    Tensor,   // a Keras tensor: (layer, node, tensor)
    Model,    // a model: index into the interpreter's models
    Function, // a function defined in the code
    Class,    // a class defined in the code
    Instance, // an object of such a class (self in a model-building method)
    Builtin,  // a Python builtin Graft evaluates (range, len, …)
    Method,   // an attribute to call on `self` (model.add, list.append, …)
    Json,     // a ready config fragment (a serialised initializer, …)
    Unknown,  // anything that cannot be evaluated without running the code
};

enum class KerasSymbol {
    LayerClass,
    Input,
    Sequential,
    Model,
    MergeFunction,
    Initializer,
    Regularizer,
    Constraint,
    Activation,
    ClearSession,
    Application,
    BaseLayer,
    BaseModel
};

/** Why a value is unknown: decides whether it may stand for the model input or needs a question. */
enum class UnknownKind {
    Parameter, // a parameter of the function being read, not given
    External,  // data or calls outside the code (x_train.shape[1], np.load(…))
    TensorOp,  // a TensorFlow operation on Keras tensors (becomes a TFOpLambda layer)
    Foreign,   // something built elsewhere (another module, keras.applications, a custom class)
};

struct Value
{
    Kind kind = Kind::None;
    bool boolean = false;
    qint64 integer = 0;
    double real = 0.0;
    QString text;                // Str; Module path; Keras/Builtin/Method name; Unknown description
    std::vector<ValuePtr> items; // Tuple, List, Dict values
    QStringList keys;            // Dict keys
    KerasSymbol symbol = KerasSymbol::LayerClass;
    UnknownKind unknown = UnknownKind::External;
    int index = -1; // Layer, Model, Function, Class; Tensor: the layer
    int node = 0;
    int tensor = 0;
    int line = 0;          // Unknown: where it arose
    QString parameter;     // Unknown: the function parameter it derives from, if any
    bool reported = false; // Unknown: the error it stands for is reported already
    ValuePtr self;         // Method: the receiver
    QJsonValue json;
    std::shared_ptr<struct Scope> scope; // Instance: its attributes
    QString spelled;                     // Keras: the name as the code wrote it ("Convolution2D")
};

inline ValuePtr makeValue(Kind kind)
{
    auto v = std::make_shared<Value>();
    v->kind = kind;
    return v;
}

inline ValuePtr noneValue()
{
    return makeValue(Kind::None);
}

inline ValuePtr intValue(qint64 i)
{
    auto v = makeValue(Kind::Int);
    v->integer = i;
    return v;
}

inline ValuePtr floatValue(double d)
{
    auto v = makeValue(Kind::Float);
    v->real = d;
    return v;
}

inline ValuePtr boolValue(bool b)
{
    auto v = makeValue(Kind::Bool);
    v->boolean = b;
    return v;
}

inline ValuePtr strValue(const QString &s)
{
    auto v = makeValue(Kind::Str);
    v->text = s;
    return v;
}

inline ValuePtr sequenceValue(Kind kind, std::vector<ValuePtr> items)
{
    auto v = makeValue(kind);
    v->items = std::move(items);
    return v;
}

inline ValuePtr unknownValue(UnknownKind why, const QString &description, int line)
{
    auto v = makeValue(Kind::Unknown);
    v->unknown = why;
    v->text = description;
    v->line = line;
    return v;
}

inline bool isNumber(const ValuePtr &v)
{
    return v->kind == Kind::Int || v->kind == Kind::Float || v->kind == Kind::Bool;
}
inline bool isIntegral(const ValuePtr &v)
{
    return v->kind == Kind::Int || v->kind == Kind::Bool;
}
inline double numberOf(const ValuePtr &v)
{
    return v->kind == Kind::Float ? v->real : v->kind == Kind::Bool ? (v->boolean ? 1.0 : 0.0) : double(v->integer);
}
inline qint64 integerOf(const ValuePtr &v)
{
    return v->kind == Kind::Bool ? (v->boolean ? 1 : 0) : v->integer;
}

/** Python's truth value; nullopt when it depends on data the code does not contain. */
inline std::optional<bool> truthOf(const ValuePtr &v)
{
    switch (v->kind) {
    case Kind::None: return false;
    case Kind::Bool: return v->boolean;
    case Kind::Int: return v->integer != 0;
    case Kind::Float: return v->real != 0.0;
    case Kind::Str: return !v->text.isEmpty();
    case Kind::Tuple:
    case Kind::List:
    case Kind::Dict: return !v->items.empty();
    case Kind::Unknown:
    case Kind::Tensor: return std::nullopt;
    default: return true;
    }
}

/** A value given as JSON (the user's --set NAME=VALUE): arrays become tuples, objects dicts. */
inline ValuePtr valueFromJson(const QJsonValue &json)
{
    switch (json.type()) {
    case QJsonValue::Bool: return boolValue(json.toBool());
    case QJsonValue::Double: {
        const double d = json.toDouble();
        return d == double(qint64(d)) && json.toVariant().typeId() != QMetaType::Double ? intValue(qint64(d))
                                                                                        : floatValue(d);
    }
    case QJsonValue::String: return strValue(json.toString());
    case QJsonValue::Array: {
        std::vector<ValuePtr> items;
        for (const QJsonValue &e : json.toArray())
            items.push_back(valueFromJson(e));
        return sequenceValue(Kind::Tuple, std::move(items));
    }
    case QJsonValue::Object: {
        auto dict = makeValue(Kind::Dict);
        const QJsonObject o = json.toObject();
        for (auto it = o.constBegin(); it != o.constEnd(); ++it) {
            dict->keys << it.key();
            dict->items.push_back(valueFromJson(it.value()));
        }
        return dict;
    }
    default: return noneValue();
    }
}

/** One call of a layer: the tensors it was applied to. */
struct LayerCall
{
    struct Ref
    {
        int layer;
        int node;
        int tensor;
    };
    std::vector<Ref> inputs;
    QJsonObject kwargs;
    int line = 0;
};

/** A layer instance the code created. */
struct LayerRecord
{
    QString className; // canonical Keras class, or the code's own class name when unsupported
    QString name;
    int line = 0;
    QJsonObject config;                     // complete Keras config except the holes
    QHash<QString, QString> holes;          // config keys the code leaves unknown → description
    QHash<QString, QString> holeParameters; // config key → the function parameter it depends on
    QStringList givenKeys;                  // keys the code set explicitly
    QJsonValue inputShape;  // batch_input_shape from input_shape/batch_input_shape/input_dim, or Undefined
    QString inputShapeHole; // description when those were given but unknown
    QString unsupported;    // why Graft cannot represent it (empty when it can)
    std::vector<LayerCall> calls;
    bool wrapped = false; // inside Bidirectional/TimeDistributed
    int addedTo = -1;     // the Sequential model it was added to
};

/** A model the code created. */
struct ModelRecord
{
    bool sequential = false;
    QString name;
    int line = 0;
    std::vector<int> layers; // Sequential: layers in order
    int inputLayer = -1;     // Sequential: an InputLayer given with add(Input(…)) or InputLayer(…)
    std::vector<LayerCall::Ref> inputs, outputs; // Functional
    QString unsupported;
    QJsonValue buildShape{QJsonValue::Undefined}; // Sequential: the batch shape given to model.build(…)
    bool built = false;                           // Sequential: its layers were called in order, for .input/.output
    LayerCall::Ref builtInput{-1, 0, 0};
    LayerCall::Ref builtOutput{-1, 0, 0};
};

/** A name → value scope; functions get their own, chained to where they were defined. */
struct Scope
{
    QHash<QString, ValuePtr> vars;
    std::shared_ptr<Scope> parent;
};

struct FunctionRecord
{
    QString name;
    QJsonObject node; // the FunctionDef / Lambda node
    std::shared_ptr<Scope> closure;
};

struct ClassRecord
{
    QString name;
    QStringList bases; // dotted base names as written
    bool kerasLayer = false;
    bool kerasModel = false;
    int line = 0;
    std::shared_ptr<Scope> attributes; // class-level assignments (configuration classes), not for Keras classes
};

} // namespace graft::pycode
