#pragma once

#include "core/audio/audiofeatureparams.h"
#include "core/common/expected.h"
#include "core/dataset/datasettypes.h"
#include "core/dataset/sampleextractor.h"
#include "core/dataset/samplesettings.h"
#include "core/text/sequencepadding.h"
#include "core/training/trainingtypes.h"

#include <QString>
#include <QStringList>

#include <cstdint>
#include <optional>

namespace graft {

/**
 * How a text dataset becomes Embedding input ids (issue: text classifiers). Active when
 * `tokenizer` is set: dataPath (and validationPath) is then a CSV/TSV file with a text and a
 * label column, or a folder of class subfolders of .txt files (text_dataset_from_directory).
 */
struct TextSourceSettings
{
    QString tokenizer; ///< "wordpiece:VOCAB.txt", "textvectorization:VOCAB.txt"; empty: not a text dataset
    QString textColumn = QStringLiteral("text");   ///< CSV column, by name or 0-based index
    QString labelColumn = QStringLiteral("label"); ///< CSV column, by name or 0-based index
    int maxLength = 0;                             ///< pad_sequences maxlen; 0: the model's input length
    PaddingOptions padding;                        ///< Keras pad_sequences defaults: 'pre' and 'pre'

    bool isActive() const { return !tokenizer.isEmpty(); }
};

/** Where training samples come from and how they become model inputs. */
struct TrainingDataSource
{
    QString dataPath;             ///< class folders, or a folder with train/ and val/ class folders
    QString validationPath;       ///< class folders for validation (else split or val/ beside train/)
    QString featuresPath;         ///< X.npy (instead of dataPath), Keras layout, batch axis first
    QString labelsPath;           ///< y.npy: integer labels or one-hot rows
    QString classNamesPath;       ///< one class name per line or a JSON list (arrays; default: beside X)
    double validationSplit = 0.2; ///< stratified share for validation when there is no validation folder
    std::uint64_t seed = 0;
    AudioFeatureParams audio; ///< librosa parameters; the shaping is proposed from the model input
    std::optional<AudioPipelineSettings> audioSettings; ///< exact pipeline, overriding the proposal
    std::optional<ImageSettings> imageSettings;         ///< exact image settings, overriding the proposal
    ExtractionOptions extraction;
    TextSourceSettings text; ///< for text classifiers: dataPath is a CSV/TSV or class folders of .txt
};

/** Model-ready training and validation samples with their class names. */
struct TrainingData
{
    QStringList classNames;
    SampleSet train;
    SampleSet validation;
    QString description;           ///< how samples were made ("40 MFCC × 87 frames (librosa's orientation), …")
    QVector<DatasetIssue> skipped; ///< files that could not be used, and why
    QStringList notes;
};

/**
 * Loads a dataset for fine-tuning: class folders (audio, images, .npy per file)
 * through the dataset pipeline with settings proposed from the model's input
 * shape, or X/y arrays; splits off validation samples when no validation set is
 * given. Fails when samples do not fit the model's input shape, saying both shapes.
 * Text datasets (`source.text` active) become token ids, one row of the model's input length per text.
 */
class TrainingDataLoader final
{
public:
    TrainingDataLoader() = delete;

    static Expected<TrainingData> load(const TrainingDataSource &source, const Shape &modelInputShape);
    /** Same, with the input shape and (for text) the Embedding's input_dim, which bounds the ids, from `model`. */
    static Expected<TrainingData> load(const TrainingDataSource &source, const ModelSpec &model);
};

} // namespace graft
