#pragma once

#include "core/common/expected.h"
#include "core/model/modelspec.h"
#include "core/training/callbacks.h"

#include <QMetaType>
#include <QString>
#include <QStringList>
#include <QVector>

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

namespace graft {

/**
 * Labelled samples in one contiguous float32 buffer of shape (N, sample dims...)
 * in Keras's layout (token ids as floats for Embedding inputs), labels in [0, classes).
 */
struct SampleSet
{
    std::vector<std::int64_t> shape;
    std::vector<float> values;
    QVector<int> labels;

    std::int64_t count() const { return shape.empty() ? 0 : shape.front(); }
    std::int64_t sampleSize() const;
    /** Shape, value count and labels agree, and every label is in [0, classCount). */
    Expected<void> check(int classCount, const QString &what) const;
    /** The samples at `indices`, in that order. */
    SampleSet subset(const QVector<int> &indices) const;
};

enum class OptimizerKind { Adam, Sgd, RmsProp };

QString optimizerName(OptimizerKind kind);
std::optional<OptimizerKind> optimizerFromName(const QString &name);

/** Keras's optimizer hyperparameters; defaults are Keras's own. */
struct OptimizerSettings
{
    OptimizerKind kind = OptimizerKind::Adam;
    double learningRate = 1e-3; ///< Keras: Adam 1e-3, RMSprop 1e-3, SGD 1e-2 (see defaultLearningRate)
    double beta1 = 0.9;         ///< Adam
    double beta2 = 0.999;       ///< Adam
    double epsilon = 1e-7;      ///< Adam and RMSprop
    double momentum = 0.0;      ///< SGD and RMSprop
    bool nesterov = false;      ///< SGD
    double rho = 0.9;           ///< RMSprop
    bool centered = false;      ///< RMSprop

    static double defaultLearningRate(OptimizerKind kind);
};

/** Which layers train. */
enum class TrainPreset {
    HeadOnly,  ///< only the new head (the remapped Dense, or the layers stack/adapter add)
    All,       ///< every layer with weights
    FromLayer, ///< layers from `fromLayer` (in model.layers order) to the end
    Custom,    ///< each layer's own `trainable` flag in the model
};

QString trainPresetName(TrainPreset preset);

struct TrainableSelection
{
    TrainPreset preset = TrainPreset::HeadOnly;
    QString fromLayer;

    /** "head", "all", "from:conv2d_4" (the CLI's --train). */
    static Expected<TrainableSelection> parse(const QString &text);
};

/** One epoch of history, as Keras's History/CSVLogger record it (epoch counted from 0). */
struct EpochRecord
{
    int epoch = 0;
    double loss = 0.0;
    double accuracy = 0.0;
    double valLoss = 0.0;
    double valAccuracy = 0.0;
    bool hasValidation = false;
    double learningRate = 0.0;
    double seconds = 0.0;
    int phase = 1; ///< 1, or 2 after the unfreezing of a two-phase schedule

    /** The value Keras's callbacks monitor ("loss", "val_loss", "accuracy", "val_accuracy", "acc", "val_acc"). */
    std::optional<double> metric(const QString &name) const;
};

/** After each batch: running means over the epoch so far (what Keras's progress bar shows). */
struct BatchProgress
{
    int epoch = 0;
    int epochs = 0;
    int batch = 0; ///< 1-based
    int batches = 0;
    double loss = 0.0;
    double accuracy = 0.0;
};

/**
 * Accuracy and its breakdown for a classifier on labelled samples, as training reports it
 * (with the loss and the accuracy on the old classes kept).
 */
struct TrainingClassificationReport
{
    std::int64_t samples = 0;
    double loss = 0.0; ///< categorical cross-entropy (no label smoothing, no class weights); NaN when unknown
    double accuracy = 0.0;
    QVector<double> perClassAccuracy;           ///< NaN for classes without samples
    QVector<QVector<int>> confusion;            ///< [true][predicted]
    std::optional<double> keptOldClassAccuracy; ///< over samples of classes that copy an old neuron

    /** Builds the report from probabilities or logits (N, classes) and labels. */
    static TrainingClassificationReport fromScores(const std::vector<float> &scores, int classCount,
                                                   const QVector<int> &labels, bool scoresAreProbabilities = true);
    /** Accuracy over the samples whose label is in `classes`. */
    static std::optional<double> accuracyOver(const QVector<QVector<int>> &confusion, const QVector<int> &classes);
};

// The name the GUI code uses. core/engine/classificationreport.h has another struct of this
// name (evaluate's report); a distinct mangled name keeps the two from clashing at link time.
// TODO: one report type for evaluate and training.
using ClassificationReport = TrainingClassificationReport;

/** Why a training run ended. */
enum class StopReason { Completed, EarlyStopping, Cancelled, NonFiniteLoss };

QString stopReasonText(StopReason reason);

/** Writes a model file (the export module's writer, given by the caller): ModelCheckpoint's output. */
using ModelWriter = std::function<Expected<void>(const ModelSpec &model, const QString &path)>;

/** Everything one training run needs. Params in: copied into the job, never shared with the caller. */
struct TrainingParams
{
    ModelSpec model;             ///< with its (remapped) head and initial weights
    QString kerasVersion;        ///< from the source file: changes some layers' maths (see EngineOptions)
    QString sourcePath;          ///< the file the model came from: never written
    QStringList headLayers;      ///< what "head only" trains (RemappedModel::headLayer, + stack's hidden layer)
    QVector<int> keptOldClasses; ///< new class indices that copy an old neuron (old-class accuracy)
    QStringList classNames;

    SampleSet train;
    SampleSet validation; ///< may be empty (then no val_ metrics)

    TrainableSelection trainable;
    int phase1Epochs = 0;                  ///< > 0: head only for that many epochs, then `trainable`
    double unfreezeLrMultiplier = 1.0;     ///< learning-rate factor for non-head layers when they train
    bool freezeBatchNormWhenFrozen = true; ///< frozen BatchNormalization runs in inference mode (Keras >= 2.1.3)

    OptimizerSettings optimizer;
    double labelSmoothing = 0.0;
    QVector<double> classWeights; ///< empty: all 1 (Keras's class_weight)
    int batchSize = 32;
    int epochs = 10; ///< the last epoch is epochs - 1 (Keras's `epochs` with initial_epoch)
    int initialEpoch = 0;
    bool shuffle = true;
    std::uint64_t seed = 0;
    /**
     * libtorch intra-op threads while this run trains (on the thread that trains; restored after).
     * One by default: these models' small layers are overhead-bound, and with two OpenMP threads
     * a busy machine stalls every step on the spinning partner (an MLP epoch: 0.3 s on one
     * thread, 2-14 s on two under load; see bench_training).
     */
    int threads = 1;

    std::optional<EarlyStoppingSettings> earlyStopping;
    std::optional<ReduceLrSettings> reduceLr;
    std::optional<CheckpointSettings> checkpoint; ///< ModelCheckpoint: best model to a new file
    ModelWriter modelWriter;                      ///< required with `checkpoint`

    QString stateCheckpointPath;          ///< model + optimizer state after every epoch (resumable); empty: none
    QString resumeFrom;                   ///< a state checkpoint to continue from
    QVector<EpochRecord> previousHistory; ///< continue-training: history so far (--initial-epoch)
};

/** What a training run produced. */
struct TrainingResult
{
    ModelSpec model;              ///< trained weights written back (restored best when asked)
    QVector<EpochRecord> history; ///< previousHistory + this run's epochs
    StopReason stopReason = StopReason::Completed;
    QString stopMessage;
    int bestEpoch = -1; ///< of the EarlyStopping monitor, when there is one
    bool restoredBestWeights = false;
    ClassificationReport finalValidation; ///< on the validation data with the returned weights
    QStringList checkpointsWritten;
    QStringList warnings;
    double seconds = 0.0;
};

/** One run with the fine-tuned start and, with --compare-scratch, the same run from fresh weights. */
struct FineTuneOutcome
{
    TrainingResult fineTuned;
    std::optional<TrainingResult> scratch;
};

} // namespace graft

Q_DECLARE_METATYPE(graft::BatchProgress)
Q_DECLARE_METATYPE(graft::EpochRecord)
Q_DECLARE_METATYPE(graft::FineTuneOutcome)
