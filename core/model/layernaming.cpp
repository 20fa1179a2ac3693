#include "core/model/layernaming.h"

#include <QHash>
#include <QRegularExpression>
#include <QStringList>

namespace graft {

QString kerasSnakeCase(const QString &className)
{
    // keras.src.utils.naming.to_snake_case (the same rule tf.keras uses for default names).
    static const QRegularExpression nonWord(QStringLiteral("\\W+"));
    static const QRegularExpression first(QStringLiteral("(.)([A-Z][a-z]+)"));
    static const QRegularExpression second(QStringLiteral("([a-z])([A-Z])"));
    QString name = className;
    name.remove(nonWord);
    name.replace(first, QStringLiteral("\\1_\\2"));
    name.replace(second, QStringLiteral("\\1_\\2"));
    return name.toLower();
}

QString guessLayerClassFromName(const QString &layerName)
{
    static const QHash<QString, QString> bySnake = [] {
        const QStringList classes = {
            "Dense", "Conv1D", "Conv2D", "Conv3D", "DepthwiseConv2D", "SeparableConv2D", "Conv2DTranspose",
            "MaxPooling1D", "MaxPooling2D", "AveragePooling1D", "AveragePooling2D", "GlobalAveragePooling1D",
            "GlobalAveragePooling2D", "GlobalMaxPooling1D", "GlobalMaxPooling2D", "ZeroPadding1D", "ZeroPadding2D",
            "Cropping1D", "Cropping2D", "UpSampling1D", "UpSampling2D", "Flatten", "Reshape", "Permute", "RepeatVector",
            "Dropout", "SpatialDropout1D", "SpatialDropout2D", "GaussianNoise", "GaussianDropout", "Activation",
            "LeakyReLU", "PReLU", "ELU", "ReLU", "ThresholdedReLU", "Softmax", "BatchNormalization",
            "LayerNormalization", "Embedding", "SimpleRNN", "LSTM", "GRU", "Bidirectional", "TimeDistributed", "Add",
            "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate", "Dot", "Rescaling", "Normalization",
            "InputLayer", "Sequential", "Functional", "Model",
            // QKeras, recognised so that it can be reported as unsupported by name.
            "QConv1D", "QConv2D", "QDense", "QActivation", "QBatchNormalization", "QDepthwiseConv2D",
            "QSeparableConv2D", "QAveragePooling2D", "QSimpleRNN", "QLSTM", "QGRU"};
        QHash<QString, QString> map;
        for (const QString &c : classes)
            map.insert(kerasSnakeCase(c), c);
        map.insert(QStringLiteral("input"), QStringLiteral("InputLayer")); // tf.keras "input_1"
        map.insert(QStringLiteral("model"), QStringLiteral("Functional"));
        return map;
    }();
    static const QRegularExpression suffix(QStringLiteral("_\\d+$"));
    QString base = layerName.section(QLatin1Char('/'), -1);
    base.remove(suffix);
    return bySnake.value(base);
}

} // namespace graft
