// libFuzzer: a Keras HDF5 file as an in-memory image (HDF5's core driver, as
// .keras members are read): string attributes, model_config, the legacy and the
// Keras 3 weight layouts and every tensor they name.
#include "core/formats/h5access.h"
#include "core/formats/kerash5weightsreader.h"
#include "core/formats/weightassigner.h"
#include "core/model/kerasconfigparser.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    using namespace graft;
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    auto file = h5::openImage(bytes, QStringLiteral("fuzz.h5"));
    if (!file)
        return 0;
    (void)h5::guarded(QStringLiteral("fuzz.h5"), [&]() -> Expected<void> {
        const H5::Group root = file->openGroup("/");
        (void)h5::readStringAttribute(root, QStringLiteral("keras_version"));
        ModelSpec model;
        bool haveModel = false;
        if (const auto config = h5::readStringAttribute(root, QStringLiteral("model_config"))) {
            if (auto spec = KerasConfigParser::parse(config->toUtf8(), QStringLiteral("fuzz.h5"))) {
                model = std::move(spec).value();
                haveModel = true;
            }
        }
        if (KerasH5WeightsReader::isKeras3Layout(root)) {
            if (auto groups = KerasH5WeightsReader::readKeras3(root, QStringLiteral("fuzz.h5"))) {
                if (haveModel)
                    (void)WeightAssigner::assignKeras3(model, *groups, QStringLiteral("fuzz.h5"));
                else
                    (void)WeightAssigner::listKeras3(*groups);
            }
            return {};
        }
        const H5::Group weights =
            h5::isGroup(root, QStringLiteral("model_weights")) ? root.openGroup("model_weights") : root;
        if (auto stored = KerasH5WeightsReader::readLegacy(weights, QStringLiteral("fuzz.h5"))) {
            if (haveModel)
                (void)WeightAssigner::assignLegacy(model, *stored, QStringLiteral("fuzz.h5"));
            else
                (void)WeightAssigner::listLegacy(*stored);
        }
        return {};
    });
    return 0;
}
