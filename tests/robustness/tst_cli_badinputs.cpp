// The catalogue of bad inputs (issue #9): every row makes one damaged, hostile
// or unusual input at run time in a temporary folder, runs graft-cli on it and
// checks what a user would see: no crash (no signal, no sanitizer report), a
// non-zero exit for bad input (zero for the unusual-but-valid rows), a message
// that names the file and the problem, and inputs byte-identical afterwards.

#include "badinputfiles.h"

#include <QDir>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>
#include <unistd.h>

#include <vector>

using namespace graft::test;

namespace {

/** What one row runs and expects. */
struct Case
{
    QStringList arguments;    // subcommand first
    bool succeeds = false;    // unusual but valid input: exit 0
    QStringList expected;     // fragments the output must contain (case-insensitive)
    QStringList inputs;       // files/folders hashed before and after
    QString skip;             // non-empty: QSKIP with this reason
    QString mustNotExist;     // a path the command must not leave behind
    bool runAsNobody = false; // run through setpriv as uid 65534 (root reads everything)
    QString knownBug;         // non-empty: a bug outside tests/robustness, expected to fail (QEXPECT_FAIL)
};

using Builder = std::function<Case(const QDir &dir)>;

struct Row
{
    const char *name;
    Builder build;
};

QString copyFixture(const QString &relative, const QDir &dir, const QString &name)
{
    return writeBytes(dir.filePath(name), readAll(fixturePath(relative)));
}

QString truncatedCopy(const QString &relative, const QDir &dir, const QString &name, qsizetype bytes)
{
    return writeBytes(dir.filePath(name), readAll(fixturePath(relative)).left(bytes));
}

Case inspectFails(const QString &file, const QString &phrase, const QStringList &extra = {})
{
    return Case{QStringList{QStringLiteral("inspect"), file} + extra,
                false,
                {QFileInfo(file).fileName(), phrase},
                {file},
                {},
                {},
                false};
}

/** inspect WEIGHTS --arch JSON where the JSON is at fault: the message names the JSON. */
Case archCase(const QString &weights, const QString &json, bool succeeds, const QString &phrase)
{
    return Case{{QStringLiteral("inspect"), weights, QStringLiteral("--arch"), json},
                succeeds,
                {QFileInfo(json).fileName(), phrase},
                {weights, json},
                {},
                {},
                false};
}

Case featuresOf(const QString &file, const QDir &dir, bool succeeds, const QString &phrase)
{
    const QString out = dir.filePath(QStringLiteral("features out.npy"));
    Case c{{QStringLiteral("features"), file, QStringLiteral("--out"), out},
           succeeds,
           {QFileInfo(file).fileName(), phrase},
           {file},
           {},
           {},
           false};
    if (succeeds)
        c.expected = {QStringLiteral("features out.npy"), phrase}; // success names what it wrote
    else
        c.mustNotExist = out;
    return c;
}

/** A folder `name` holding a damaged X.npy beside a valid y.npy: the dataset command reads X.npy first. */
QString badFeatures(const QDir &d, const QString &name, const QByteArray &xBytes)
{
    const QString folder = d.filePath(name);
    writeBytes(folder + QStringLiteral("/X.npy"), xBytes);
    writeBytes(folder + QStringLiteral("/y.npy"),
               npyBytes("{'descr': '<i8', 'fortran_order': False, 'shape': (1,), }", QByteArray(8, '\0')));
    return folder;
}

Case datasetOf(const QString &path, bool succeeds, const QStringList &expected)
{
    return Case{{QStringLiteral("dataset"), path}, succeeds, expected, {path}, {}, {}, false};
}

QString audioClassFolder(const QDir &dir, const QString &name, const QStringList &classes, int perClass)
{
    const QString root = dir.filePath(name);
    for (const QString &cls : classes)
        for (int i = 0; i < perClass; ++i)
            writeAudio(QDir(root).filePath(cls + QStringLiteral("/clip%1.wav").arg(i)),
                       SF_FORMAT_WAV | SF_FORMAT_PCM_16, 1, 4000);
    return root;
}

const QString conv2dWeights = QStringLiteral("keras/keras2/conv2d_1layer_weights.h5");
const QString conv2dFull = QStringLiteral("keras/keras2/conv2d_1layer.h5");
const QString kerasZip = QStringLiteral("keras/keras3/nested_container.keras");

const std::vector<Row> &rows()
{
    static const std::vector<Row> table = {
        // ---- Keras files: not there, not Keras, damaged ----
        {"missing model file",
         [](const QDir &d) {
             Case c = inspectFails(d.filePath(QStringLiteral("no such model.h5")), QStringLiteral("no such file"));
             c.inputs.clear();
             return c;
         }},
        {"empty model file",
         [](const QDir &d) {
             return inspectFails(writeBytes(d.filePath(QStringLiteral("empty.h5")), {}), QStringLiteral("is empty"));
         }},
        {"folder given as model",
         [](const QDir &d) {
             const QString folder = d.filePath(QStringLiteral("model_folder.h5"));
             QDir().mkpath(folder);
             return inspectFails(folder, QStringLiteral("folder"));
         }},
        {"text file named .h5",
         [](const QDir &d) {
             return inspectFails(writeBytes(d.filePath(QStringLiteral("notes.h5")), "these are not weights\n"),
                                 QStringLiteral("neither an HDF5 file nor a zip"));
         }},
        {"HDF5 truncated to its superblock",
         [](const QDir &d) {
             return inspectFails(truncatedCopy(conv2dFull, d, QStringLiteral("super.h5"), 96),
                                 QStringLiteral("truncated or damaged"));
         }},
        {"HDF5 truncated to half",
         [](const QDir &d) {
             const qsizetype half = readAll(fixturePath(conv2dFull)).size() / 2;
             return inspectFails(truncatedCopy(conv2dFull, d, QStringLiteral("half.h5"), half),
                                 QStringLiteral("half.h5"));
         }},
        {"HDF5 weights truncated to half",
         [](const QDir &d) {
             const qsizetype half = readAll(fixturePath(conv2dWeights)).size() / 2;
             return inspectFails(truncatedCopy(conv2dWeights, d, QStringLiteral("halfw.h5"), half),
                                 QStringLiteral("halfw.h5"));
         }},
        {"HDF5 metadata overwritten",
         [](const QDir &d) {
             QByteArray bytes = readAll(fixturePath(conv2dFull));
             for (qsizetype i = 96; i < 2048 && i < bytes.size(); ++i)
                 bytes[i] = char((i * 131) & 0xff);
             return inspectFails(writeBytes(d.filePath(QStringLiteral("scrambled.h5")), bytes), QStringLiteral("HDF5"));
         }},
        {"HDF5 that is not Keras",
         [](const QDir &d) {
             return inspectFails(writePlainHdf5(d.filePath(QStringLiteral("thermometer.h5"))),
                                 QStringLiteral("not a Keras model or weights file"));
         }},
        {"layer_names naming a missing group",
         [](const QDir &d) {
             const QString path = writeKeras2Weights(d.filePath(QStringLiteral("dangling.h5")), {denseWeights(4, 3)});
             // Re-open and add a name to layer_names that has no group.
             const hid_t file = H5Fopen(QFile::encodeName(path).constData(), H5F_ACC_RDWR, H5P_DEFAULT);
             H5Adelete(file, "layer_names");
             writeStringListAttribute(file, "layer_names", {QStringLiteral("dense"), QStringLiteral("ghost_layer")});
             H5Fclose(file);
             return inspectFails(path, QStringLiteral("ghost_layer"));
         }},
        {"weight of rank 9",
         [](const QDir &d) {
             LayerData layer{QStringLiteral("dense"),
                             {{QStringLiteral("dense/kernel:0"), {1, 1, 1, 1, 1, 1, 1, 1, 2}, {1, 2}}}};
             return inspectFails(writeKeras2Weights(d.filePath(QStringLiteral("rank9.h5")), {layer}),
                                 QStringLiteral("rank 9 (limit 8)"));
         }},
        {"weight claiming 2^40 elements",
         [](const QDir &d) {
             LayerData layer{QStringLiteral("dense"), {{QStringLiteral("dense/kernel:0"), {1u << 20, 1u << 20}, {}}}};
             return inspectFails(writeKeras2Weights(d.filePath(QStringLiteral("huge.h5")), {layer}),
                                 QStringLiteral("element limit"));
         }},
        {"weight claiming 2^30 elements stored nowhere",
         [](const QDir &d) {
             LayerData layer{QStringLiteral("dense"), {{QStringLiteral("dense/kernel:0"), {1u << 15, 1u << 15}, {}}}};
             return inspectFails(writeKeras2Weights(d.filePath(QStringLiteral("hollow.h5")), {layer}),
                                 QStringLiteral("stores no data"));
         }},
        {"NaN and Inf in weights",
         [](const QDir &d) {
             LayerData layer = denseWeights(4, 3);
             layer.weights[0].values[1] = std::numeric_limits<float>::quiet_NaN();
             layer.weights[0].values[5] = std::numeric_limits<float>::infinity();
             const QString path =
                 writeKeras2Weights(d.filePath(QStringLiteral("nan_weights.h5")), {layer}, denseModelJson(4, 3));
             Case c = inspectFails(path, QStringLiteral("2 NaN or infinite values"));
             c.succeeds = true; // the file is readable: inspect lists it and warns
             c.expected << QStringLiteral("dense");
             return c;
         }},
        {"weights disagree with the architecture",
         [](const QDir &d) {
             const QString path = writeKeras2Weights(d.filePath(QStringLiteral("mismatch.h5")), {denseWeights(4, 3)});
             const QString json = writeBytes(d.filePath(QStringLiteral("mismatch arch.json")), denseModelJson(10, 3));
             Case c = inspectFails(path, QStringLiteral("(10, 3)"), {QStringLiteral("--arch"), json});
             c.succeeds = true; // inspect shows the model and says which weight does not fit
             c.expected << QStringLiteral("(4, 3)");
             c.inputs << json;
             return c;
         }},
        {"architecture JSON that is not JSON",
         [](const QDir &d) {
             const QString path = copyFixture(conv2dWeights, d, QStringLiteral("w.h5"));
             const QString json =
                 writeBytes(d.filePath(QStringLiteral("broken arch.json")), "{\"class_name\": \"Sequential\", ");
             return archCase(path, json, false, QStringLiteral("not valid JSON"));
         }},
        {"architecture JSON nested 100000 deep",
         [](const QDir &d) {
             const QString path = copyFixture(conv2dWeights, d, QStringLiteral("w.h5"));
             const QByteArray deep = "{\"class_name\": \"Sequential\", \"config\": " + QByteArray(100000, '[')
                                     + QByteArray(100000, ']') + "}";
             const QString json = writeBytes(d.filePath(QStringLiteral("deep.json")), deep);
             return archCase(path, json, false, QStringLiteral("too deeply nested"));
         }},
        {"architecture with models nested 40 deep",
         [](const QDir &d) {
             const QString path = copyFixture(conv2dWeights, d, QStringLiteral("w.h5"));
             QByteArray model = denseModelJson(4, 3);
             for (int i = 0; i < 40; ++i)
                 model = "{\"class_name\": \"Sequential\", \"config\": {\"name\": \"outer" + QByteArray::number(i)
                         + "\", \"layers\": [" + model + "]}}";
             const QString json = writeBytes(d.filePath(QStringLiteral("matryoshka.json")), model);
             // Each model level is four JSON levels: the JSON depth limit (64) trips before the model one (16).
             return archCase(path, json, false, QStringLiteral("nested deeper than 64 levels"));
         }},
        {"architecture with an absurd input shape",
         [](const QDir &d) {
             const QString path = writeKeras2Weights(d.filePath(QStringLiteral("absurd.h5")), {denseWeights(4, 3)});
             const QString json = writeBytes(d.filePath(QStringLiteral("absurd.json")),
                                             denseModelJson(4, 3, QStringLiteral("[null, 1000000000, 1000000000, 4]")));
             // inspect still lists the layers; the warning says which limit the shape broke.
             Case c = archCase(path, json, true, QStringLiteral("elements per sample (the element limit)"));
             c.expected[0] = QStringLiteral("Layer 'dense'");
             return c;
         }},
        {"architecture with rank 12 input",
         [](const QDir &d) {
             const QString path = writeKeras2Weights(d.filePath(QStringLiteral("rank12.h5")), {denseWeights(4, 3)});
             const QString json = writeBytes(d.filePath(QStringLiteral("rank12.json")),
                                             denseModelJson(4, 3, QStringLiteral("[null, 1,1,1,1,1,1,1,1,1,1,4]")));
             Case c = archCase(path, json, true, QStringLiteral("rank 11 (limit 8)"));
             c.expected[0] = QStringLiteral("Layer 'dense'");
             return c;
         }},
        {"architecture with negative units",
         [](const QDir &d) {
             const QString path = writeKeras2Weights(d.filePath(QStringLiteral("negative.h5")), {denseWeights(4, 3)});
             const QString json = writeBytes(d.filePath(QStringLiteral("negative.json")), denseModelJson(4, -3));
             Case c = archCase(path, json, true, QStringLiteral("no valid 'units'"));
             c.expected[0] = QStringLiteral("negative.h5"); // the warning names the weights file and the layer
             return c;
         }},

        // ---- .keras archives ----
        {"zip that is not .keras",
         [](const QDir &d) {
             return inspectFails(
                 writeZip(d.filePath(QStringLiteral("holiday photos.keras")), {{QStringLiteral("beach.txt"), "sand"}}),
                 QStringLiteral("not a Keras 3 .keras archive"));
         }},
        {".keras without model.weights.h5",
         [](const QDir &d) {
             std::vector<ZipMember> members;
             for (ZipMember &m : zipMembers(fixturePath(kerasZip)))
                 if (m.name != QLatin1String("model.weights.h5"))
                     members.push_back(m);
             return inspectFails(writeZip(d.filePath(QStringLiteral("noweights.keras")), members),
                                 QStringLiteral("has no model.weights.h5"));
         }},
        {".keras truncated",
         [](const QDir &d) {
             const qsizetype size = readAll(fixturePath(kerasZip)).size();
             return inspectFails(truncatedCopy(kerasZip, d, QStringLiteral("cut.keras"), size - 100),
                                 QStringLiteral("cannot be opened as a .keras archive"));
         }},
        {".keras whose weights are not HDF5",
         [](const QDir &d) {
             std::vector<ZipMember> members = zipMembers(fixturePath(kerasZip));
             for (ZipMember &m : members)
                 if (m.name == QLatin1String("model.weights.h5"))
                     m.data = QByteArray(4096, 'x');
             return inspectFails(writeZip(d.filePath(QStringLiteral("fakeweights.keras")), members),
                                 QStringLiteral("model.weights.h5"));
         }},
        {".keras whose config is not JSON",
         [](const QDir &d) {
             std::vector<ZipMember> members = zipMembers(fixturePath(kerasZip));
             for (ZipMember &m : members)
                 if (m.name == QLatin1String("config.json"))
                     m.data = "{\"class_name\": ";
             Case c =
                 inspectFails(writeZip(d.filePath(QStringLiteral("badconfig.keras")), members), QStringLiteral("JSON"));
             c.succeeds = true; // the weights are still listed, with a warning about the config
             return c;
         }},
        {".keras with a corrupted member CRC",
         [](const QDir &d) {
             QByteArray bytes = readAll(fixturePath(kerasZip));
             const qsizetype at = bytes.indexOf("\"class_name\"");
             if (at > 0)
                 bytes[at + 2] = 'X'; // stored config.json: its CRC no longer matches
             const QString path = writeBytes(d.filePath(QStringLiteral("crc.keras")), bytes);
             Case c = inspectFails(path, QStringLiteral("crc.keras"));
             if (at < 0)
                 c.skip = QStringLiteral("the fixture's config.json is deflated: no plain text to corrupt");
             return c;
         }},

        // ---- datasets ----
        {"empty dataset folder",
         [](const QDir &d) {
             const QString folder = d.filePath(QStringLiteral("empty dataset"));
             QDir().mkpath(folder);
             return datasetOf(folder, false, {QStringLiteral("empty dataset"), QStringLiteral("class")});
         }},
        {"dataset with class folders but no samples",
         [](const QDir &d) {
             const QString folder = d.filePath(QStringLiteral("hollow"));
             QDir().mkpath(folder + QStringLiteral("/cat"));
             QDir().mkpath(folder + QStringLiteral("/dog"));
             // Listed (labels keep their indices, as in Keras) with a warning per empty class.
             return datasetOf(
                 folder, true,
                 {QStringLiteral("class 'cat' has no usable samples"), QStringLiteral("no usable audio samples")});
         }},
        {"single-class dataset",
         [](const QDir &d) {
             const QString folder = audioClassFolder(d, QStringLiteral("mono"), {QStringLiteral("yes")}, 3);
             return datasetOf(folder, true,
                              {QStringLiteral("only one class ('yes')"), QStringLiteral("needs at least two")});
         }},
        {"dataset with spaces and non-ASCII names",
         [](const QDir &d) {
             const QString folder = audioClassFolder(d, QStringLiteral("Mes données/été 2024"),
                                                     {QStringLiteral("oui merci"), QStringLiteral("ñandú")}, 2);
             return datasetOf(folder, true, {QStringLiteral("oui merci"), QStringLiteral("ñandú")});
         }},
        {"dataset with a zero-sample clip",
         [](const QDir &d) {
             const QString folder =
                 audioClassFolder(d, QStringLiteral("withsilence"), {QStringLiteral("a"), QStringLiteral("b")}, 2);
             writeAudio(QDir(folder).filePath(QStringLiteral("a/nothing.wav")), SF_FORMAT_WAV | SF_FORMAT_PCM_16, 1, 0);
             return datasetOf(folder, true, {QStringLiteral("nothing.wav")});
         }},
        {"X.npy and y.npy of different lengths",
         [](const QDir &d) {
             const QString folder = d.filePath(QStringLiteral("arrays"));
             writeBytes(folder + QStringLiteral("/X.npy"),
                        npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }",
                                 floatBytes({1, 2, 3, 4, 5, 6})));
             writeBytes(folder + QStringLiteral("/y.npy"),
                        npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", floatBytes({0, 1})));
             return datasetOf(folder, false,
                              {QStringLiteral("X.npy"), QStringLiteral("does not have one entry per sample")});
         }},
        {"npy truncated",
         [](const QDir &d) {
             const QString file = badFeatures(
                 d, QStringLiteral("short"),
                 npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (100, 2), }", floatBytes({1, 2, 3})));
             return datasetOf(file, false, {QStringLiteral("X.npy"), QStringLiteral("bytes")});
         }},
        {"npy claiming 2^62 elements",
         [](const QDir &d) {
             const QString file =
                 badFeatures(d, QStringLiteral("bomb"),
                             npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2147483648, 2147483648), }",
                                      floatBytes({1})));
             return datasetOf(file, false, {QStringLiteral("X.npy"), QStringLiteral("limit")});
         }},
        {"npy of rank 20",
         [](const QDir &d) {
             const QString file = badFeatures(d, QStringLiteral("rank20"),
                                              npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': "
                                                       "(1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1), }",
                                                       floatBytes({1})));
             return datasetOf(file, false, {QStringLiteral("X.npy"), QStringLiteral("more than 8 dimensions")});
         }},
        {"npy of Python objects",
         [](const QDir &d) {
             const QString file = badFeatures(
                 d, QStringLiteral("pickle"),
                 npyBytes("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", QByteArray("\x80\x04\x95", 3)));
             return datasetOf(file, false, {QStringLiteral("X.npy"), QStringLiteral("object")});
         }},
        {"npz that holds text",
         [](const QDir &d) {
             const QString file =
                 writeZip(d.filePath(QStringLiteral("letters.npz")), {{QStringLiteral("readme.txt"), "hello"}});
             return datasetOf(file, false, {QStringLiteral("letters.npz")});
         }},
        {"HDF5 dataset file without arrays",
         [](const QDir &d) {
             QDir().mkpath(d.path());
             const QString path = d.filePath(QStringLiteral("nothing.h5"));
             const hid_t file = H5Fcreate(QFile::encodeName(path).constData(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
             H5Fclose(file);
             return datasetOf(path, false, {QStringLiteral("nothing.h5")});
         }},

        // ---- audio: bad files fail, unusual encodings work ----
        {"zero-sample WAV",
         [](const QDir &d) {
             return featuresOf(
                 writeAudio(d.filePath(QStringLiteral("silence.wav")), SF_FORMAT_WAV | SF_FORMAT_PCM_16, 1, 0), d,
                 false, QStringLiteral("no audio samples"));
         }},
        {"WAV header only, truncated",
         [](const QDir &d) {
             const QString full =
                 writeAudio(d.filePath(QStringLiteral("full.wav")), SF_FORMAT_WAV | SF_FORMAT_PCM_16, 1, 1000);
             const QString cut = writeBytes(d.filePath(QStringLiteral("cut.wav")), readAll(full).left(20));
             return featuresOf(cut, d, false, QStringLiteral("cannot load audio"));
         }},
        {"text file named .wav",
         [](const QDir &d) {
             return featuresOf(writeBytes(d.filePath(QStringLiteral("lyrics.wav")), "la la la\n"), d, false,
                               QStringLiteral("cannot load audio"));
         }},
        {"WAV of NaN samples",
         [](const QDir &d) {
             return featuresOf(writeAudio(d.filePath(QStringLiteral("nan.wav")), SF_FORMAT_WAV | SF_FORMAT_FLOAT, 1,
                                          1000, 16000, true),
                               d, false, QStringLiteral("NaN"));
         }},
        {"8-bit unsigned WAV works",
         [](const QDir &d) {
             return featuresOf(
                 writeAudio(d.filePath(QStringLiteral("u8.wav")), SF_FORMAT_WAV | SF_FORMAT_PCM_U8, 1, 8000), d, true,
                 QStringLiteral("float32"));
         }},
        {"24-bit WAV works",
         [](const QDir &d) {
             return featuresOf(
                 writeAudio(d.filePath(QStringLiteral("s24.wav")), SF_FORMAT_WAV | SF_FORMAT_PCM_24, 1, 8000), d, true,
                 QStringLiteral("float32"));
         }},
        {"32-bit integer WAV works",
         [](const QDir &d) {
             return featuresOf(
                 writeAudio(d.filePath(QStringLiteral("s32.wav")), SF_FORMAT_WAV | SF_FORMAT_PCM_32, 1, 8000), d, true,
                 QStringLiteral("float32"));
         }},
        {"float32 WAV works",
         [](const QDir &d) {
             return featuresOf(
                 writeAudio(d.filePath(QStringLiteral("f32.wav")), SF_FORMAT_WAV | SF_FORMAT_FLOAT, 1, 8000), d, true,
                 QStringLiteral("float32"));
         }},
        {"float64 WAV works",
         [](const QDir &d) {
             return featuresOf(
                 writeAudio(d.filePath(QStringLiteral("f64.wav")), SF_FORMAT_WAV | SF_FORMAT_DOUBLE, 1, 8000), d, true,
                 QStringLiteral("float32"));
         }},
        {"6-channel WAV is mixed to mono",
         [](const QDir &d) {
             return featuresOf(
                 writeAudio(d.filePath(QStringLiteral("surround.wav")), SF_FORMAT_WAV | SF_FORMAT_PCM_16, 6, 8000), d,
                 true, QStringLiteral("float32"));
         }},
        {"FLAC truncated",
         [](const QDir &d) {
             const QString full =
                 writeAudio(d.filePath(QStringLiteral("full.flac")), SF_FORMAT_FLAC | SF_FORMAT_PCM_16, 1, 16000);
             const QString cut = writeBytes(d.filePath(QStringLiteral("cut.flac")), readAll(full).left(30));
             return featuresOf(cut, d, false, QStringLiteral("cut.flac"));
         }},
        {"audio path with spaces and non-ASCII works",
         [](const QDir &d) {
             return featuresOf(writeAudio(d.filePath(QStringLiteral("enregistrements/très bien ☃.wav")),
                                          SF_FORMAT_WAV | SF_FORMAT_PCM_16, 1, 8000),
                               d, true, QStringLiteral("float32"));
         }},
        {"unreadable audio file",
         [](const QDir &d) {
             const QString file =
                 writeAudio(d.filePath(QStringLiteral("secret.wav")), SF_FORMAT_WAV | SF_FORMAT_PCM_16, 1, 1000);
             QFile::setPermissions(file, QFileDevice::Permissions{});
             Case c = featuresOf(file, d, false, QStringLiteral("secret.wav"));
             c.mustNotExist.clear(); // nobody cannot write beside it either; what matters is the message
             c.arguments[3] = QStringLiteral("/tmp/graft-robustness-unused.npy");
             c.runAsNobody = ::geteuid() == 0;
             return c;
         }},
        {"unreadable model file",
         [](const QDir &d) {
             const QString file = copyFixture(conv2dWeights, d, QStringLiteral("locked.h5"));
             QFile::setPermissions(file, QFileDevice::Permissions{});
             Case c = inspectFails(file, QStringLiteral("permission denied"));
             c.runAsNobody = ::geteuid() == 0;
             return c;
         }},

        // ---- outputs that cannot be written ----
        {"output folder does not exist",
         [](const QDir &d) {
             const QString file =
                 writeAudio(d.filePath(QStringLiteral("ok.wav")), SF_FORMAT_WAV | SF_FORMAT_PCM_16, 1, 8000);
             const QString out = d.filePath(QStringLiteral("no/such/folder/out.npy"));
             return Case{{QStringLiteral("features"), file, QStringLiteral("--out"), out},
                         false,
                         {QStringLiteral("out.npy"), QStringLiteral("cannot write")},
                         {file},
                         {},
                         out,
                         false};
         }},
        {"output folder is a file",
         [](const QDir &d) {
             const QString file =
                 writeAudio(d.filePath(QStringLiteral("ok.wav")), SF_FORMAT_WAV | SF_FORMAT_PCM_16, 1, 8000);
             const QString blocker = writeBytes(d.filePath(QStringLiteral("blocker")), "x");
             const QString out = blocker + QStringLiteral("/out.npy");
             return Case{{QStringLiteral("features"), file, QStringLiteral("--out"), out},
                         false,
                         {QStringLiteral("out.npy"), QStringLiteral("cannot write")},
                         {file, blocker},
                         {},
                         {},
                         false};
         }},
        {"read-only output folder",
         [](const QDir &d) {
             const QString file =
                 writeAudio(d.filePath(QStringLiteral("ok.wav")), SF_FORMAT_WAV | SF_FORMAT_PCM_16, 1, 8000);
             // Root writes anywhere in a normal folder; /proc refuses new files even to root.
             const QString folder = ::geteuid() == 0 ? QStringLiteral("/proc") : d.filePath(QStringLiteral("readonly"));
             if (::geteuid() != 0) {
                 QDir().mkpath(folder);
                 QFile::setPermissions(folder, QFileDevice::ReadOwner | QFileDevice::ExeOwner);
             }
             const QString out = folder + QStringLiteral("/graft-features.npy");
             return Case{{QStringLiteral("features"), file, QStringLiteral("--out"), out},
                         false,
                         {QStringLiteral("graft-features.npy"), QStringLiteral("cannot write")},
                         {file},
                         {},
                         out,
                         false};
         }},
        {"output is a pipe, not a file",
         [](const QDir &d) {
             // Atomic writes rename a temporary over the target: over /dev/full or a FIFO that
             // replaced the device node itself (found by this catalogue). A FIFO in the temp
             // folder stands in for /dev/full so that a regression cannot damage the machine.
             const QString file =
                 writeAudio(d.filePath(QStringLiteral("ok.wav")), SF_FORMAT_WAV | SF_FORMAT_PCM_16, 1, 8000);
             const QString fifo = d.filePath(QStringLiteral("pipe.npy"));
             Case c{{QStringLiteral("features"), file, QStringLiteral("--out"), fifo},
                    false,
                    {QStringLiteral("pipe.npy"), QStringLiteral("not a regular file")},
                    {file},
                    {},
                    {},
                    false};
             if (::mkfifo(QFile::encodeName(fifo).constData(), 0666) != 0)
                 c.skip = QStringLiteral("cannot make a FIFO here");
             return c;
         }},
        {"output would overwrite the input",
         [](const QDir &d) {
             const QString file =
                 writeAudio(d.filePath(QStringLiteral("self.wav")), SF_FORMAT_WAV | SF_FORMAT_PCM_16, 1, 8000);
             Case c{{QStringLiteral("features"), file, QStringLiteral("--out"), file},
                    false,
                    {QStringLiteral("self.wav"), QStringLiteral("Refusing to write")},
                    {file},
                    {},
                    {},
                    false};
             return c;
         }},
    };
    return table;
}

struct Run
{
    bool crashed = false;
    int exitCode = -1;
    QString output;
};

Run runCli(const QStringList &arguments, bool asNobody)
{
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    if (asNobody)
        process.start(QStringLiteral("setpriv"),
                      QStringList{QStringLiteral("--reuid=65534"), QStringLiteral("--regid=65534"),
                                  QStringLiteral("--clear-groups"), QStringLiteral(GRAFT_CLI_PATH)}
                          + arguments);
    else
        process.start(QStringLiteral(GRAFT_CLI_PATH), arguments);
    if (!process.waitForFinished(300000))
        process.kill();
    process.waitForFinished();
    return {process.exitStatus() != QProcess::NormalExit, process.exitCode(),
            QString::fromUtf8(process.readAllStandardOutput())};
}

} // namespace

class CliBadInputsTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(QFile::exists(QStringLiteral(GRAFT_CLI_PATH)), GRAFT_CLI_PATH);
        QVERIFY2(QFileInfo::exists(fixturePath(conv2dWeights)), qPrintable(fixturePath(conv2dWeights)));
        QVERIFY(rows().size() >= 40);
    }

    void catalogue_data()
    {
        QTest::addColumn<int>("index");
        for (std::size_t i = 0; i < rows().size(); ++i)
            QTest::newRow(rows()[i].name) << int(i);
    }

    void catalogue()
    {
        QFETCH(int, index);
        QTemporaryDir temp;
        QVERIFY(temp.isValid());
        // Wide enough for setpriv's uid 65534 to reach the inputs (QTemporaryDir is 0700).
        QFile::setPermissions(temp.path(), QFileDevice::Permissions(0x7777));
        const QDir dir(temp.path());
        const Case c = rows()[std::size_t(index)].build(dir);
        if (!c.skip.isEmpty())
            QSKIP(qPrintable(c.skip));
        if (c.runAsNobody && QStandardPaths::findExecutable(QStringLiteral("setpriv")).isEmpty())
            QSKIP("running as root and util-linux's setpriv is missing: root reads files whatever their mode");
        if (c.runAsNobody) {
            const Run probe = runCli({QStringLiteral("--help")}, true);
            if (probe.crashed || probe.exitCode != 0)
                QSKIP("running as root, and uid 65534 cannot run graft-cli from this build folder (a parent folder is "
                      "private): root reads files whatever their mode, so unreadable files cannot be tested here");
        }

        std::vector<QByteArray> before;
        for (const QString &input : c.inputs)
            before.push_back(contentHash(input));

        const Run run = runCli(c.arguments, c.runAsNobody);
        const QString shown = QStringLiteral("graft-cli %1\nexit %2, output:\n%3")
                                  .arg(c.arguments.join(QLatin1Char(' ')))
                                  .arg(run.exitCode)
                                  .arg(run.output);
        QVERIFY2(!run.crashed, qPrintable(QStringLiteral("crashed: ") + shown));
        QVERIFY2(!run.output.contains(QLatin1String("Sanitizer"))
                     && !run.output.contains(QLatin1String("runtime error:")),
                 qPrintable(QStringLiteral("sanitizer report: ") + shown));
        if (!c.knownBug.isEmpty())
            QEXPECT_FAIL("", qPrintable(c.knownBug), Abort);
        if (c.succeeds)
            QVERIFY2(run.exitCode == 0, qPrintable(QStringLiteral("expected success: ") + shown));
        else
            QVERIFY2(run.exitCode == 1 || run.exitCode == 2,
                     qPrintable(QStringLiteral("expected exit 1 or 2: ") + shown));
        for (const QString &fragment : c.expected)
            QVERIFY2(run.output.contains(fragment, Qt::CaseInsensitive),
                     qPrintable(QStringLiteral("missing '%1' in: %2").arg(fragment, shown)));
        if (!c.succeeds) {
            // One line on stderr, not a dump.
            QVERIFY2(run.output.trimmed().count(QLatin1Char('\n')) == 0,
                     qPrintable(QStringLiteral("not one line: ") + shown));
        }
        if (!c.mustNotExist.isEmpty())
            QVERIFY2(!QFileInfo::exists(c.mustNotExist),
                     qPrintable(c.mustNotExist + QStringLiteral(" was left behind")));
        for (std::size_t i = 0; i < c.inputs.size(); ++i)
            QVERIFY2(contentHash(c.inputs[qsizetype(i)]) == before[i],
                     qPrintable(c.inputs[qsizetype(i)] + QStringLiteral(" was modified")));
    }
};

QTEST_APPLESS_MAIN(CliBadInputsTest)
#include "tst_cli_badinputs.moc"
