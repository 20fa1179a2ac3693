#pragma once

#include "core/common/expected.h"
#include "core/dataset/samplesettings.h"
#include "core/text/sequencepadding.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <cstdint>
#include <optional>

namespace graft {

/** The model a project fine-tunes: the weights file, its architecture JSON and the old class names. */
struct ProjectModel
{
    QString path;
    QString architecturePath;  ///< empty: in the file, or <stem>.json beside it
    QString oldClassNamesPath; ///< empty: <stem>.labels.txt beside it, if any
};

/** The dataset and how validation data is found. */
struct ProjectDataset
{
    QString path;                 ///< class folder, train/+val/ folder, X/y folder or array file
    QString validationPath;       ///< empty: val/ beside train/, else a split
    double validationSplit = 0.2; ///< share held out (stratified, seeded) without a validation folder
};

/** How a text dataset becomes Embedding ids (the Dataset page's Text settings), named as graft-cli's options. */
struct ProjectText
{
    QString tokenizer = QStringLiteral("wordpiece"); ///< wordpiece, textvectorization, none (already tokenized)
    QString vocabularyPath;                          ///< the tokenizer's vocab.txt
    QString textColumn = QStringLiteral("text");     ///< CSV/TSV column, by name or 0-based index
    QString labelColumn = QStringLiteral("label");
    int maxLength = 0;      ///< pad_sequences maxlen; 0: the model's input length
    PaddingOptions padding; ///< Keras's defaults: 'pre', 'pre', 0

    bool operator==(const ProjectText &o) const
    {
        return tokenizer == o.tokenizer && vocabularyPath == o.vocabularyPath && textColumn == o.textColumn
               && labelColumn == o.labelColumn && maxLength == o.maxLength && padding.padding == o.padding.padding
               && padding.truncating == o.padding.truncating && padding.value == o.padding.value;
    }
};

/** The training settings, named as graft-cli finetune's options. */
struct ProjectTrainingSettings
{
    QString optimizer = QStringLiteral("adam"); ///< adam, sgd, rmsprop
    std::optional<double> learningRate;         ///< unset: Keras's default for the optimizer
    double momentum = 0.0;
    bool nesterov = false;
    int batchSize = 32;
    int epochs = 10;
    QString train = QStringLiteral("head"); ///< head, all, from:LAYER
    int phase1Epochs = 0;
    double unfreezeLrMultiplier = 1.0;
    double labelSmoothing = 0.0;
    bool balancedClassWeights = false;
    bool shuffle = true;
    std::uint64_t seed = 0;
    QString monitor = QStringLiteral("val_loss"); ///< val_loss, val_accuracy, loss, accuracy
    std::optional<int> earlyStoppingPatience;
    double minDelta = 0.0;
    std::optional<int> reduceLrPatience;
    double reduceLrFactor = 0.1;
    double minLr = 0.0;
    bool compareScratch = false;
};

/** One saved workbench session. Paths are absolute once read. */
struct Project
{
    ProjectModel model;
    ProjectDataset dataset;
    AudioPipelineSettings audio;
    ImageSettings image;
    std::optional<ProjectText> text;     ///< set for a text dataset; absent in projects of audio, images and arrays
    std::optional<QJsonObject> headPlan; ///< HeadPlan::toJson(), checked by HeadPlan::fromJson when applied
    ProjectTrainingSettings training;
};

/**
 * Reads and writes projects as small JSON ({"format": "graft-project", "version": 1, …}).
 * Paths inside the project's folder are stored relative to it so a project can move
 * with its data. Every error names the file and the field at fault; unknown fields
 * are ignored so older Graft versions read newer minor additions.
 */
class ProjectFile final
{
public:
    ProjectFile() = delete;

    static constexpr int version = 1;
    static constexpr qint64 maxBytes = 4 << 20; ///< projects are a few KB; anything this big is not one
    /** "graft": the suffix of project files. */
    static QString suffix();

    static Expected<Project> read(const QString &path);
    /** `projectPath` resolves relative paths and names the file in errors. */
    static Expected<Project> parse(const QByteArray &json, const QString &projectPath);

    static QByteArray serialize(const Project &project, const QString &projectPath);
    /** Atomic write (QSaveFile): a failure leaves any previous file untouched. */
    static Expected<void> write(const Project &project, const QString &path);
};

} // namespace graft
