#include "archtesthelpers.h"

#include "core/arch/kerascodereader.h"
#include "core/model/kerasconfigparser.h"
#include "core/model/shapeinference.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace graft;

namespace {

QString shapeText(const DraftLayer &row)
{
    return row.outputShapes.size() == 1 ? shapeToString(row.outputShapes.front()) : QStringLiteral("?");
}

/** "name:Class:(None, 4):params" per row, to compare against expected listings. */
QStringList listing(const ArchitectureDraft &draft)
{
    QStringList rows;
    for (int r = 0; r < draft.rowCount(); ++r)
        rows << QStringLiteral("%1:%2:%3:%4")
                    .arg(draft.row(r).name, draft.row(r).className, shapeText(draft.row(r)))
                    .arg(draft.row(r).params.total);
    return rows;
}

void compareWithExpected(const ArchitectureDraft &draft, const QJsonObject &expected)
{
    const QJsonArray layers = expected.value(QStringLiteral("layers")).toArray();
    QCOMPARE(draft.rowCount(), layers.size());
    for (int r = 0; r < layers.size(); ++r) {
        const QJsonArray e = layers.at(r).toArray();
        const DraftLayer &row = draft.row(r);
        QCOMPARE(row.name, e.at(0).toString());
        QCOMPARE(row.className, e.at(1).toString());
        QCOMPARE(row.outputShapes.size(), 1);
        Shape shape;
        for (const QJsonValue &d : e.at(2).toArray())
            shape.push_back(d.toInteger());
        QCOMPARE(shapeToString(row.outputShapes.front()), shapeToString(shape));
        QCOMPARE(qint64(row.params.total), e.at(3).toInteger());
    }
    QCOMPARE(qint64(draft.params().total), expected.value(QStringLiteral("total_params")).toInteger());
}

} // namespace

class TestKerasCodeReader final : public QObject
{
    Q_OBJECT

private:
    WeightsOutline m_seed;

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        m_seed = archtest::outlineWithH5py(archtest::seedWeights(), &error);
        QVERIFY2(!m_seed.isEmpty(), qPrintable(error));
    }

    void seedFixtureMatchesExpected()
    {
        GRAFT_REQUIRE_PATH(archtest::seedCode());
        CodeReadOptions options;
        options.inputShape = {40, 87, 1};
        auto draft = KerasCodeReader::readFile(archtest::seedCode(), options, m_seed);
        QVERIFY2(draft, qPrintable(draft.errorString()));
        QVERIFY2(draft->isConsistent(), qPrintable((draft->questions() + draft->issues()).join(QLatin1Char('\n'))));
        compareWithExpected(*draft, archtest::readJson(archtest::seedFile(QStringLiteral("EXPECTED.json"))));
        QCOMPARE(qint64(draft->params().total), qint64(374408));
        // model_output came from the last Dense's kernel, and the notes say so.
        const DraftLayer &last = draft->row(draft->rowCount() - 1);
        QCOMPARE(last.config.value(QStringLiteral("units")).toInt(), 40);
        QCOMPARE(last.origin(QStringLiteral("units")), FieldOrigin::Weights);
        QCOMPARE(last.config.value(QStringLiteral("activation")).toString(), QStringLiteral("softmax"));
        const QString notes = draft->notes().join(QLatin1Char('\n'));
        QVERIFY2(notes.contains(QStringLiteral("dense_2.units = 40")), qPrintable(notes));
        QVERIFY2(notes.contains(QStringLiteral("model_input")), qPrintable(notes));
        QVERIFY2(notes.contains(QStringLiteral("createModel()")), qPrintable(notes));
        QCOMPARE(draft->row(1).config.value(QStringLiteral("strides")).toArray(), (QJsonArray{3, 3}));
        QCOMPARE(draft->row(1).sourceLine, 12);

        // The saved JSON reopens (Graft's parser, shape inference) with identical results.
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("arch.json"));
        QVERIFY(draft->save(path));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray json = file.readAll();
        auto reopened = ArchitectureDraft::fromKerasJson(json, path);
        QVERIFY2(reopened, qPrintable(reopened.errorString()));
        reopened->setWeights(m_seed);
        reopened->recompute();
        QVERIFY2(reopened->isConsistent(), qPrintable(reopened->issues().join(QLatin1Char('\n'))));
        QCOMPARE(listing(*reopened), listing(*draft));
        auto spec = KerasConfigParser::parse(json, path);
        QVERIFY2(spec, qPrintable(spec.errorString()));
        QVERIFY(ShapeInference::run(*spec)->complete());
        QCOMPARE(spec->params().total, qint64(374408));
        const QJsonObject root = QJsonDocument::fromJson(json).object();
        QCOMPARE(root.value(QStringLiteral("class_name")).toString(), QStringLiteral("Model"));
        QCOMPARE(root.value(QStringLiteral("config")).toObject().value(QStringLiteral("input_layers")).toArray(),
                 (QJsonArray{QJsonArray{QStringLiteral("input_1"), 0, 0}}));
    }

    void seedWithoutWeightsAsksForTheParameter()
    {
        GRAFT_REQUIRE_PATH(archtest::seedCode());
        CodeReadOptions options;
        options.inputShape = {40, 87, 1};
        auto draft = KerasCodeReader::readFile(archtest::seedCode(), options, {});
        QVERIFY2(draft, qPrintable(draft.errorString()));
        const QStringList questions = draft->questions();
        QCOMPARE(questions.size(), 1);
        QVERIFY2(questions.front().contains(QStringLiteral("model_output"))
                     && questions.front().contains(QStringLiteral("line 65"))
                     && questions.front().contains(QStringLiteral("--set model_output")),
                 qPrintable(questions.front()));
        QVERIFY(!draft->save(QDir::temp().filePath(QStringLiteral("never-written.json"))));

        options.bindings.insert(QStringLiteral("model_output"), 40);
        auto bound = KerasCodeReader::readFile(archtest::seedCode() + QStringLiteral(":createModel"), options, {});
        QVERIFY2(bound, qPrintable(bound.errorString()));
        QVERIFY2(bound->isConsistent(), qPrintable((bound->questions() + bound->issues()).join(QLatin1Char('\n'))));
        QCOMPARE(qint64(bound->params().total), qint64(374408));
    }

    void seedWithoutInputShapeAsks()
    {
        GRAFT_REQUIRE_PATH(archtest::seedCode());
        auto draft = KerasCodeReader::readFile(archtest::seedCode(), {}, m_seed);
        QVERIFY2(draft, qPrintable(draft.errorString()));
        const QString questions = draft->questions().join(QLatin1Char('\n'));
        QVERIFY2(questions.contains(QStringLiteral("input_1")) && questions.contains(QStringLiteral("model_input"))
                     && questions.contains(QStringLiteral("--input-shape")),
                 qPrintable(questions));
    }

    void snippets_data()
    {
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("inputShape");
        QTest::addColumn<QStringList>("bindings");
        QTest::addColumn<QStringList>("expected"); // listing rows, or "error:…", "question:…", "note:…" lines
        QTest::newRow("sequential add, layers prefix, input_shape kwarg")
            << QStringLiteral("from tensorflow.keras import layers, models\n"
                              "def build():\n"
                              "    model = models.Sequential()\n"
                              "    model.add(layers.Conv2D(8, (3, 3), activation='relu', input_shape=(28, 28, 1)))\n"
                              "    model.add(layers.MaxPooling2D((2, 2)))\n"
                              "    model.add(layers.Flatten())\n"
                              "    model.add(layers.Dense(10, activation='softmax'))\n"
                              "    return model\n")
            << QString() << QStringList()
            << QStringList{QStringLiteral("conv2d_input:InputLayer:(None, 28, 28, 1):0"),
                           QStringLiteral("conv2d:Conv2D:(None, 26, 26, 8):80"),
                           QStringLiteral("max_pooling2d:MaxPooling2D:(None, 13, 13, 8):0"),
                           QStringLiteral("flatten:Flatten:(None, 1352):0"),
                           QStringLiteral("dense:Dense:(None, 10):13530")};
        QTest::newRow("Sequential list, keras.layers prefix, positional args")
            << QStringLiteral("import keras\n"
                              "model = keras.Sequential([\n"
                              "    keras.layers.Conv1D(4, 3, 2, 'same', input_shape=(20, 2)),\n"
                              "    keras.layers.GlobalAveragePooling1D(),\n"
                              "    keras.layers.Dense(3, 'softmax'),\n"
                              "])\n"
                              "model.compile(loss='categorical_crossentropy')\n")
            << QString() << QStringList()
            << QStringList{QStringLiteral("conv1d_input:InputLayer:(None, 20, 2):0"),
                           QStringLiteral("conv1d:Conv1D:(None, 10, 4):28"),
                           QStringLiteral("global_average_pooling1d:GlobalAveragePooling1D:(None, 4):0"),
                           QStringLiteral("dense:Dense:(None, 3):15")};
        QTest::newRow("functional, tf.keras prefix, keyword Model args")
            << QStringLiteral("import tensorflow as tf\n"
                              "inp = tf.keras.Input(shape=(16,), name='features')\n"
                              "x = tf.keras.layers.Dense(units=8, activation=tf.nn.relu)(inp)\n"
                              "x = tf.keras.layers.BatchNormalization()(x)\n"
                              "out = tf.keras.layers.Dense(2, activation='softmax')(x)\n"
                              "model = tf.keras.Model(inputs=inp, outputs=out, name='mlp')\n")
            << QString() << QStringList()
            << QStringList{QStringLiteral("features:InputLayer:(None, 16):0"),
                           QStringLiteral("dense:Dense:(None, 8):136"),
                           QStringLiteral("batch_normalization:BatchNormalization:(None, 8):32"),
                           QStringLiteral("dense_1:Dense:(None, 2):18")};
        QTest::newRow("imported names with aliases")
            << QStringLiteral("from keras.layers import Dense as D, Dropout as Drop, Input\n"
                              "from keras.models import Model as M\n"
                              "def make(n_in=12, n_out=3):\n"
                              "    a = Input((n_in,))\n"
                              "    h = D(2 * 16, activation='relu')(a)\n"
                              "    h = Drop(rate=0.25)(h)\n"
                              "    return M(a, D(n_out, activation='softmax')(h))\n")
            << QString() << QStringList()
            << QStringList{QStringLiteral("input_1:InputLayer:(None, 12):0"),
                           QStringLiteral("dense:Dense:(None, 32):416"), QStringLiteral("dropout:Dropout:(None, 32):0"),
                           QStringLiteral("dense_1:Dense:(None, 3):99")};
        QTest::newRow("a lone layer line is ignored, reported, and still takes its name")
            << QStringLiteral("import tensorflow as tf\n"
                              "def build():\n"
                              "    model = tf.keras.Sequential()\n"
                              "    model.add(tf.keras.layers.Dense(4, input_dim=3))\n"
                              "    tf.keras.layers.Dropout(0.5)\n"
                              "    model.add(tf.keras.layers.Dropout(0.2))\n"
                              "    model.add(tf.keras.layers.Dense(1))\n"
                              "    return model\n")
            << QString() << QStringList()
            << QStringList{QStringLiteral("dense_input:InputLayer:(None, 3):0"),
                           QStringLiteral("dense:Dense:(None, 4):16"), QStringLiteral("dropout_1:Dropout:(None, 4):0"),
                           QStringLiteral("dense_1:Dense:(None, 1):5"),
                           QStringLiteral("note:line 5: a Dropout layer is created but never called or added")};
        QTest::newRow("unresolvable parameter is a question naming it and its line")
            << QStringLiteral("from tensorflow.keras.layers import Dense, Input\n"
                              "from tensorflow.keras.models import Model\n"
                              "\n"
                              "def build(num_classes):\n"
                              "    i = Input(shape=(10,))\n"
                              "    return Model(i, Dense(num_classes)(i))\n")
            << QString() << QStringList()
            << QStringList{
                   QStringLiteral("question:line 6: layer 'dense' (Dense) units: `num_classes` (a parameter of build, "
                                  "line 4) cannot be evaluated and the weights do not determine it; give it with "
                                  "--set num_classes=VALUE")};
        QTest::newRow("--set answers the question")
            << QStringLiteral("from tensorflow.keras.layers import Dense, Input\n"
                              "from tensorflow.keras.models import Model\n"
                              "def build(num_classes):\n"
                              "    i = Input(shape=(10,))\n"
                              "    return Model(i, Dense(num_classes)(i))\n")
            << QString() << QStringList{QStringLiteral("num_classes=7")}
            << QStringList{QStringLiteral("input_1:InputLayer:(None, 10):0"),
                           QStringLiteral("dense:Dense:(None, 7):77")};
        QTest::newRow("data-dependent input shape comes from --input-shape")
            << QStringLiteral("import numpy as np\nfrom tensorflow import keras\n"
                              "X = np.load('x.npy')\n"
                              "model = keras.Sequential()\n"
                              "model.add(keras.layers.LSTM(6, input_shape=(X.shape[1], X.shape[2])))\n"
                              "model.add(keras.layers.Dense(1, activation='sigmoid'))\n")
            << QStringLiteral("None,5") << QStringList()
            << QStringList{QStringLiteral("lstm_input:InputLayer:(None, None, 5):0"),
                           QStringLiteral("lstm:LSTM:(None, 6):288"), QStringLiteral("dense:Dense:(None, 1):7")};
        QTest::newRow("not Python: syntax error with its line")
            << QStringLiteral("from keras.layers import Dense\n\nmodel = Sequential(\n    Dense(3\nprint 'done'\n")
            << QString() << QStringList()
            << QStringList{QStringLiteral("error:is not valid Python 3: '(' was never closed at line 4")};
        QTest::newRow("Python 2 print statement")
            << QStringLiteral("print 'building'\n") << QString() << QStringList()
            << QStringList{QStringLiteral("error:is not valid Python 3: Missing parentheses in call to 'print'")};
        QTest::newRow("helper function, loop and f-string names")
            << QStringLiteral("from tensorflow.keras import layers, Model, Input\n"
                              "def block(x, filters, i):\n"
                              "    x = layers.Conv2D(filters, 3, padding='same', name=f'conv{i}')(x)\n"
                              "    x = layers.BatchNormalization()(x)\n"
                              "    return layers.MaxPool2D()(x)\n"
                              "def build(shape=(32, 32, 3), classes=5):\n"
                              "    inp = Input(shape)\n"
                              "    x = inp\n"
                              "    for i, f in enumerate([8, 16]):\n"
                              "        x = block(x, f, i)\n"
                              "    x = layers.GlobalAveragePooling2D()(x)\n"
                              "    return Model(inp, layers.Dense(classes, activation='softmax')(x))\n")
            << QString() << QStringList()
            << QStringList{QStringLiteral("input_1:InputLayer:(None, 32, 32, 3):0"),
                           QStringLiteral("conv0:Conv2D:(None, 32, 32, 8):224"),
                           QStringLiteral("batch_normalization:BatchNormalization:(None, 32, 32, 8):32"),
                           QStringLiteral("max_pooling2d:MaxPooling2D:(None, 16, 16, 8):0"),
                           QStringLiteral("conv1:Conv2D:(None, 16, 16, 16):1168"),
                           QStringLiteral("batch_normalization_1:BatchNormalization:(None, 16, 16, 16):64"),
                           QStringLiteral("max_pooling2d_1:MaxPooling2D:(None, 8, 8, 16):0"),
                           QStringLiteral("global_average_pooling2d:GlobalAveragePooling2D:(None, 16):0"),
                           QStringLiteral("dense:Dense:(None, 5):85")};
        QTest::newRow("two branches merged, Keras's layer order")
            << QStringLiteral("from keras.layers import Input, Dense, concatenate\nfrom keras.models import Model\n"
                              "a = Input(shape=(4,))\nb = Input(shape=(6,))\n"
                              "x = Dense(3)(a)\ny = Dense(2)(b)\n"
                              "m = concatenate([x, y])\n"
                              "model = Model([a, b], Dense(1)(m))\n")
            << QString() << QStringList()
            << QStringList{QStringLiteral("input_1:InputLayer:(None, 4):0"),
                           QStringLiteral("input_2:InputLayer:(None, 6):0"),
                           QStringLiteral("dense:Dense:(None, 3):15"),
                           QStringLiteral("dense_1:Dense:(None, 2):14"),
                           QStringLiteral("concatenate:Concatenate:(None, 5):0"),
                           QStringLiteral("dense_2:Dense:(None, 1):6")};
        QTest::newRow("nested regularizers, initializers and constraints are written, not run")
            << QStringLiteral(
                   "from tensorflow.keras import layers, regularizers, initializers, constraints, Sequential\n"
                   "model = Sequential([layers.Dense(5, input_shape=(3,), kernel_regularizer=regularizers.l2(1e-4),\n"
                   "                                 kernel_initializer=initializers.HeNormal(seed=1),\n"
                   "                                 kernel_constraint=constraints.max_norm(3),\n"
                   "                                 bias_initializer='ones')])\n")
            << QString() << QStringList()
            << QStringList{QStringLiteral("dense_input:InputLayer:(None, 3):0"),
                           QStringLiteral("dense:Dense:(None, 5):20")};
        QTest::newRow("star import and Embedding/LSTM text model")
            << QStringLiteral("from keras.layers import *\nfrom keras.models import Sequential\n"
                              "vocab, maxlen = 1000, 20\n"
                              "model = Sequential()\n"
                              "model.add(Embedding(vocab, 16, input_length=maxlen))\n"
                              "model.add(Bidirectional(LSTM(8, return_sequences=True)))\n"
                              "model.add(GRU(4))\n"
                              "model.add(Dense(2, activation='softmax'))\n")
            << QString() << QStringList()
            << QStringList{QStringLiteral("embedding_input:InputLayer:(None, 20):0"),
                           QStringLiteral("embedding:Embedding:(None, 20, 16):16000"),
                           QStringLiteral("bidirectional:Bidirectional:(None, 20, 16):1600"),
                           QStringLiteral("gru:GRU:(None, 4):264"), QStringLiteral("dense:Dense:(None, 2):10")};
        QTest::newRow("TensorFlow op on a tensor is a clear error")
            << QStringLiteral("import tensorflow as tf\n"
                              "i = tf.keras.Input((8,))\n"
                              "x = tf.keras.layers.Dense(4)(i)\n"
                              "y = tf.keras.layers.Dense(4)(x + 1)\n"
                              "m = tf.keras.Model(i, y)\n")
            << QString() << QStringList()
            << QStringList{QStringLiteral("error:line 4: `tf.keras.layers.Dense(4)(x + 1)` is applied to")};
        QTest::newRow("subclassed model is refused with the reason")
            << QStringLiteral("import tensorflow as tf\n"
                              "class Net(tf.keras.Model):\n"
                              "    def __init__(self):\n"
                              "        super().__init__()\n"
                              "        self.d = tf.keras.layers.Dense(3)\n"
                              "    def call(self, x):\n"
                              "        return self.d(x)\n")
            << QString() << QStringList()
            << QStringList{QStringLiteral("error:Net (line 2) is a subclassed Keras model")};
        QTest::newRow("unknown branch condition that builds layers asks")
            << QStringLiteral("from keras.layers import Dense\nfrom keras.models import Sequential\n"
                              "def build(deep):\n"
                              "    m = Sequential([Dense(4, input_shape=(2,))])\n"
                              "    if deep:\n"
                              "        m.add(Dense(4))\n"
                              "    return m\n")
            << QString() << QStringList()
            << QStringList{QStringLiteral("error:line 5: the condition `deep` cannot be evaluated")};
        QTest::newRow("a method of a class, self attributes from __init__, --set for them")
            << QStringLiteral("from keras.models import Sequential\nfrom keras.layers import Dense, Conv2D, Flatten, "
                              "MaxPooling2D, Dropout\n"
                              "class NeuralNetwork:\n"
                              "    def __init__(self, kernel_size, activation, dropout, input_shape, output_labels):\n"
                              "        self.kernel_size = kernel_size\n"
                              "        self.activation = activation\n"
                              "        self.dropout = dropout\n"
                              "        self.input_shape = input_shape\n"
                              "        self.output_labels = output_labels\n"
                              "    def create_model(self):\n"
                              "        model = Sequential()\n"
                              "        model.add(Conv2D(4, kernel_size=self.kernel_size, activation=self.activation, "
                              "input_shape=self.input_shape))\n"
                              "        model.add(Dropout(self.dropout))\n"
                              "        model.add(Flatten())\n"
                              "        model.add(Dense(self.output_labels, activation='softmax'))\n"
                              "        return model\n")
            << QStringLiteral("6,6,1")
            << QStringList{QStringLiteral("kernel_size=(3, 3)"), QStringLiteral("activation=relu"),
                           QStringLiteral("dropout=0.5"), QStringLiteral("output_labels=2")}
            << QStringList{QStringLiteral("conv2d_input:InputLayer:(None, 6, 6, 1):0"),
                           QStringLiteral("conv2d:Conv2D:(None, 4, 4, 4):40"),
                           QStringLiteral("dropout:Dropout:(None, 4, 4, 4):0"),
                           QStringLiteral("flatten:Flatten:(None, 64):0"),
                           QStringLiteral("dense:Dense:(None, 2):130"),
                           QStringLiteral("note:read NeuralNetwork.create_model()")};
        QTest::newRow("Keras 1 arguments are converted as Keras 2 did")
            << QStringLiteral(
                   "from keras.models import Sequential\nfrom keras.layers import Convolution2D, MaxPooling2D, "
                   "Flatten, Dense, Dropout\n"
                   "model = Sequential()\n"
                   "model.add(Convolution2D(8, 3, 3, border_mode='same', input_shape=(10, 10, 1), init='he_normal'))\n"
                   "model.add(MaxPooling2D(pool_size=(2, 2)))\n"
                   "model.add(Dropout(p=0.25))\n"
                   "model.add(Flatten())\n"
                   "model.add(Dense(output_dim=3, activation='softmax'))\n")
            << QString() << QStringList()
            << QStringList{QStringLiteral("conv2d_input:InputLayer:(None, 10, 10, 1):0"),
                           QStringLiteral("conv2d:Conv2D:(None, 10, 10, 8):80"),
                           QStringLiteral("max_pooling2d:MaxPooling2D:(None, 5, 5, 8):0"),
                           QStringLiteral("dropout:Dropout:(None, 5, 5, 8):0"),
                           QStringLiteral("flatten:Flatten:(None, 200):0"),
                           QStringLiteral("dense:Dense:(None, 3):603"),
                           QStringLiteral("note:uses Keras 1 arguments")};
        QTest::newRow("configuration class, user config module, model.build")
            << QStringLiteral("import tensorflow as tf\nimport params\nfrom settings import N_HIDDEN\n"
                              "class Config:\n    CLASSES = ['a', 'b', 'c']\n    DROP = 0.1\n"
                              "def build():\n"
                              "    m = tf.keras.Sequential()\n"
                              "    m.add(tf.keras.layers.Dense(N_HIDDEN))\n"
                              "    m.add(tf.keras.layers.Dropout(Config.DROP))\n"
                              "    m.add(tf.keras.layers.Dense(len(Config.CLASSES), activation=params.ACT))\n"
                              "    m.build((None, params.N_FEATURES))\n"
                              "    return m\n")
            << QStringLiteral("12") << QStringList{QStringLiteral("N_HIDDEN=5"), QStringLiteral("ACT=softmax")}
            << QStringList{QStringLiteral("dense_input:InputLayer:(None, 12):0"),
                           QStringLiteral("dense:Dense:(None, 5):65"), QStringLiteral("dropout:Dropout:(None, 5):0"),
                           QStringLiteral("dense_1:Dense:(None, 3):18")};
        QTest::newRow("a keras.applications base is named as the cause")
            << QStringLiteral(
                   "import tensorflow as tf\nfrom tensorflow.keras import layers\n"
                   "def build(num_classes=3):\n"
                   "    base = tf.keras.applications.MobileNetV2(input_shape=(96, 96, 3), include_top=False)\n"
                   "    base.trainable = False\n"
                   "    inputs = tf.keras.Input(shape=(96, 96, 3))\n"
                   "    x = base(inputs, training=False)\n"
                   "    x = layers.GlobalAveragePooling2D()(x)\n"
                   "    return tf.keras.Model(inputs, layers.Dense(num_classes)(x))\n")
            << QString() << QStringList()
            << QStringList{QStringLiteral("error:line 8: `layers.GlobalAveragePooling2D()(x)` is applied to "
                                          "`tf.keras.applications.MobileNetV2(input_shape=(96, 96, 3), include_…`, a "
                                          "pre-built keras.applications model")};
        QTest::newRow("Lambda layers are named as unsupported")
            << QStringLiteral("import tensorflow as tf\ni = tf.keras.Input((4,))\n"
                              "m = tf.keras.Model(i, tf.keras.layers.Lambda(lambda t: t * 2)(i))\n")
            << QString() << QStringList()
            << QStringList{QStringLiteral("error:line 3: Lambda is a Keras layer Graft cannot write a config for")};
        QTest::newRow("a shared layer is called twice")
            << QStringLiteral("from keras.layers import Input, Dense, Add\nfrom keras.models import Model\n"
                              "a, b = Input((3,)), Input((3,))\n"
                              "shared = Dense(2)\n"
                              "model = Model([a, b], Add()([shared(a), shared(b)]))\n")
            << QString() << QStringList()
            << QStringList{QStringLiteral("input_1:InputLayer:(None, 3):0"),
                           QStringLiteral("input_2:InputLayer:(None, 3):0"), QStringLiteral("dense:Dense:(None, 2):8"),
                           QStringLiteral("add:Add:(None, 2):0")};
    }

    void snippets()
    {
        QFETCH(QString, code);
        QFETCH(QString, inputShape);
        QFETCH(QStringList, bindings);
        QFETCH(QStringList, expected);
        CodeReadOptions options;
        if (!inputShape.isEmpty())
            options.inputShape = *KerasCodeReader::parseShape(inputShape);
        options.bindings = *KerasCodeReader::parseBindings(bindings);
        auto draft = KerasCodeReader::read(code.toUtf8(), QStringLiteral("model.py"), options, {});
        QStringList rows, notes;
        for (const QString &e : expected) {
            if (e.startsWith(QLatin1String("error:"))) {
                QVERIFY2(!draft, "expected an error");
                QVERIFY2(draft.errorString().contains(e.mid(6)), qPrintable(draft.errorString()));
                // One cause, told once: layers downstream of it do not repeat it.
                QVERIFY2(!draft.errorString().contains(QStringLiteral("see the error above")),
                         qPrintable(draft.errorString()));
                return;
            }
            if (e.startsWith(QLatin1String("question:"))) {
                QVERIFY2(draft, qPrintable(draft.errorString()));
                QVERIFY2(draft->questions().contains(e.mid(9)), qPrintable(draft->questions().join(QLatin1Char('\n'))));
                return;
            }
            if (e.startsWith(QLatin1String("note:")))
                notes << e.mid(5);
            else
                rows << e;
        }
        QVERIFY2(draft, qPrintable(draft.errorString()));
        QVERIFY2(draft->isConsistent(), qPrintable((draft->questions() + draft->issues()).join(QLatin1Char('\n'))));
        QCOMPARE(listing(*draft), rows);
        for (const QString &note : notes)
            QVERIFY2(draft->notes().join(QLatin1Char('\n')).contains(note),
                     qPrintable(draft->notes().join(QLatin1Char('\n'))));
        // Whatever was read reopens as the same model.
        auto reopened = ArchitectureDraft::fromKerasJson(draft->toJson(), QStringLiteral("roundtrip"));
        QVERIFY2(reopened, qPrintable(reopened.errorString()));
        QCOMPARE(listing(*reopened), listing(*draft));
    }

    void serialisedConfigs()
    {
        const QByteArray code =
            "from tensorflow.keras import layers, regularizers, initializers, Sequential\n"
            "model = Sequential([layers.Dense(5, input_shape=(3,), kernel_regularizer=regularizers.l2(1e-4),\n"
            "                                 kernel_initializer=initializers.HeNormal(seed=1),\n"
            "                                 bias_initializer='ones', activation=None),\n"
            "                    layers.Conv1D(2, 3) if False else layers.Dropout(0.1)])\n";
        auto draft = KerasCodeReader::read(code, QStringLiteral("model.py"), {}, {});
        QVERIFY2(draft, qPrintable(draft.errorString()));
        const QJsonObject dense = draft->row(1).config;
        QCOMPARE(dense.value(QStringLiteral("kernel_regularizer")).toObject(),
                 (QJsonObject{{QStringLiteral("class_name"), QStringLiteral("L1L2")},
                              {QStringLiteral("config"),
                               QJsonObject{{QStringLiteral("l1"), 0.0}, {QStringLiteral("l2"), 1e-4}}}}));
        QCOMPARE(dense.value(QStringLiteral("kernel_initializer")).toObject(),
                 (QJsonObject{{QStringLiteral("class_name"), QStringLiteral("HeNormal")},
                              {QStringLiteral("config"), QJsonObject{{QStringLiteral("seed"), 1}}}}));
        QCOMPARE(
            dense.value(QStringLiteral("bias_initializer")).toObject().value(QStringLiteral("class_name")).toString(),
            QStringLiteral("Ones"));
        QCOMPARE(dense.value(QStringLiteral("activation")).toString(), QStringLiteral("linear"));
        QCOMPARE(draft->row(2).className, QStringLiteral("Dropout"));
        // Every Keras 2 key is present: model_from_json needs nothing else.
        for (const char *key :
             {"units", "use_bias", "bias_constraint", "activity_regularizer", "trainable", "dtype", "name"})
            QVERIFY2(dense.contains(QLatin1String(key)), key);
        QCOMPARE(draft->toKerasJson().value(QStringLiteral("class_name")).toString(), QStringLiteral("Sequential"));
        QCOMPARE(draft->toKerasJson()
                     .value(QStringLiteral("config"))
                     .toObject()
                     .value(QStringLiteral("layers"))
                     .toArray()
                     .at(0)
                     .toObject()
                     .value(QStringLiteral("config"))
                     .toObject()
                     .value(QStringLiteral("batch_input_shape"))
                     .toArray(),
                 (QJsonArray{QJsonValue(), 3}));
    }

    void chooseTheFunctionThatFitsTheWeights()
    {
        const QByteArray code = "from keras.layers import Dense\nfrom keras.models import Sequential\n"
                                "def small():\n    return Sequential([Dense(2, input_shape=(4,))])\n"
                                "def large():\n    return Sequential([Dense(3, input_shape=(4,))])\n";
        const WeightsOutline outline = archtest::outlineFromText(QStringLiteral("dense:kernel=4x3,bias=3"));
        auto draft = KerasCodeReader::read(code, QStringLiteral("model.py"), {}, outline);
        QVERIFY2(draft, qPrintable(draft.errorString()));
        QVERIFY(draft->isConsistent());
        QVERIFY2(draft->notes().join(QLatin1Char('\n')).contains(QStringLiteral("read large() in model.py")),
                 qPrintable(draft->notes().join(QLatin1Char('\n'))));
    }

    void takesTheWeightsFilesNames()
    {
        // The code ran in a session that had built a model before: its layers were conv2d_2, dense_1, …
        const QByteArray code =
            "from keras import layers, Sequential\n"
            "model = Sequential([layers.Conv2D(4, 3, input_shape=(8, 8, 1)), layers.Flatten(), layers.Dense(2)])\n";
        const WeightsOutline outline = archtest::outlineFromText(
            QStringLiteral("conv2d_2:kernel=3x3x1x4,bias=4; flatten_1; dense_1:kernel=144x2,bias=2"));
        auto draft = KerasCodeReader::read(code, QStringLiteral("model.py"), {}, outline);
        QVERIFY2(draft, qPrintable(draft.errorString()));
        QVERIFY2(draft->isConsistent(), qPrintable(draft->issues().join(QLatin1Char('\n'))));
        QCOMPARE(draft->row(1).name, QStringLiteral("conv2d_2"));
        QCOMPARE(draft->row(3).name, QStringLiteral("dense_1"));
        QVERIFY(draft->notes().join(QLatin1Char('\n')).contains(QStringLiteral("conv2d → conv2d_2")));
    }

    void literalThatContradictsTheWeightsIsAnIssueOnItsRow()
    {
        const QByteArray code = "from keras import layers, Sequential\n"
                                "model = Sequential([layers.Dense(8, input_shape=(4,)), layers.Dense(3)])\n";
        const WeightsOutline outline =
            archtest::outlineFromText(QStringLiteral("dense:kernel=4x8,bias=8; dense_1:kernel=8x5,bias=5"));
        auto draft = KerasCodeReader::read(code, QStringLiteral("model.py"), {}, outline);
        QVERIFY2(draft, qPrintable(draft.errorString()));
        QVERIFY(!draft->isConsistent());
        QVERIFY(draft->row(1).issues.isEmpty());
        QCOMPARE(draft->row(2).issues.size(), 1);
        QVERIFY2(draft->row(2).issues.front().contains(QStringLiteral("kernel (8, 5)")),
                 qPrintable(draft->row(2).issues.front()));
    }

    void helpers()
    {
        QCOMPARE(*KerasCodeReader::parseShape(QStringLiteral("(40, 87, 1)")), (Shape{40, 87, 1}));
        QCOMPARE(*KerasCodeReader::parseShape(QStringLiteral("None,13")), (Shape{-1, 13}));
        QVERIFY(!KerasCodeReader::parseShape(QStringLiteral("40,zero")));
        QCOMPARE(KerasCodeReader::splitCodeSpec(QStringLiteral("dir/model.py:build")),
                 (std::pair<QString, QString>{QStringLiteral("dir/model.py"), QStringLiteral("build")}));
        QCOMPARE(KerasCodeReader::splitCodeSpec(QStringLiteral("model.py")).second, QString());
        const auto b = *KerasCodeReader::parseBindings({QStringLiteral("a=(3, 3)"), QStringLiteral("b=True"),
                                                        QStringLiteral("c=relu"), QStringLiteral("d='same'")});
        QCOMPARE(b.value(QStringLiteral("a")).toArray(), (QJsonArray{3, 3}));
        QCOMPARE(b.value(QStringLiteral("b")), QJsonValue(true));
        QCOMPARE(b.value(QStringLiteral("c")), QJsonValue(QStringLiteral("relu")));
        QCOMPARE(b.value(QStringLiteral("d")), QJsonValue(QStringLiteral("same")));
        QVERIFY(!KerasCodeReader::parseBindings({QStringLiteral("=3")}));
    }
};

GRAFT_TEST_APPLESS_MAIN(TestKerasCodeReader)
#include "tst_kerascodereader.moc"
