#pragma once

#include <QJsonObject>
#include <QString>

#include <optional>

namespace graft {

/** Whether a smaller or a larger monitored value is better; Auto decides from the name as Keras does. */
enum class MonitorMode { Auto, Min, Max };

QString monitorModeName(MonitorMode mode);
std::optional<MonitorMode> monitorModeFromName(const QString &name);
/** Keras's "auto": accuracy-like names ("acc" in the name) are maximized, everything else minimized. */
bool monitorMaximizes(const QString &monitor, MonitorMode mode);

/** keras.callbacks.EarlyStopping's arguments. */
struct EarlyStoppingSettings
{
    QString monitor = QStringLiteral("val_loss");
    MonitorMode mode = MonitorMode::Auto;
    double minDelta = 0.0;
    int patience = 0;
    std::optional<double> baseline;
    bool restoreBestWeights = false;
    int startFromEpoch = 0;
};

/** keras.callbacks.ReduceLROnPlateau's arguments. */
struct ReduceLrSettings
{
    QString monitor = QStringLiteral("val_loss");
    MonitorMode mode = MonitorMode::Auto;
    double factor = 0.1;
    int patience = 10;
    double minDelta = 1e-4;
    int cooldown = 0;
    double minLr = 0.0;
};

/** keras.callbacks.ModelCheckpoint with save_best_only: the best model so far, to a new file. */
struct CheckpointSettings
{
    QString path;
    QString monitor = QStringLiteral("val_loss");
    MonitorMode mode = MonitorMode::Auto;
    bool saveBestOnly = true;
};

/**
 * EarlyStopping as Keras 3 implements it: `wait` counts epochs since the last
 * improvement (value − min_delta beats the best), training stops once wait ≥
 * patience (never at epoch 0), and with restore_best_weights the best epoch's
 * weights come back at the end of training — also when stopping never triggered.
 * Pure bookkeeping: the caller snapshots and restores weights when told to.
 */
class EarlyStopping final
{
public:
    explicit EarlyStopping(EarlyStoppingSettings settings);

    struct Decision
    {
        bool snapshotWeights = false; ///< keep the current weights as the best ones
        bool stop = false;
    };
    /** `value` empty: the monitored metric is missing this epoch (Keras warns and skips). */
    Decision onEpochEnd(int epoch, std::optional<double> value);
    /** At train end: put the snapshot back (restore_best_weights and a snapshot exists). */
    bool restoreAtEnd() const { return m_settings.restoreBestWeights && m_haveSnapshot; }

    const EarlyStoppingSettings &settings() const { return m_settings; }
    int wait() const { return m_wait; }
    int bestEpoch() const { return m_bestEpoch; }
    double best() const { return m_best; }
    int stoppedEpoch() const { return m_stoppedEpoch; }

    QJsonObject state() const;
    void restoreState(const QJsonObject &state);

private:
    bool improves(double value, double reference) const;

    EarlyStoppingSettings m_settings;
    bool m_maximize;
    double m_best;
    int m_wait = 0;
    int m_bestEpoch = 0;
    int m_stoppedEpoch = 0;
    bool m_haveSnapshot = false;
};

/**
 * ReduceLROnPlateau as Keras implements it: after `patience` epochs without an
 * improvement larger than min_delta, lr ← max(lr × factor, min_lr), then
 * `cooldown` epochs during which waiting does not count. Learning rates are
 * float32 in Keras, so they are rounded to float32 here as well.
 */
class ReduceLrOnPlateau final
{
public:
    explicit ReduceLrOnPlateau(ReduceLrSettings settings);

    /** Returns the learning rate for the next epoch (changed or not). */
    double onEpochEnd(int epoch, std::optional<double> value, double currentLr);
    bool reducedLastEpoch() const { return m_reduced; }

    int wait() const { return m_wait; }
    int cooldownCounter() const { return m_cooldownCounter; }
    double best() const { return m_best; }

    QJsonObject state() const;
    void restoreState(const QJsonObject &state);

private:
    ReduceLrSettings m_settings;
    bool m_maximize;
    double m_best;
    int m_wait = 0;
    int m_cooldownCounter = 0;
    bool m_reduced = false;
};

/** ModelCheckpoint(save_best_only=True)'s decision: is this epoch's value the best so far? */
class BestModelTracker final
{
public:
    explicit BestModelTracker(const QString &monitor, MonitorMode mode = MonitorMode::Auto);
    /** True when the model should be saved now (a strict improvement; a missing value never saves). */
    bool onEpochEnd(std::optional<double> value);
    double best() const { return m_best; }

    QJsonObject state() const;
    void restoreState(const QJsonObject &state);

private:
    bool m_maximize;
    double m_best;
};

/** A learning rate as Keras stores it (a float32 variable). */
double float32Rate(double lr);

} // namespace graft
