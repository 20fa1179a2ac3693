#include "core/training/headplan.h"

#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>
#include <QSet>

namespace graft {

namespace {

struct StrategyName
{
    HeadStrategy strategy;
    const char *name;
};

constexpr StrategyName strategyNames[] = {
    {HeadStrategy::Copy, "copy"},     {HeadStrategy::Zero, "zero"},
    {HeadStrategy::Random, "random"}, {HeadStrategy::RandomScaled, "random-scaled"},
    {HeadStrategy::Mean, "mean"},     {HeadStrategy::Imprint, "imprint"},
};

QString normalizedName(const QString &name)
{
    QString n = name.simplified().toCaseFolded();
    n.replace(QLatin1Char(' '), QLatin1Char('_'));
    return n;
}

const QString formatTag = QStringLiteral("graft-head-plan");
constexpr int formatVersion = 1;

} // namespace

QString headStrategyName(HeadStrategy strategy)
{
    for (const StrategyName &s : strategyNames)
        if (s.strategy == strategy)
            return QString::fromLatin1(s.name);
    return QString();
}

std::optional<HeadStrategy> headStrategyFromName(const QString &name)
{
    const QString n = name.trimmed().toLower().replace(QLatin1Char('_'), QLatin1Char('-'));
    for (const StrategyName &s : strategyNames)
        if (n == QLatin1String(s.name))
            return s.strategy;
    return std::nullopt;
}

QString headModeName(HeadMode mode)
{
    switch (mode) {
    case HeadMode::PerRow: return QStringLiteral("per-row");
    case HeadMode::Stack: return QStringLiteral("stack");
    case HeadMode::Adapter: return QStringLiteral("adapter");
    }
    return QString();
}

std::optional<HeadMode> headModeFromName(const QString &name)
{
    const QString n = name.trimmed().toLower().replace(QLatin1Char('_'), QLatin1Char('-'));
    for (HeadMode m : {HeadMode::PerRow, HeadMode::Stack, HeadMode::Adapter})
        if (n == headModeName(m))
            return m;
    return std::nullopt;
}

QString HeadRow::describe(const QStringList &oldClassNames) const
{
    switch (strategy) {
    case HeadStrategy::Copy: {
        const QString oldName = oldClassNames.value(source);
        return oldName.isEmpty() ? QStringLiteral("copy ← %1").arg(source)
                                 : QStringLiteral("copy ← %1 (%2)").arg(source).arg(oldName);
    }
    case HeadStrategy::Mean: {
        if (meanSources.isEmpty())
            return QStringLiteral("mean of all old neurons");
        QStringList parts;
        for (int s : meanSources)
            parts << QString::number(s);
        return QStringLiteral("mean of %1").arg(parts.join(QStringLiteral(", ")));
    }
    default: return headStrategyName(strategy);
    }
}

QStringList HeadPlan::classNames() const
{
    QStringList names;
    for (const HeadRow &row : rows)
        names << row.className;
    return names;
}

int HeadPlan::rowIndex(const QString &className) const
{
    for (int i = 0; i < rows.size(); ++i)
        if (rows.at(i).className == className)
            return i;
    return -1;
}

bool HeadPlan::operator==(const HeadPlan &o) const
{
    return mode == o.mode && outputLayer == o.outputLayer && oldUnits == o.oldUnits && oldClassNames == o.oldClassNames
           && rows == o.rows && seed == o.seed;
}

HeadPlan HeadPlan::automatic(const QStringList &newClassNames, const QStringList &oldClassNames, int oldUnits,
                             HeadStrategy unmatched)
{
    HeadPlan plan;
    plan.oldUnits = oldUnits;
    // Names only mean something when there is one per old neuron.
    if (oldClassNames.size() == oldUnits)
        plan.oldClassNames = oldClassNames;
    QHash<QString, int> exact, loose;
    for (int j = 0; j < plan.oldClassNames.size(); ++j) {
        exact.insert(plan.oldClassNames.at(j), j);
        loose.insert(normalizedName(plan.oldClassNames.at(j)), j);
    }
    const HeadStrategy fallback = unmatched == HeadStrategy::Copy ? HeadStrategy::Random : unmatched;
    for (const QString &name : newClassNames) {
        HeadRow row;
        row.className = name;
        int source = exact.value(name, -1);
        if (source < 0)
            source = loose.value(normalizedName(name), -1);
        if (source >= 0) {
            row.strategy = HeadStrategy::Copy;
            row.source = source;
        } else {
            row.strategy = fallback;
        }
        plan.rows.append(row);
    }
    return plan;
}

Expected<HeadPlan> HeadPlan::forChoice(const QString &choice, const QStringList &newClassNames,
                                       const QStringList &oldClassNames, int oldUnits, std::uint64_t seed)
{
    const QString c = choice.trimmed().toLower();
    HeadPlan plan;
    if (c == QLatin1String("auto")) {
        plan = automatic(newClassNames, oldClassNames, oldUnits, HeadStrategy::Imprint);
    } else if (const auto mode = headModeFromName(c); mode && *mode != HeadMode::PerRow) {
        plan = automatic(newClassNames, oldClassNames, oldUnits, HeadStrategy::Random);
        plan.mode = *mode;
    } else if (const auto strategy = headStrategyFromName(c)) {
        plan = automatic(newClassNames, oldClassNames, oldUnits,
                         *strategy == HeadStrategy::Copy ? HeadStrategy::Zero : *strategy);
        if (*strategy == HeadStrategy::Copy && plan.oldClassNames.isEmpty())
            for (int r = 0; r < plan.rows.size() && r < oldUnits; ++r) {
                plan.rows[r].strategy = HeadStrategy::Copy;
                plan.rows[r].source = r;
            }
    } else {
        return makeError(QStringLiteral("--head '%1': expected auto, copy, zero, random, random-scaled, mean, imprint, "
                                        "stack or adapter")
                             .arg(choice));
    }
    plan.seed = seed;
    return plan;
}

Expected<void> HeadPlan::validate() const
{
    if (rows.isEmpty())
        return makeError(QStringLiteral("the head plan has no rows: it needs one row per new class"));
    if (oldUnits <= 0)
        return makeError(QStringLiteral("the head plan does not say how many outputs the old head has (old_units)"));
    if (!oldClassNames.isEmpty() && oldClassNames.size() != oldUnits)
        return makeError(QStringLiteral("the head plan lists %1 old class names for %2 old outputs")
                             .arg(oldClassNames.size())
                             .arg(oldUnits));
    QSet<QString> seen;
    for (int i = 0; i < rows.size(); ++i) {
        const HeadRow &row = rows.at(i);
        const QString where = QStringLiteral("head plan row %1 ('%2')").arg(i + 1).arg(row.className);
        if (row.className.isEmpty())
            return makeError(QStringLiteral("head plan row %1 has no class name").arg(i + 1));
        if (seen.contains(row.className))
            return makeError(QStringLiteral("%1: the class appears twice in the plan").arg(where));
        seen.insert(row.className);
        if (row.strategy == HeadStrategy::Copy && (row.source < 0 || row.source >= oldUnits))
            return makeError(QStringLiteral("%1: copy needs an old neuron between 0 and %2, got %3")
                                 .arg(where)
                                 .arg(oldUnits - 1)
                                 .arg(row.source));
        if (row.strategy == HeadStrategy::Mean)
            for (int s : row.meanSources)
                if (s < 0 || s >= oldUnits)
                    return makeError(QStringLiteral("%1: mean source %2 is not an old neuron (0 to %3)")
                                         .arg(where)
                                         .arg(s)
                                         .arg(oldUnits - 1));
    }
    return {};
}

Expected<HeadPlan> HeadPlan::orderedFor(const QStringList &datasetClassNames) const
{
    QStringList unknown, missing;
    for (const HeadRow &row : rows)
        if (!datasetClassNames.contains(row.className))
            unknown << row.className;
    for (const QString &name : datasetClassNames)
        if (rowIndex(name) < 0)
            missing << name;
    if (!unknown.isEmpty() || !missing.isEmpty()) {
        QStringList parts;
        if (!unknown.isEmpty())
            parts << QStringLiteral("the plan names classes the dataset does not have: %1")
                         .arg(unknown.join(QStringLiteral(", ")));
        if (!missing.isEmpty())
            parts << QStringLiteral("dataset classes without a plan row: %1").arg(missing.join(QStringLiteral(", ")));
        return makeError(QStringLiteral("the head plan does not fit the dataset (%1); dataset classes: %2")
                             .arg(parts.join(QStringLiteral("; ")), datasetClassNames.join(QStringLiteral(", "))));
    }
    HeadPlan ordered = *this;
    ordered.rows.clear();
    for (const QString &name : datasetClassNames)
        ordered.rows.append(rows.at(rowIndex(name)));
    return ordered;
}

QJsonObject HeadPlan::toJson() const
{
    QJsonObject json;
    json.insert(QStringLiteral("format"), formatTag);
    json.insert(QStringLiteral("version"), formatVersion);
    json.insert(QStringLiteral("mode"), headModeName(mode));
    if (!outputLayer.isEmpty())
        json.insert(QStringLiteral("output_layer"), outputLayer);
    json.insert(QStringLiteral("old_units"), oldUnits);
    if (!oldClassNames.isEmpty())
        json.insert(QStringLiteral("old_class_names"), QJsonArray::fromStringList(oldClassNames));
    // Seeds are 64-bit; JSON numbers are doubles, so the seed travels as text.
    json.insert(QStringLiteral("seed"), QString::number(seed));
    QJsonArray rowArray;
    for (const HeadRow &row : rows) {
        QJsonObject r;
        r.insert(QStringLiteral("class"), row.className);
        r.insert(QStringLiteral("strategy"), headStrategyName(row.strategy));
        if (row.strategy == HeadStrategy::Copy) {
            r.insert(QStringLiteral("source"), row.source);
            if (const QString oldName = oldClassNames.value(row.source); !oldName.isEmpty())
                r.insert(QStringLiteral("source_class"), oldName);
        }
        if (row.strategy == HeadStrategy::Mean && !row.meanSources.isEmpty()) {
            QJsonArray sources;
            for (int s : row.meanSources)
                sources.append(s);
            r.insert(QStringLiteral("sources"), sources);
        }
        rowArray.append(r);
    }
    json.insert(QStringLiteral("rows"), rowArray);
    return json;
}

Expected<HeadPlan> HeadPlan::fromJson(const QJsonObject &json)
{
    if (json.value(QStringLiteral("format")).toString() != formatTag)
        return makeError(QStringLiteral("not a Graft head plan (\"format\" must be \"%1\")").arg(formatTag));
    if (json.value(QStringLiteral("version")).toInt() != formatVersion)
        return makeError(QStringLiteral("head plan version %1 is not supported (this Graft reads version %2)")
                             .arg(json.value(QStringLiteral("version")).toVariant().toString())
                             .arg(formatVersion));
    HeadPlan plan;
    const auto mode = headModeFromName(json.value(QStringLiteral("mode")).toString(QStringLiteral("per-row")));
    if (!mode)
        return makeError(QStringLiteral("head plan: unknown mode '%1' (per-row, stack or adapter)")
                             .arg(json.value(QStringLiteral("mode")).toString()));
    plan.mode = *mode;
    plan.outputLayer = json.value(QStringLiteral("output_layer")).toString();
    plan.oldUnits = json.value(QStringLiteral("old_units")).toInt();
    for (const QJsonValue &v : json.value(QStringLiteral("old_class_names")).toArray())
        plan.oldClassNames << v.toString();
    const QJsonValue seed = json.value(QStringLiteral("seed"));
    bool seedOk = true;
    plan.seed = seed.isString() ? seed.toString().toULongLong(&seedOk) : std::uint64_t(seed.toDouble(0));
    if (!seedOk)
        return makeError(QStringLiteral("head plan: seed '%1' is not a non-negative integer").arg(seed.toString()));
    const QJsonArray rowArray = json.value(QStringLiteral("rows")).toArray();
    for (int i = 0; i < rowArray.size(); ++i) {
        const QJsonObject r = rowArray.at(i).toObject();
        HeadRow row;
        row.className = r.value(QStringLiteral("class")).toString();
        const QString strategyText = r.value(QStringLiteral("strategy")).toString();
        const auto strategy = headStrategyFromName(strategyText);
        if (!strategy)
            return makeError(QStringLiteral("head plan row %1 ('%2'): unknown strategy '%3' (copy, zero, random, "
                                            "random-scaled, mean or imprint)")
                                 .arg(i + 1)
                                 .arg(row.className, strategyText));
        row.strategy = *strategy;
        if (row.strategy == HeadStrategy::Copy) {
            const QJsonValue source = r.value(QStringLiteral("source"));
            if (source.isDouble()) {
                row.source = source.toInt(-1);
            } else if (!r.value(QStringLiteral("source_class")).toString().isEmpty()) {
                row.source = plan.oldClassNames.indexOf(r.value(QStringLiteral("source_class")).toString());
                if (row.source < 0)
                    return makeError(QStringLiteral("head plan row %1 ('%2'): old class '%3' is not among the old "
                                                    "class names")
                                         .arg(i + 1)
                                         .arg(row.className, r.value(QStringLiteral("source_class")).toString()));
            } else {
                return makeError(QStringLiteral("head plan row %1 ('%2'): copy needs \"source\" (an old neuron "
                                                "index) or \"source_class\"")
                                     .arg(i + 1)
                                     .arg(row.className));
            }
        }
        for (const QJsonValue &s : r.value(QStringLiteral("sources")).toArray())
            row.meanSources << s.toInt(-1);
        plan.rows.append(row);
    }
    if (auto ok = plan.validate(); !ok)
        return ok.error();
    return plan;
}

Expected<void> HeadPlan::save(const QString &path) const
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return makeError(QStringLiteral("cannot write the head plan %1: %2").arg(path, file.errorString()));
    file.write(QJsonDocument(toJson()).toJson(QJsonDocument::Indented));
    if (!file.commit())
        return makeError(QStringLiteral("cannot write the head plan %1: %2").arg(path, file.errorString()));
    return {};
}

Expected<HeadPlan> HeadPlan::load(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return makeError(QStringLiteral("cannot open the head plan %1: %2").arg(path, file.errorString()));
    // A plan is a few kilobytes; refuse anything absurd before parsing.
    if (file.size() > 64 * 1024 * 1024)
        return makeError(QStringLiteral("%1 is too large to be a head plan").arg(path));
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (!doc.isObject())
        return makeError(QStringLiteral("%1 is not a JSON object: %2").arg(path, parseError.errorString()));
    auto plan = fromJson(doc.object());
    if (!plan)
        return makeError(QStringLiteral("%1: %2").arg(path, plan.errorString()));
    return plan;
}

} // namespace graft
