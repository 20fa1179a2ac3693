#include "core/training/callbacks.h"

#include <QJsonValue>

#include <cmath>
#include <limits>

namespace graft {

namespace {

constexpr double infinity = std::numeric_limits<double>::infinity();

// JSON has no infinity: ±inf travels as a string.
QJsonValue numberToJson(double v)
{
    if (std::isinf(v))
        return v > 0 ? QStringLiteral("inf") : QStringLiteral("-inf");
    return v;
}

double numberFromJson(const QJsonValue &v, double fallback)
{
    if (v.isString())
        return v.toString() == QLatin1String("-inf") ? -infinity : infinity;
    return v.toDouble(fallback);
}

} // namespace

QString monitorModeName(MonitorMode mode)
{
    switch (mode) {
    case MonitorMode::Auto: return QStringLiteral("auto");
    case MonitorMode::Min: return QStringLiteral("min");
    case MonitorMode::Max: return QStringLiteral("max");
    }
    return QString();
}

std::optional<MonitorMode> monitorModeFromName(const QString &name)
{
    for (MonitorMode m : {MonitorMode::Auto, MonitorMode::Min, MonitorMode::Max})
        if (name.trimmed().toLower() == monitorModeName(m))
            return m;
    return std::nullopt;
}

bool monitorMaximizes(const QString &monitor, MonitorMode mode)
{
    if (mode != MonitorMode::Auto)
        return mode == MonitorMode::Max;
    return monitor.contains(QLatin1String("acc")) || monitor.startsWith(QLatin1String("fmeasure"));
}

double float32Rate(double lr)
{
    return double(float(lr));
}

EarlyStopping::EarlyStopping(EarlyStoppingSettings settings)
    : m_settings(std::move(settings)), m_maximize(monitorMaximizes(m_settings.monitor, m_settings.mode)),
      m_best(m_maximize ? -infinity : infinity)
{
    m_settings.minDelta = std::abs(m_settings.minDelta);
}

bool EarlyStopping::improves(double value, double reference) const
{
    // Keras: monitor_op(value - min_delta, reference) with min_delta negated for "min".
    return m_maximize ? (value - m_settings.minDelta > reference) : (value + m_settings.minDelta < reference);
}

EarlyStopping::Decision EarlyStopping::onEpochEnd(int epoch, std::optional<double> value)
{
    Decision decision;
    if (!value || epoch < m_settings.startFromEpoch)
        return decision;
    if (m_settings.restoreBestWeights && !m_haveSnapshot) {
        // Keras: when no best weights were kept yet, the current ones are the best.
        decision.snapshotWeights = true;
        m_haveSnapshot = true;
        m_bestEpoch = epoch;
    }
    ++m_wait;
    if (improves(*value, m_best)) {
        m_best = *value;
        m_bestEpoch = epoch;
        if (m_settings.restoreBestWeights)
            decision.snapshotWeights = true;
        if (!m_settings.baseline || improves(*value, *m_settings.baseline))
            m_wait = 0;
        return decision;
    }
    if (m_wait >= m_settings.patience && epoch > 0) {
        m_stoppedEpoch = epoch;
        decision.stop = true;
    }
    return decision;
}

QJsonObject EarlyStopping::state() const
{
    return QJsonObject{{QStringLiteral("best"), numberToJson(m_best)},
                       {QStringLiteral("wait"), m_wait},
                       {QStringLiteral("best_epoch"), m_bestEpoch},
                       {QStringLiteral("stopped_epoch"), m_stoppedEpoch},
                       {QStringLiteral("have_snapshot"), m_haveSnapshot}};
}

void EarlyStopping::restoreState(const QJsonObject &state)
{
    m_best = numberFromJson(state.value(QStringLiteral("best")), m_best);
    m_wait = state.value(QStringLiteral("wait")).toInt();
    m_bestEpoch = state.value(QStringLiteral("best_epoch")).toInt();
    m_stoppedEpoch = state.value(QStringLiteral("stopped_epoch")).toInt();
    m_haveSnapshot = state.value(QStringLiteral("have_snapshot")).toBool();
}

ReduceLrOnPlateau::ReduceLrOnPlateau(ReduceLrSettings settings)
    : m_settings(std::move(settings)),
      // ReduceLROnPlateau's own "auto": only "acc" in the name means maximize.
      m_maximize(m_settings.mode == MonitorMode::Max
                 || (m_settings.mode == MonitorMode::Auto && m_settings.monitor.contains(QLatin1String("acc")))),
      m_best(m_maximize ? -infinity : infinity)
{ }

double ReduceLrOnPlateau::onEpochEnd(int epoch, std::optional<double> value, double currentLr)
{
    Q_UNUSED(epoch)
    m_reduced = false;
    if (!value)
        return currentLr;
    const bool inCooldown = m_cooldownCounter > 0;
    if (inCooldown) {
        --m_cooldownCounter;
        m_wait = 0;
    }
    const bool better = m_maximize ? *value > m_best + m_settings.minDelta : *value < m_best - m_settings.minDelta;
    if (better) {
        m_best = *value;
        m_wait = 0;
    } else if (m_cooldownCounter <= 0) {
        ++m_wait;
        if (m_wait >= m_settings.patience) {
            if (currentLr > double(float(m_settings.minLr))) {
                const double lr = float32Rate(std::max(currentLr * m_settings.factor, m_settings.minLr));
                m_cooldownCounter = m_settings.cooldown;
                m_wait = 0;
                m_reduced = lr != currentLr;
                return lr;
            }
        }
    }
    return currentLr;
}

QJsonObject ReduceLrOnPlateau::state() const
{
    return QJsonObject{{QStringLiteral("best"), numberToJson(m_best)},
                       {QStringLiteral("wait"), m_wait},
                       {QStringLiteral("cooldown_counter"), m_cooldownCounter}};
}

void ReduceLrOnPlateau::restoreState(const QJsonObject &state)
{
    m_best = numberFromJson(state.value(QStringLiteral("best")), m_best);
    m_wait = state.value(QStringLiteral("wait")).toInt();
    m_cooldownCounter = state.value(QStringLiteral("cooldown_counter")).toInt();
}

BestModelTracker::BestModelTracker(const QString &monitor, MonitorMode mode)
    : m_maximize(monitorMaximizes(monitor, mode)), m_best(m_maximize ? -infinity : infinity)
{ }

bool BestModelTracker::onEpochEnd(std::optional<double> value)
{
    if (!value)
        return false;
    if (m_maximize ? *value > m_best : *value < m_best) {
        m_best = *value;
        return true;
    }
    return false;
}

QJsonObject BestModelTracker::state() const
{
    return QJsonObject{{QStringLiteral("best"), numberToJson(m_best)}};
}

void BestModelTracker::restoreState(const QJsonObject &state)
{
    m_best = numberFromJson(state.value(QStringLiteral("best")), m_best);
}

} // namespace graft
