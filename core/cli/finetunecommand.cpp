#include "core/cli/clioutput.h"
#include "core/cli/command.h"
#include "core/cli/featureoptions.h"
#include "core/common/atomicfiletarget.h"
#include "core/dataset/datasetsplit.h"
#include "core/dataset/datasettypes.h"
#include "core/export/companionfiles.h"
#include "core/export/modelexporter.h"
#include "core/formats/kerasfileloader.h"
#include "core/io/classnamesfile.h"
#include "core/model/kerasconfigparser.h"
#include "core/model/shapeinference.h"
#include "core/text/textdataset.h"
#include "core/training/demo.h"
#include "core/training/headremapper.h"
#include "core/training/historycsv.h"
#include "core/training/historyrows.h"
#include "core/training/modelevaluator.h"
#include "core/training/trainer.h"
#include "core/training/trainingdata.h"
#include "core/training/trainingjob.h"
#include "core/training/trainingreport.h"
#include "core/training/weightinitializer.h"

#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstdio>
#include <unistd.h>

namespace graft::cli {

namespace {

const QString commandName = QStringLiteral("finetune");

/** Prints Keras-like progress on stderr: a bar redrawn at most 10 times a second on a terminal, one line per epoch. */
class ProgressPrinter final : public TrainingObserver
{
public:
    explicit ProgressPrinter(int epochs) : m_epochs(epochs), m_tty(isatty(fileno(stderr)) != 0) { m_clock.start(); }

    void batchFinished(const BatchProgress &p) override
    {
        if (!m_tty || (m_clock.elapsed() < 100 && p.batch != p.batches))
            return;
        m_clock.restart();
        const int width = 24;
        const int done = p.batches > 0 ? width * p.batch / p.batches : width;
        err() << QStringLiteral("\rEpoch %1/%2 [%3%4] %5/%6 - loss: %7 - accuracy: %8")
                     .arg(p.epoch + 1)
                     .arg(m_epochs)
                     .arg(QString(done, QLatin1Char('=')), QString(width - done, QLatin1Char('.')))
                     .arg(p.batch)
                     .arg(p.batches)
                     .arg(p.loss, 0, 'f', 4)
                     .arg(p.accuracy, 0, 'f', 4);
        err().flush();
        m_dirty = true;
    }
    void epochFinished(const EpochRecord &record) override
    {
        clearLine();
        err() << TrainingReport::epochLine(record, m_epochs) << '\n';
        err().flush();
    }
    void note(const QString &message) override
    {
        clearLine();
        err() << message << '\n';
        err().flush();
    }

private:
    void clearLine()
    {
        if (m_dirty)
            err() << '\r' << QString(100, QLatin1Char(' ')) << '\r';
        m_dirty = false;
    }
    int m_epochs;
    bool m_tty;
    bool m_dirty = false;
    QElapsedTimer m_clock;
};

struct Options
{
    QCommandLineOption arch{
        QStringLiteral("arch"),
        QStringLiteral(
            "Architecture JSON (model.to_json()) for a weights-only MODEL. Default: <stem>.json beside MODEL."),
        QStringLiteral("ARCH.json")};
    QCommandLineOption data{
        QStringLiteral("data"),
        QStringLiteral("Dataset folder: one subfolder per class (audio, images or .npy files), or train/ and val/ "
                       "folders of class subfolders. With --tokenizer: a CSV/TSV file with a text and a label column, "
                       "or a folder of class subfolders of .txt files."),
        QStringLiteral("DIR")};
    QCommandLineOption x{
        QStringLiteral("x"),
        QStringLiteral("Features as .npy, batch axis first, in the model's input layout (instead of --data)."),
        QStringLiteral("X.npy")};
    QCommandLineOption y{QStringLiteral("y"), QStringLiteral("Labels for --x: integer class indices or one-hot rows."),
                         QStringLiteral("y.npy")};
    QCommandLineOption classNames{QStringLiteral("class-names"),
                                  QStringLiteral("Class names for --x/--y, one per line in label order, or a JSON list "
                                                 "in a .json file (default: class_names.txt or classes.txt beside X)."),
                                  QStringLiteral("F")};
    QCommandLineOption valData{QStringLiteral("val-data"),
                               QStringLiteral("Validation folder of class subfolders, or with --tokenizer a CSV/TSV "
                                              "file (default: val/ beside train/, else a split)."),
                               QStringLiteral("DIR")};
    QCommandLineOption tokenizer{
        QStringLiteral("tokenizer"),
        QStringLiteral("Text datasets: the tokenizer the model was trained with, wordpiece:vocab.txt (a BERT "
                       "vocab.txt) or textvectorization:vocab.txt (a Keras TextVectorization vocabulary); none "
                       "(default): --data is not text, or --x holds token ids already."),
        QStringLiteral("SPEC"), QStringLiteral("none")};
    QCommandLineOption maxLen{
        QStringLiteral("max-len"),
        QStringLiteral("Text: ids per text, as pad_sequences' maxlen (default: the model's input length)."),
        QStringLiteral("N")};
    QCommandLineOption padding{
        QStringLiteral("padding"),
        QStringLiteral("Text: pad short texts at the start (pre, Keras's default) or the end (post)."),
        QStringLiteral("pre|post"), QStringLiteral("pre")};
    QCommandLineOption truncating{
        QStringLiteral("truncating"),
        QStringLiteral("Text: cut long texts at the start (pre, Keras's default) or the end (post)."),
        QStringLiteral("pre|post"), QStringLiteral("pre")};
    QCommandLineOption textColumn{
        QStringLiteral("text-column"),
        QStringLiteral("Text CSV/TSV: the text column, by header name or 0-based index. Default: text."),
        QStringLiteral("C"), QStringLiteral("text")};
    QCommandLineOption labelColumn{
        QStringLiteral("label-column"),
        QStringLiteral("Text CSV/TSV: the label column, by header name or 0-based index. Default: label."),
        QStringLiteral("C"), QStringLiteral("label")};
    QCommandLineOption valSplit{QStringLiteral("val-split"),
                                QStringLiteral("Share of samples held out (stratified, seeded) for validation when "
                                               "there is no validation folder. Default 0.2."),
                                QStringLiteral("F"), QStringLiteral("0.2")};
    QCommandLineOption oldClassNames{
        QStringLiteral("old-class-names"),
        QStringLiteral(
            "The old model's class names in output order (default: <stem>.labels.txt or .json beside MODEL)."),
        QStringLiteral("F")};
    QCommandLineOption head{
        QStringLiteral("head"),
        QStringLiteral(
            "How the new head starts: auto (copy classes whose name matches an old class, imprint the rest; default), "
            "copy (matches; by position when old names are unknown; zero the rest), zero, random, random-scaled, mean, "
            "imprint (copy matches, that strategy for the rest), stack (old head as a hidden ReLU layer under a new "
            "softmax layer) or adapter (old model frozen, a new layer from its outputs)."),
        QStringLiteral("CHOICE"), QStringLiteral("auto")};
    QCommandLineOption plan{QStringLiteral("plan"),
                            QStringLiteral("A head plan JSON (as written beside OUT) instead of --head."),
                            QStringLiteral("plan.json")};
    QCommandLineOption train{
        QStringLiteral("train"),
        QStringLiteral("What trains: head (default), all, or from:LAYER (that layer and every later one)."),
        QStringLiteral("WHAT"), QStringLiteral("head")};
    QCommandLineOption phase1{
        QStringLiteral("phase1-epochs"),
        QStringLiteral("Train only the head for N epochs first, then what --train says. Default 0."),
        QStringLiteral("N"), QStringLiteral("0")};
    QCommandLineOption lrMult{
        QStringLiteral("unfreeze-lr-mult"),
        QStringLiteral("Learning-rate factor for the layers below the head when they train. Default 1."),
        QStringLiteral("X"), QStringLiteral("1")};
    QCommandLineOption optimizer{
        QStringLiteral("optimizer"),
        QStringLiteral("adam (default), sgd or rmsprop, with Keras's update rules and defaults."),
        QStringLiteral("NAME"), QStringLiteral("adam")};
    QCommandLineOption lr{QStringLiteral("lr"),
                          QStringLiteral("Learning rate (default: Keras's, 0.001 for adam and rmsprop, 0.01 for sgd)."),
                          QStringLiteral("X")};
    QCommandLineOption momentum{QStringLiteral("momentum"), QStringLiteral("Momentum for sgd and rmsprop. Default 0."),
                                QStringLiteral("X"), QStringLiteral("0")};
    QCommandLineOption nesterov{QStringLiteral("nesterov"), QStringLiteral("Nesterov momentum for sgd.")};
    QCommandLineOption labelSmoothing{QStringLiteral("label-smoothing"),
                                      QStringLiteral("Label smoothing of the categorical cross-entropy. Default 0."),
                                      QStringLiteral("X"), QStringLiteral("0")};
    QCommandLineOption classWeights{
        QStringLiteral("class-weights"),
        QStringLiteral("none (default) or balanced (Keras's n_samples / (n_classes * count))."), QStringLiteral("MODE"),
        QStringLiteral("none")};
    QCommandLineOption batch{QStringLiteral("batch"), QStringLiteral("Batch size. Default 32."), QStringLiteral("N"),
                             QStringLiteral("32")};
    QCommandLineOption epochs{
        QStringLiteral("epochs"),
        QStringLiteral("Train until this epoch (Keras's epochs). 0: remap and export without training. Default 10."),
        QStringLiteral("N"), QStringLiteral("10")};
    QCommandLineOption initialEpoch{
        QStringLiteral("initial-epoch"),
        QStringLiteral(
            "Continue a training: start at this epoch; the earlier history (--history) is kept in OUT's history."),
        QStringLiteral("N"), QStringLiteral("0")};
    QCommandLineOption history{
        QStringLiteral("history"),
        QStringLiteral("The history CSV to continue with --initial-epoch (default: <stem>.history.csv beside MODEL)."),
        QStringLiteral("CSV")};
    QCommandLineOption patience{
        QStringLiteral("patience"),
        QStringLiteral("EarlyStopping on --monitor with this patience, restoring the best epoch's weights at the end."),
        QStringLiteral("N")};
    QCommandLineOption minDelta{QStringLiteral("min-delta"), QStringLiteral("EarlyStopping's min_delta. Default 0."),
                                QStringLiteral("X"), QStringLiteral("0")};
    QCommandLineOption monitor{
        QStringLiteral("monitor"),
        QStringLiteral("Metric the callbacks watch: val_loss (default), val_accuracy, loss, accuracy."),
        QStringLiteral("NAME"), QStringLiteral("val_loss")};
    QCommandLineOption reducePatience{QStringLiteral("reduce-lr-patience"),
                                      QStringLiteral("ReduceLROnPlateau on --monitor with this patience."),
                                      QStringLiteral("N")};
    QCommandLineOption reduceFactor{QStringLiteral("reduce-lr-factor"),
                                    QStringLiteral("ReduceLROnPlateau's factor. Default 0.1."), QStringLiteral("X"),
                                    QStringLiteral("0.1")};
    QCommandLineOption minLr{QStringLiteral("min-lr"), QStringLiteral("ReduceLROnPlateau's min_lr. Default 0."),
                             QStringLiteral("X"), QStringLiteral("0")};
    QCommandLineOption checkpoint{
        QStringLiteral("checkpoint"),
        QStringLiteral("ModelCheckpoint: write the best model by --monitor to this new file during training."),
        QStringLiteral("FILE")};
    QCommandLineOption state{
        QStringLiteral("save-state"),
        QStringLiteral("Write the model and optimizer state after every epoch to this file, for --resume."),
        QStringLiteral("FILE")};
    QCommandLineOption resume{
        QStringLiteral("resume"),
        QStringLiteral("Continue an interrupted run from a --save-state file (same model, data and options)."),
        QStringLiteral("FILE")};
    QCommandLineOption noShuffle{QStringLiteral("no-shuffle"),
                                 QStringLiteral("Do not shuffle the training samples every epoch.")};
    QCommandLineOption seed{
        QStringLiteral("seed"),
        QStringLiteral(
            "Seed for the split, shuffling, dropout and random rows: the same seed gives the same numbers. Default 0."),
        QStringLiteral("N"), QStringLiteral("0")};
    QCommandLineOption threads{
        QStringLiteral("threads"),
        QStringLiteral(
            "libtorch threads while training. Default 1: these models' small layers are overhead-bound, and on a busy "
            "machine a second thread stalls every step; try 2+ only for large models on an idle machine."),
        QStringLiteral("N"), QStringLiteral("1")};
    QCommandLineOption compareScratch{
        QStringLiteral("compare-scratch"),
        QStringLiteral(
            "Also train the same model from freshly initialized weights (every layer, same options) and compare.")};
    QCommandLineOption full{
        QStringLiteral("full"),
        QStringLiteral("For .h5 OUT: write the whole model (architecture and weights), not only the weights.")};
    QCommandLineOption out{QStringLiteral("out"),
                           QStringLiteral("The model file to write (required, except with --demo: demo-finetuned.h5 in "
                                          "the current folder): .h5/.hdf5, .weights.h5, .keras or .pt. Beside it: "
                                          "<stem>.labels.txt, <stem>.history.csv and <stem>.plan.json."),
                           QStringLiteral("OUT")};
    QCommandLineOption demo{
        QStringLiteral("demo"),
        QStringLiteral("Fine-tune the bundled demo (a speaker-identification CNN trained on 18 synthetic speakers) to "
                       "its 6 new speakers, without MODEL or --data. Demo defaults, each overridable: --train all "
                       "--epochs 16 --batch 16 --lr 0.0005 --seed 1 --compare-scratch.")};

    QList<QCommandLineOption> all() const
    {
        return {arch,
                data,
                x,
                y,
                classNames,
                valData,
                tokenizer,
                maxLen,
                padding,
                truncating,
                textColumn,
                labelColumn,
                valSplit,
                oldClassNames,
                head,
                plan,
                train,
                phase1,
                lrMult,
                optimizer,
                lr,
                momentum,
                nesterov,
                labelSmoothing,
                classWeights,
                batch,
                epochs,
                initialEpoch,
                history,
                patience,
                minDelta,
                monitor,
                reducePatience,
                reduceFactor,
                minLr,
                checkpoint,
                state,
                resume,
                noShuffle,
                seed,
                threads,
                compareScratch,
                full,
                out,
                demo};
    }
};

/** Reads a number option; `ok` false and `error` set when it does not parse or is out of range. */
template <typename T>
bool readNumber(const QCommandLineParser &parser, const QCommandLineOption &option, T min, T *value, QString *error)
{
    bool ok = false;
    const QString text = parser.value(option);
    const double v = text.toDouble(&ok);
    if (!ok || !std::isfinite(v) || v < double(min) || (std::is_integral<T>::value && v != std::floor(v))) {
        *error =
            QStringLiteral("--%1: '%2' is not a valid value (at least %3)").arg(option.names().front(), text).arg(min);
        return false;
    }
    *value = T(v);
    return true;
}

/** The text options; errors for text options without a tokenizer and for a text dataset without one. */
Expected<TextSourceSettings> textSettingsFromOptions(const QCommandLineParser &parser, const Options &o)
{
    TextSourceSettings text;
    const QString spec = parser.value(o.tokenizer).trimmed();
    if (spec.compare(QLatin1String("none"), Qt::CaseInsensitive) != 0)
        text.tokenizer = spec;
    if (!text.isActive()) {
        for (const QCommandLineOption *option : {&o.maxLen, &o.padding, &o.truncating, &o.textColumn, &o.labelColumn})
            if (parser.isSet(*option))
                return makeError(QStringLiteral("--%1 is for text datasets: give --tokenizer wordpiece:VOCAB or "
                                                "textvectorization:VOCAB")
                                     .arg(option->names().front()));
        if (parser.isSet(o.data) && TextDatasetLoader::looksLikeTextDataset(parser.value(o.data)))
            return makeError(
                QStringLiteral("%1 looks like a text dataset: give the tokenizer the model was trained with, "
                               "--tokenizer wordpiece:vocab.txt or textvectorization:vocab.txt")
                    .arg(parser.value(o.data)));
        return text;
    }
    if (parser.isSet(o.x))
        return makeError(QStringLiteral("--tokenizer reads texts from --data; --x arrays are token ids already "
                                        "(use --tokenizer none)"));
    QString error;
    if (parser.isSet(o.maxLen) && !readNumber(parser, o.maxLen, 1, &text.maxLength, &error))
        return makeError(error);
    const auto padding = parsePaddingSide(parser.value(o.padding));
    const auto truncating = parsePaddingSide(parser.value(o.truncating));
    if (!padding || !truncating)
        return makeError(QStringLiteral("--%1: expected pre or post, got '%2'")
                             .arg(padding ? QStringLiteral("truncating") : QStringLiteral("padding"),
                                  parser.value(padding ? o.truncating : o.padding)));
    text.padding.padding = *padding;
    text.padding.truncating = *truncating;
    text.textColumn = parser.value(o.textColumn);
    text.labelColumn = parser.value(o.labelColumn);
    return text;
}

/**
 * MODEL given as an architecture JSON (model.to_json()): the model with freshly initialized
 * weights (Keras's initializers, seeded) — training from scratch, e.g. the demo's base model.
 */
Expected<LoadedModel> loadArchitectureOnly(const QString &path, std::uint64_t seed)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return makeError(QStringLiteral("cannot read the architecture %1: %2").arg(path, file.errorString()));
    const QByteArray json = file.readAll();
    auto spec = KerasConfigParser::parse(json, path);
    if (!spec)
        return spec.error();
    if (auto shapes = ShapeInference::run(*spec); !shapes)
        return makeError(QStringLiteral("%1: %2").arg(path, shapes.errorString()));
    // Keras builds each layer's initializer from the model seed; a different stream than the split's.
    if (auto ok = WeightInitializer::initialize(*spec, SeededRandom::derive(seed, 0x1a17)); !ok)
        return makeError(QStringLiteral("%1: cannot initialize the weights: %2").arg(path, ok.errorString()));
    LoadedModel loaded;
    loaded.sourcePath = path;
    loaded.format = QStringLiteral("keras-json");
    loaded.kerasVersion = QJsonDocument::fromJson(json).object().value(QStringLiteral("keras_version")).toString();
    loaded.hasArchitecture = true;
    loaded.architectureSource = path;
    loaded.model = std::move(spec).value();
    return loaded;
}

/** The demo's defaults go first, so that options the user gives (parsed later) win. */
QStringList withDemoDefaults(const QStringList &arguments)
{
    if (!arguments.contains(QStringLiteral("--demo")))
        return arguments;
    const QStringList defaults{QStringLiteral("--train"),
                               QStringLiteral("all"),
                               QStringLiteral("--epochs"),
                               QStringLiteral("16"),
                               QStringLiteral("--batch"),
                               QStringLiteral("16"),
                               QStringLiteral("--lr"),
                               QStringLiteral("0.0005"),
                               QStringLiteral("--seed"),
                               QStringLiteral("1"),
                               QStringLiteral("--compare-scratch")};
    return defaults + arguments;
}

int runFinetune(const QStringList &userArguments)
{
    const QStringList arguments = withDemoDefaults(userArguments);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Gives a trained Keras classifier a new head for the dataset's classes and fine-tunes it, the way\n"
        "Keras's fit() would: categorical cross-entropy on the softmax output, Keras's optimizers, callbacks\n"
        "and BatchNormalization semantics. Prints the remapping, the zero-shot validation accuracy of the\n"
        "remapped model, progress, and a summary; writes OUT with <stem>.labels.txt, <stem>.history.csv\n"
        "and <stem>.plan.json beside it. Audio datasets take the librosa feature options below; the\n"
        "feature shaping is chosen from the model's input shape. Text classifiers (Embedding input) take\n"
        "--tokenizer: --data is then a CSV/TSV file or class folders of .txt files, tokenized as the model\n"
        "was trained and padded/truncated to its input length like Keras's pad_sequences (--max-len,\n"
        "--padding, --truncating). MODEL may also be an architecture\n"
        "JSON (model.to_json()): the model then starts from freshly initialized weights (training from\n"
        "scratch; use --head random --train all). --demo runs the bundled speaker demo."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("MODEL"),
                                 QStringLiteral("The trained Keras model or weights file, or an architecture JSON to "
                                                "train from scratch (not with --demo)."));
    const Options o;
    parser.addOptions(o.all());
    addAudioFeatureOptions(parser);
    if (!parser.parse(QStringList{QStringLiteral("graft-cli finetune")} + arguments))
        return fail(commandName, parser.errorText(), 2);
    if (parser.isSet(QStringLiteral("help"))) {
        out() << parser.helpText();
        out().flush();
        return 0;
    }
    const bool demo = parser.isSet(o.demo);
    std::optional<DemoFiles> demoFolder;
    if (demo) {
        if (!parser.positionalArguments().isEmpty())
            return fail(commandName, QStringLiteral("--demo brings its own model: give no MODEL"), 2);
        auto found = demoFiles();
        if (!found)
            return fail(commandName, found.errorString());
        demoFolder = *found;
        err() << "Demo: " << demoFolder->weights << " fine-tuned to the speakers of " << demoFolder->dataset << '\n';
    } else if (parser.positionalArguments().size() != 1) {
        return fail(commandName, QStringLiteral("expected exactly one MODEL (see --help)"), 2);
    }
    if (!parser.isSet(o.out) && !demo)
        return fail(commandName, QStringLiteral("--out OUT is required (see --help)"), 2);
    const bool ownData = parser.isSet(o.data) || parser.isSet(o.x);
    if ((!demo || ownData) && (parser.isSet(o.data) == parser.isSet(o.x) || parser.isSet(o.x) != parser.isSet(o.y)))
        return fail(commandName, QStringLiteral("give either --data DIR or --x X.npy with --y y.npy"), 2);
    if (parser.isSet(o.plan) && parser.isSet(o.head))
        return fail(commandName, QStringLiteral("--plan and --head exclude each other"), 2);
    const QString modelPath = demo ? demoFolder->weights : parser.positionalArguments().front();
    const QString outPath = parser.isSet(o.out) ? parser.value(o.out) : QStringLiteral("demo-finetuned.h5");
    if (auto format = ModelExporter::formatFor(outPath, parser.isSet(o.full)); !format)
        return fail(commandName, format.errorString(), 2);

    TrainingParams params;
    QString error;
    int seed = 0, batch = 32, epochs = 10, initialEpoch = 0, phase1 = 0, threads = 1;
    double valSplit = 0.2, lrMult = 1.0, momentum = 0.0, smoothing = 0.0;
    if (!readNumber(parser, o.seed, 0, &seed, &error) || !readNumber(parser, o.batch, 1, &batch, &error)
        || !readNumber(parser, o.epochs, 0, &epochs, &error)
        || !readNumber(parser, o.initialEpoch, 0, &initialEpoch, &error)
        || !readNumber(parser, o.phase1, 0, &phase1, &error) || !readNumber(parser, o.valSplit, 0.0, &valSplit, &error)
        || !readNumber(parser, o.lrMult, 0.0, &lrMult, &error)
        || !readNumber(parser, o.momentum, 0.0, &momentum, &error)
        || !readNumber(parser, o.labelSmoothing, 0.0, &smoothing, &error)
        || !readNumber(parser, o.threads, 1, &threads, &error))
        return fail(commandName, error, 2);
    const auto optimizerKind = optimizerFromName(parser.value(o.optimizer));
    if (!optimizerKind)
        return fail(
            commandName,
            QStringLiteral("--optimizer: expected adam, sgd or rmsprop, got '%1'").arg(parser.value(o.optimizer)), 2);
    params.optimizer.kind = *optimizerKind;
    params.optimizer.learningRate = OptimizerSettings::defaultLearningRate(*optimizerKind);
    if (parser.isSet(o.lr) && !readNumber(parser, o.lr, 0.0, &params.optimizer.learningRate, &error))
        return fail(commandName, error, 2);
    params.optimizer.momentum = momentum;
    params.optimizer.nesterov = parser.isSet(o.nesterov);
    auto selection = TrainableSelection::parse(parser.value(o.train));
    if (!selection)
        return fail(commandName, QStringLiteral("--train: %1").arg(selection.errorString()), 2);
    const QString monitor = parser.value(o.monitor);
    if (!QStringList{QStringLiteral("val_loss"), QStringLiteral("val_accuracy"), QStringLiteral("loss"),
                     QStringLiteral("accuracy")}
             .contains(monitor))
        return fail(
            commandName,
            QStringLiteral("--monitor: expected val_loss, val_accuracy, loss or accuracy, got '%1'").arg(monitor), 2);
    if (parser.isSet(o.patience)) {
        EarlyStoppingSettings es;
        es.monitor = monitor;
        es.restoreBestWeights = true;
        if (!readNumber(parser, o.patience, 0, &es.patience, &error)
            || !readNumber(parser, o.minDelta, 0.0, &es.minDelta, &error))
            return fail(commandName, error, 2);
        params.earlyStopping = es;
    }
    if (parser.isSet(o.reducePatience)) {
        ReduceLrSettings rl;
        rl.monitor = monitor;
        if (!readNumber(parser, o.reducePatience, 0, &rl.patience, &error)
            || !readNumber(parser, o.reduceFactor, 0.0, &rl.factor, &error)
            || !readNumber(parser, o.minLr, 0.0, &rl.minLr, &error))
            return fail(commandName, error, 2);
        if (rl.factor >= 1.0)
            return fail(commandName, QStringLiteral("--reduce-lr-factor must be below 1"), 2);
        params.reduceLr = rl;
    }
    if (parser.value(o.classWeights) != QLatin1String("none")
        && parser.value(o.classWeights) != QLatin1String("balanced"))
        return fail(commandName, QStringLiteral("--class-weights: expected none or balanced"), 2);
    auto audioParams = audioFeatureParamsFromOptions(parser);
    if (!audioParams)
        return fail(commandName, audioParams.errorString(), 2);
    auto textSettings = textSettingsFromOptions(parser, o);
    if (!textSettings)
        return fail(commandName, textSettings.errorString(), 2);

    // The model and its old head.
    LoadOptions loadOptions;
    loadOptions.architectureJsonPath = parser.isSet(o.arch) || !demo ? parser.value(o.arch) : demoFolder->architecture;
    const bool fromScratch = modelPath.endsWith(QLatin1String(".json"), Qt::CaseInsensitive);
    if (fromScratch)
        err() << "Training from scratch: " << modelPath << " is an architecture; its weights start from Keras's "
              << "initializers (seed " << seed << ")\n";
    auto loaded = fromScratch ? loadArchitectureOnly(modelPath, std::uint64_t(seed))
                              : KerasFileLoader::load(modelPath, loadOptions);
    if (!loaded)
        return fail(commandName, loaded.errorString());
    if (!loaded->hasArchitecture)
        return fail(commandName,
                    QStringLiteral("%1 holds weights only: give the architecture with --arch").arg(modelPath));
    warn(commandName, loaded->warnings);
    QStringList oldNames = loaded->classNames;
    if (parser.isSet(o.oldClassNames)) {
        auto names = ClassNamesFile::read(parser.value(o.oldClassNames));
        if (!names)
            return fail(commandName, names.errorString());
        oldNames = *names;
    }
    auto head = HeadRemapper::locate(loaded->model);
    if (!head)
        return fail(commandName, head.errorString());

    // The data.
    TrainingDataSource source;
    source.dataPath = demo && !ownData ? demoFolder->dataset : parser.value(o.data);
    source.validationPath = parser.value(o.valData);
    source.featuresPath = parser.value(o.x);
    source.labelsPath = parser.value(o.y);
    source.classNamesPath = parser.value(o.classNames);
    source.validationSplit = valSplit;
    source.seed = std::uint64_t(seed);
    source.audio = *audioParams;
    source.text = *textSettings;
    auto data = TrainingDataLoader::load(source, loaded->model);
    if (!data)
        return fail(commandName, data.errorString());
    const QStringList classes = data->classNames;
    err() << QStringLiteral("Data: %1 classes, %2 training and %3 validation samples; %4\n")
                 .arg(classes.size())
                 .arg(data->train.count())
                 .arg(data->validation.count())
                 .arg(data->description);
    for (const DatasetIssue &issue : data->skipped)
        err() << "  skipped " << issue.path << ": " << issue.reason << '\n';
    if (source.text.isActive())
        for (const QString &note : data->notes)
            err() << "  note: " << note << '\n';

    // The plan and the remapped model.
    Expected<HeadPlan> plan = parser.isSet(o.plan) ? HeadPlan::load(parser.value(o.plan))
                                                   : HeadPlan::forChoice(parser.value(o.head), classes, oldNames,
                                                                         head->units, std::uint64_t(seed));
    if (!plan)
        return fail(commandName, plan.errorString());
    auto ordered = plan->orderedFor(classes);
    if (!ordered)
        return fail(commandName, ordered.errorString());
    ImprintEmbeddings embeddings;
    if (HeadRemapper::needsEmbeddings(*ordered)) {
        auto means = ModelEvaluator::classMeanEmbeddings(loaded->model, loaded->kerasVersion, *head, data->train,
                                                         classes.size());
        if (!means)
            return fail(commandName, QStringLiteral("imprinting: %1").arg(means.errorString()));
        embeddings = *means;
    }
    auto remapped = HeadRemapper::apply(loaded->model, *ordered, embeddings);
    if (!remapped)
        return fail(commandName, remapped.errorString());
    err() << remapped->summary.text();
    if (data->validation.count() > 0) {
        auto zeroShot =
            ModelEvaluator::evaluate(remapped->model, loaded->kerasVersion, data->validation, classes.size());
        if (!zeroShot)
            return fail(commandName, zeroShot.errorString());
        err() << QStringLiteral("Zero-shot validation accuracy of the remapped model: %1 %\n")
                     .arg(zeroShot->accuracy * 100.0, 0, 'f', 1);
    }

    // Training.
    params.model = remapped->model;
    params.kerasVersion = loaded->kerasVersion;
    params.sourcePath = modelPath;
    params.headLayers = {remapped->headLayer};
    if (ordered->mode == HeadMode::Stack)
        params.headLayers << head->layer;
    for (int r = 0; r < remapped->copiedFrom.size(); ++r)
        if (remapped->copiedFrom[r] >= 0)
            params.keptOldClasses << r;
    params.classNames = classes;
    params.train = std::move(data->train);
    params.validation = std::move(data->validation);
    params.trainable = *selection;
    params.phase1Epochs = phase1;
    params.unfreezeLrMultiplier = lrMult;
    params.labelSmoothing = smoothing;
    if (parser.value(o.classWeights) == QLatin1String("balanced")) {
        QVector<int> counts(classes.size(), 0);
        for (int label : params.train.labels)
            ++counts[label];
        params.classWeights = balancedClassWeights(counts);
    }
    params.batchSize = batch;
    params.threads = threads;
    params.epochs = epochs;
    params.initialEpoch = initialEpoch;
    params.shuffle = !parser.isSet(o.noShuffle);
    params.seed = std::uint64_t(seed);
    const QStringList protectedInputs{modelPath, loaded->architectureSource};
    if (parser.isSet(o.checkpoint)) {
        CheckpointSettings cp;
        cp.path = parser.value(o.checkpoint);
        cp.monitor = monitor;
        params.checkpoint = cp;
        const LoadedModel base = *loaded;
        params.modelWriter = [base, classes, protectedInputs](const ModelSpec &model,
                                                              const QString &path) -> Expected<void> {
            LoadedModel m = base;
            m.model = model;
            m.classNames = classes;
            ExportOptions options;
            options.protectedInputs = protectedInputs;
            auto written = ModelExporter::exportModel(m, path, options);
            if (!written)
                return written.error();
            return {};
        };
    }
    params.stateCheckpointPath = parser.value(o.state);
    params.resumeFrom = parser.value(o.resume);
    if (initialEpoch > 0) {
        const QString historyPath =
            parser.isSet(o.history) ? parser.value(o.history) : CompanionFiles::historyPath(modelPath);
        if (QFileInfo::exists(historyPath)) {
            auto previous = HistoryCsv::read(historyPath);
            if (!previous)
                return fail(commandName, previous.errorString());
            for (const EpochRecord &r : *previous)
                if (r.epoch < initialEpoch)
                    params.previousHistory << r;
            err() << QStringLiteral("Continuing after %1 epoch(s) of %2\n")
                         .arg(params.previousHistory.size())
                         .arg(historyPath);
        } else if (parser.isSet(o.history)) {
            return fail(commandName, QStringLiteral("the history %1 does not exist").arg(historyPath));
        }
    }

    TrainingResult trained;
    std::optional<TrainingResult> scratch;
    if (epochs > initialEpoch || !params.resumeFrom.isEmpty()) {
        ProgressPrinter printer(epochs);
        TrainingJob job(params, parser.isSet(o.compareScratch));
        job.setObserver(&printer);
        QString failure;
        QObject::connect(&job, &TrainingJob::failed, [&failure](const QString &message) { failure = message; });
        job.run();
        if (!failure.isEmpty())
            return fail(commandName, failure);
        trained = job.outcome().fineTuned;
        scratch = job.outcome().scratch;
    } else {
        trained.model = params.model;
        trained.history = params.previousHistory;
        err() << "No training (--epochs " << epochs << "): writing the remapped model\n";
    }

    // Output.
    LoadedModel result = *loaded;
    result.model = trained.model;
    result.classNames = classes;
    ExportOptions exportOptions;
    exportOptions.fullModel = parser.isSet(o.full);
    exportOptions.protectedInputs = protectedInputs;
    auto written = ModelExporter::exportModel(result, outPath, exportOptions);
    if (!written)
        return fail(commandName, written.errorString());
    QStringList files = written->writtenFiles;
    if (!trained.history.isEmpty()) {
        auto historyFile = CompanionFiles::writeHistory(outPath, historyRows(trained.history), protectedInputs);
        if (!historyFile)
            return fail(commandName, historyFile.errorString());
        files << *historyFile;
    }
    const QString planPath = CompanionFiles::stem(outPath) + QStringLiteral(".plan.json");
    if (auto ok = refuseOverwritingInput(planPath, protectedInputs + QStringList{parser.value(o.plan)}); !ok)
        return fail(commandName, ok.errorString());
    if (auto ok = remapped->plan.save(planPath); !ok)
        return fail(commandName, ok.errorString());
    files << planPath;

    out() << TrainingReport::summary(trained, classes);
    if (scratch)
        out() << TrainingReport::comparison(FineTuneOutcome{trained, scratch});
    warn(commandName, written->warnings);
    out() << "Wrote " << files.join(QStringLiteral(", ")) << '\n';
    out().flush();
    err().flush();
    return trained.stopReason == StopReason::NonFiniteLoss ? 1 : 0;
}

} // namespace

Command finetuneCommand()
{
    return {commandName, QStringLiteral("Remap a classifier's head to new classes and fine-tune it"), runFinetune};
}

} // namespace graft::cli
