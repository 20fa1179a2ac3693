// Interpreter: Sequential and functional models.
#include "core/arch/keraslayercatalog.h"
#include "core/arch/pycodehelpers.h"
#include "core/arch/pycodeinterpreter.h"

namespace graft::pycode {

ValuePtr Interpreter::createSequential(const std::vector<ValuePtr> &args,
                                       const std::vector<std::pair<QString, ValuePtr>> &kwargs, int line)
{
    ModelRecord model;
    model.sequential = true;
    model.line = line;
    const ValuePtr name = argument(args, kwargs, 1, QStringLiteral("name"));
    model.name = name && name->kind == Kind::Str ? name->text : nextName(QStringLiteral("Sequential"));
    models.push_back(model);
    const int index = int(models.size()) - 1;
    if (const ValuePtr list = argument(args, kwargs, 0, QStringLiteral("layers")); list && list->kind != Kind::None) {
        const auto items = iterate(list);
        if (!items)
            errors << QStringLiteral("line %1: the layer list given to Sequential (%2) cannot be evaluated")
                          .arg(line)
                          .arg(describe(list));
        else
            for (const ValuePtr &item : *items)
                addToSequential(index, item, line);
    }
    auto v = makeValue(Kind::Model);
    v->index = index;
    return v;
}

void Interpreter::addToSequential(int index, const ValuePtr &item, int line)
{
    ModelRecord &model = models.at(std::size_t(index));
    if (item->kind == Kind::Layer || (item->kind == Kind::Tensor && item->node == 0)) {
        LayerRecord &layer = layers.at(std::size_t(item->index));
        if (layer.className == QLatin1String("InputLayer")) {
            if (!model.layers.empty())
                errors << QStringLiteral(
                              "line %1: an input is added to the Sequential model '%2' after its first layer")
                              .arg(line)
                              .arg(model.name);
            model.inputLayer = item->index;
            return;
        }
        if (item->kind == Kind::Layer) {
            model.layers.push_back(item->index);
            layer.addedTo = index;
            return;
        }
    }
    if (item->kind == Kind::Model) {
        errors << QStringLiteral(
                      "line %1: the model '%2' is added to the Sequential model '%3': nested models are not supported "
                      "when reading code")
                      .arg(line)
                      .arg(models.at(std::size_t(item->index)).name, model.name);
        return;
    }
    errors << QStringLiteral("line %1: %2 is added to the Sequential model '%3' but is not a layer")
                  .arg(line)
                  .arg(describe(item), model.name);
}

bool Interpreter::buildSequential(int index, int line)
{
    ModelRecord &model = models.at(std::size_t(index));
    if (model.built)
        return true;
    if (model.layers.empty())
        return false;
    if (model.inputLayer < 0) {
        const LayerRecord &first = layers.at(std::size_t(model.layers.front()));
        if (first.inputShape.isUndefined()) {
            errors
                << QStringLiteral(
                       "line %1: the input or output of the Sequential model '%2' is used, but its first layer has no "
                       "input_shape")
                       .arg(line)
                       .arg(model.name);
            return false;
        }
        LayerRecord input;
        input.className = QStringLiteral("InputLayer");
        input.line = first.line;
        input.name = first.name + QStringLiteral("_input");
        input.config = KerasLayerCatalog::defaultConfig(input.className, input.name);
        input.config.insert(QStringLiteral("batch_input_shape"), first.inputShape);
        layers.push_back(input);
        models.at(std::size_t(index)).inputLayer = int(layers.size()) - 1;
    }
    ModelRecord &m = models.at(std::size_t(index));
    LayerCall::Ref ref{m.inputLayer, 0, 0};
    m.builtInput = ref;
    for (int l : m.layers) {
        LayerCall call;
        call.inputs = {ref};
        call.line = line;
        layers.at(std::size_t(l)).calls.push_back(call);
        ref = {l, int(layers.at(std::size_t(l)).calls.size()) - 1, 0};
    }
    m.builtOutput = ref;
    m.built = true;
    return true;
}

ValuePtr Interpreter::createFunctional(const std::vector<ValuePtr> &args,
                                       const std::vector<std::pair<QString, ValuePtr>> &kwargs, int line)
{
    const ValuePtr inputs = argument(args, kwargs, 0, QStringLiteral("inputs"));
    const ValuePtr outputs = argument(args, kwargs, 1, QStringLiteral("outputs"));
    if (!inputs || !outputs) {
        errors << QStringLiteral(
                      "line %1: Model() is created without inputs and outputs (a subclassed model?); Graft reads "
                      "Sequential and functional models")
                      .arg(line);
        {
            auto failed =
                unknownValue(UnknownKind::Foreign, QStringLiteral("a Model without inputs and outputs"), line);
            failed->reported = true;
            return failed;
        }
    }
    ModelRecord model;
    model.line = line;
    if (!tensorsOf(inputs, &model.inputs, line, QStringLiteral("Model(inputs=…)"))
        || !tensorsOf(outputs, &model.outputs, line, QStringLiteral("Model(outputs=…)"))) {
        auto failed = unknownValue(UnknownKind::Foreign,
                                   QStringLiteral("a Model whose inputs or outputs cannot be evaluated"), line);
        failed->reported = true;
        return failed;
    }
    const ValuePtr name = argument(args, kwargs, 2, QStringLiteral("name"));
    model.name = name && name->kind == Kind::Str ? name->text : nextName(QStringLiteral("Model"));
    for (const LayerCall::Ref &r : model.outputs)
        model.layers.push_back(r.layer);
    models.push_back(model);
    auto v = makeValue(Kind::Model);
    v->index = int(models.size()) - 1;
    return v;
}

} // namespace graft::pycode
