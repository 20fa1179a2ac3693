// Interpreter: attributes of values and the Keras API's names.
#include "core/arch/keraslayercatalog.h"
#include "core/arch/pycodehelpers.h"
#include "core/arch/pycodeinterpreter.h"

namespace graft::pycode {

ValuePtr Interpreter::attribute(const ValuePtr &object, const QString &name, const QJsonObject &node)
{
    const int line = lineOf(node);
    auto method = [&]() {
        auto m = makeValue(Kind::Method);
        m->text = name;
        m->self = object;
        return m;
    };
    switch (object->kind) {
    case Kind::Module: {
        const ValuePtr symbol = resolveSymbol(object->text + QLatin1Char('.') + name);
        if (symbol->kind == Kind::Module && m_options.bindings.contains(name))
            return valueFromJson(m_options.bindings.value(name)); // --set for a value from a module Graft does not read
        return symbol;
    }
    case Kind::Instance: {
        if (object->scope->vars.contains(name))
            return object->scope->vars.value(name);
        const ClassRecord &c = classes.at(std::size_t(object->index));
        const ValuePtr member = c.attributes ? c.attributes->vars.value(name) : nullptr;
        if (member && member->kind == Kind::Function) {
            auto bound = makeValue(Kind::Method);
            bound->index = member->index;
            bound->text = name;
            bound->self = object;
            return bound;
        }
        if (member)
            return member;
        auto unknown = unknownValue(
            UnknownKind::External, QStringLiteral("`%1` (not set in the code that was read)").arg(snippet(node)), line);
        unknown->parameter = name;
        return unknown;
    }
    case Kind::Layer: {
        const LayerRecord &layer = layers.at(std::size_t(object->index));
        if (name == QLatin1String("output") && !layer.calls.empty())
            return tensorValue({object->index, 0, 0});
        if (name == QLatin1String("input") && !layer.calls.empty() && !layer.calls.front().inputs.empty())
            return tensorValue(layer.calls.front().inputs.front());
        if (name == QLatin1String("name"))
            return strValue(layer.name);
        if (name == QLatin1String("trainable"))
            return boolValue(layer.config.value(QStringLiteral("trainable")).toBool(true));
        return method();
    }
    case Kind::Model: {
        const std::size_t m = std::size_t(object->index);
        if (name == QLatin1String("layers")) {
            std::vector<int> members = models.at(m).layers;
            if (!models.at(m).sequential) {
                // Every layer the outputs depend on, in creation order (Keras's order for chains).
                std::vector<bool> seen(layers.size(), false);
                std::vector<int> pending;
                for (const LayerCall::Ref &r : models.at(m).outputs)
                    pending.push_back(r.layer);
                while (!pending.empty()) {
                    const int l = pending.back();
                    pending.pop_back();
                    if (l < 0 || seen[std::size_t(l)])
                        continue;
                    seen[std::size_t(l)] = true;
                    for (const LayerCall &c : layers.at(std::size_t(l)).calls)
                        for (const LayerCall::Ref &r : c.inputs)
                            pending.push_back(r.layer);
                }
                members.clear();
                for (std::size_t l = 0; l < seen.size(); ++l)
                    if (seen[l])
                        members.push_back(int(l));
            }
            std::vector<ValuePtr> items;
            for (int l : members) {
                auto v = makeValue(Kind::Layer);
                v->index = l;
                items.push_back(v);
            }
            return sequenceValue(Kind::List, std::move(items));
        }
        if (name == QLatin1String("name"))
            return strValue(models.at(m).name);
        const bool plural = name == QLatin1String("inputs") || name == QLatin1String("outputs");
        if (name == QLatin1String("input") || name == QLatin1String("output") || plural) {
            const bool in = name.startsWith(QLatin1String("input"));
            if (models.at(m).sequential && !buildSequential(int(m), line))
                return unknownValue(UnknownKind::External, snippet(node), line);
            const ModelRecord &model = models.at(m);
            std::vector<LayerCall::Ref> refs =
                model.sequential ? std::vector<LayerCall::Ref>{in ? model.builtInput : model.builtOutput}
                                 : (in ? model.inputs : model.outputs);
            std::vector<ValuePtr> tensors;
            for (const LayerCall::Ref &r : refs)
                tensors.push_back(tensorValue(r));
            if (!plural && tensors.size() == 1)
                return tensors.front();
            return sequenceValue(Kind::List, std::move(tensors));
        }
        return method();
    }
    case Kind::List:
    case Kind::Dict:
    case Kind::Str: return method();
    case Kind::Tensor:
        return unknownValue(name == QLatin1String("shape") ? UnknownKind::External : UnknownKind::TensorOp,
                            snippet(node), line);
    case Kind::Unknown: {
        auto v = unknownValue(object->unknown == UnknownKind::Parameter ? UnknownKind::External : object->unknown,
                              snippet(node), line);
        v->parameter = object->parameter;
        return v;
    }
    case Kind::Class: {
        const ClassRecord &c = classes.at(std::size_t(object->index));
        if (c.attributes && c.attributes->vars.contains(name))
            return c.attributes->vars.value(name);
        return unknownValue(c.kerasLayer || c.kerasModel ? UnknownKind::Foreign : UnknownKind::External, snippet(node),
                            line);
    }
    default: return unknownValue(UnknownKind::External, snippet(node), line);
    }
}

ValuePtr Interpreter::resolveSymbol(const QString &path) const
{
    const QStringList parts = path.split(QLatin1Char('.'));
    const QString last = parts.last();
    const QString parent = parts.size() > 1 ? parts.at(parts.size() - 2) : QString();
    const bool keras = parts.contains(QLatin1String("keras")) || parts.contains(QLatin1String("tf_keras"))
                       || parts.front() == QLatin1String("tensorflow");
    auto symbol = [&](KerasSymbol s, const QString &name) {
        auto v = makeValue(Kind::Keras);
        v->symbol = s;
        v->text = name;
        v->spelled = last;
        return v;
    };
    if (!keras) {
        auto module = makeValue(Kind::Module);
        module->text = path;
        return module;
    }
    static const QStringList merges = {QStringLiteral("concatenate"), QStringLiteral("add"),
                                       QStringLiteral("subtract"),    QStringLiteral("multiply"),
                                       QStringLiteral("average"),     QStringLiteral("maximum"),
                                       QStringLiteral("minimum"),     QStringLiteral("dot")};
    if (parent == QLatin1String("initializers"))
        return symbol(KerasSymbol::Initializer, last);
    if (parent == QLatin1String("regularizers"))
        return symbol(KerasSymbol::Regularizer, last);
    if (parent == QLatin1String("constraints"))
        return symbol(KerasSymbol::Constraint, last);
    if (parent == QLatin1String("activations") || parent == QLatin1String("nn"))
        return symbol(KerasSymbol::Activation, last);
    if (parts.contains(QLatin1String("applications")) && !last.isEmpty() && last.at(0).isUpper())
        return symbol(KerasSymbol::Application, last);
    if (last == QLatin1String("Input"))
        return symbol(KerasSymbol::Input, last);
    if (last == QLatin1String("Sequential"))
        return symbol(KerasSymbol::Sequential, last);
    if (last == QLatin1String("Model") || last == QLatin1String("Functional"))
        return symbol(KerasSymbol::Model, last);
    if (last == QLatin1String("Layer"))
        return symbol(KerasSymbol::BaseLayer, last);
    if (last == QLatin1String("clear_session"))
        return symbol(KerasSymbol::ClearSession, last);
    const QString canonical = KerasLayerCatalog::canonicalClassName(last);
    if (!canonical.isEmpty() || last == QLatin1String("InputLayer"))
        return symbol(KerasSymbol::LayerClass, canonical.isEmpty() ? last : canonical);
    if (parent == QLatin1String("layers") || parent == QLatin1String("preprocessing")) {
        if (merges.contains(last))
            return symbol(KerasSymbol::MergeFunction, last);
        if (!last.isEmpty() && last.at(0).isUpper())
            return symbol(KerasSymbol::LayerClass,
                          last); // a Keras layer Graft cannot write (Conv2DTranspose, Lambda, …)
    }
    auto module = makeValue(Kind::Module);
    module->text = path;
    return module;
}

} // namespace graft::pycode
