#include "core/model/layercatalog.h"

#include <QHash>

namespace graft {

namespace {

/** Class name -> has weights. */
const QHash<QString, bool> &catalog()
{
    static const QHash<QString, bool> classes = [] {
        QHash<QString, bool> c;
        for (const char *name :
             {"Dense", "Conv1D", "Conv2D", "DepthwiseConv1D", "DepthwiseConv2D", "SeparableConv1D", "SeparableConv2D",
              "BatchNormalization", "LayerNormalization", "Normalization", "Embedding", "SimpleRNN", "LSTM", "GRU",
              "CuDNNLSTM", "CuDNNGRU", "Bidirectional", "TimeDistributed", "PReLU"})
            c.insert(QLatin1String(name), true);
        for (const char *name : {"InputLayer",
                                 "MaxPooling1D",
                                 "MaxPooling2D",
                                 "AveragePooling1D",
                                 "AveragePooling2D",
                                 "GlobalAveragePooling1D",
                                 "GlobalAveragePooling2D",
                                 "GlobalMaxPooling1D",
                                 "GlobalMaxPooling2D",
                                 "ZeroPadding1D",
                                 "ZeroPadding2D",
                                 "Cropping1D",
                                 "Cropping2D",
                                 "UpSampling1D",
                                 "UpSampling2D",
                                 "Flatten",
                                 "Reshape",
                                 "Permute",
                                 "RepeatVector",
                                 "Dropout",
                                 "SpatialDropout1D",
                                 "SpatialDropout2D",
                                 "GaussianNoise",
                                 "GaussianDropout",
                                 "AlphaDropout",
                                 "ActivityRegularization",
                                 "Activation",
                                 "LeakyReLU",
                                 "ELU",
                                 "ReLU",
                                 "ThresholdedReLU",
                                 "Softmax",
                                 "Rescaling",
                                 "Add",
                                 "Subtract",
                                 "Multiply",
                                 "Average",
                                 "Maximum",
                                 "Minimum",
                                 "Concatenate",
                                 "Dot"})
            c.insert(QLatin1String(name), false);
        return c;
    }();
    return classes;
}

} // namespace

bool LayerCatalog::knows(const QString &className)
{
    return catalog().contains(className);
}

bool LayerCatalog::hasWeights(const QString &className)
{
    return catalog().value(className, false);
}

} // namespace graft
