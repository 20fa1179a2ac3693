// libFuzzer: Keras model config JSON (model.to_json(), model_config, config.json)
// through KerasConfigParser and shape inference, as inspect does.
#include "core/model/kerasconfigparser.h"
#include "core/model/shapeinference.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    auto spec = graft::KerasConfigParser::parse(bytes, QStringLiteral("fuzz.json"));
    if (!spec) {
        if (spec.errorString().isEmpty())
            __builtin_trap();
        return 0;
    }
    (void)graft::ShapeInference::run(*spec);
    for (const graft::Layer &layer : spec->layers)
        (void)layer.params();
    return 0;
}
