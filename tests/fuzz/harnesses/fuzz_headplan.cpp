// libFuzzer: a head-plan JSON file (graft-cli finetune --plan) through HeadPlan::fromJson and validate().
#include "core/training/headplan.h"

#include <QJsonDocument>

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    const QJsonDocument document = QJsonDocument::fromJson(bytes);
    if (!document.isObject())
        return 0;
    auto plan = graft::HeadPlan::fromJson(document.object());
    if (plan)
        (void)plan->validate();
    else if (plan.errorString().isEmpty())
        __builtin_trap();
    return 0;
}
