#include "core/training/trainingtypes.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

namespace graft {

std::int64_t SampleSet::sampleSize() const
{
    std::int64_t n = 1;
    for (std::size_t i = 1; i < shape.size(); ++i)
        n *= shape[i];
    return n;
}

Expected<void> SampleSet::check(int classCount, const QString &what) const
{
    if (shape.empty() || count() <= 0)
        return makeError(QStringLiteral("the %1 data holds no samples").arg(what));
    if (std::int64_t(values.size()) != count() * sampleSize())
        return makeError(QStringLiteral("the %1 data has %2 values for shape %3")
                             .arg(what)
                             .arg(values.size())
                             .arg(shapeToString(std::vector<std::int64_t>(shape.begin() + 1, shape.end()))));
    if (labels.size() != count())
        return makeError(
            QStringLiteral("the %1 data has %2 samples but %3 labels").arg(what).arg(count()).arg(labels.size()));
    for (int i = 0; i < labels.size(); ++i)
        if (labels[i] < 0 || labels[i] >= classCount)
            return makeError(QStringLiteral("the %1 data: sample %2 has label %3, outside the %4 classes")
                                 .arg(what)
                                 .arg(i)
                                 .arg(labels[i])
                                 .arg(classCount));
    return {};
}

SampleSet SampleSet::subset(const QVector<int> &indices) const
{
    SampleSet out;
    out.shape = shape;
    if (out.shape.empty())
        return out;
    out.shape[0] = indices.size();
    const std::size_t size = std::size_t(sampleSize());
    out.values.resize(size * std::size_t(indices.size()));
    for (int k = 0; k < indices.size(); ++k) {
        std::memcpy(out.values.data() + std::size_t(k) * size, values.data() + std::size_t(indices[k]) * size,
                    size * sizeof(float));
        out.labels.append(labels.value(indices[k]));
    }
    return out;
}

QString optimizerName(OptimizerKind kind)
{
    switch (kind) {
    case OptimizerKind::Adam: return QStringLiteral("adam");
    case OptimizerKind::Sgd: return QStringLiteral("sgd");
    case OptimizerKind::RmsProp: return QStringLiteral("rmsprop");
    }
    return QString();
}

std::optional<OptimizerKind> optimizerFromName(const QString &name)
{
    for (OptimizerKind k : {OptimizerKind::Adam, OptimizerKind::Sgd, OptimizerKind::RmsProp})
        if (name.trimmed().toLower() == optimizerName(k))
            return k;
    return std::nullopt;
}

double OptimizerSettings::defaultLearningRate(OptimizerKind kind)
{
    return kind == OptimizerKind::Sgd ? 0.01 : 0.001;
}

QString trainPresetName(TrainPreset preset)
{
    switch (preset) {
    case TrainPreset::HeadOnly: return QStringLiteral("head");
    case TrainPreset::All: return QStringLiteral("all");
    case TrainPreset::FromLayer: return QStringLiteral("from");
    case TrainPreset::Custom: return QStringLiteral("custom");
    }
    return QString();
}

Expected<TrainableSelection> TrainableSelection::parse(const QString &text)
{
    TrainableSelection s;
    const QString t = text.trimmed();
    if (t == QLatin1String("head")) {
        s.preset = TrainPreset::HeadOnly;
    } else if (t == QLatin1String("all")) {
        s.preset = TrainPreset::All;
    } else if (t == QLatin1String("custom")) {
        s.preset = TrainPreset::Custom;
    } else if (t.startsWith(QLatin1String("from:")) && t.size() > 5) {
        s.preset = TrainPreset::FromLayer;
        s.fromLayer = t.mid(5);
    } else {
        return makeError(
            QStringLiteral("'%1' is not a training selection: use head, all, custom or from:LAYER").arg(text));
    }
    return s;
}

std::optional<double> EpochRecord::metric(const QString &name) const
{
    if (name == QLatin1String("loss"))
        return loss;
    if (name == QLatin1String("accuracy") || name == QLatin1String("acc"))
        return accuracy;
    if (!hasValidation)
        return std::nullopt;
    if (name == QLatin1String("val_loss"))
        return valLoss;
    if (name == QLatin1String("val_accuracy") || name == QLatin1String("val_acc"))
        return valAccuracy;
    return std::nullopt;
}

ClassificationReport ClassificationReport::fromScores(const std::vector<float> &scores, int classCount,
                                                      const QVector<int> &labels, bool scoresAreProbabilities)
{
    ClassificationReport report;
    const std::int64_t n = labels.size();
    report.samples = n;
    report.confusion = QVector<QVector<int>>(classCount, QVector<int>(classCount, 0));
    if (classCount <= 0 || std::int64_t(scores.size()) != n * classCount) {
        report.loss = std::numeric_limits<double>::quiet_NaN();
        return report;
    }
    double lossSum = 0.0;
    std::int64_t correct = 0;
    for (std::int64_t i = 0; i < n; ++i) {
        const float *row = scores.data() + i * classCount;
        const int predicted = int(std::max_element(row, row + classCount) - row);
        const int label = labels[int(i)];
        if (label < 0 || label >= classCount)
            continue;
        report.confusion[label][predicted] += 1;
        correct += predicted == label ? 1 : 0;
        if (scoresAreProbabilities) {
            // Keras normalizes the rows, then clips to [eps, 1 - eps] before the log.
            double total = 0.0;
            for (int c = 0; c < classCount; ++c)
                total += row[c];
            const double p = std::clamp(double(row[label]) / (total > 0 ? total : 1.0), 1e-7, 1.0 - 1e-7);
            lossSum -= std::log(p);
        } else {
            const double top = row[predicted];
            double sum = 0.0;
            for (int c = 0; c < classCount; ++c)
                sum += std::exp(double(row[c]) - top);
            lossSum -= double(row[label]) - top - std::log(sum);
        }
    }
    report.loss = n > 0 ? lossSum / double(n) : std::numeric_limits<double>::quiet_NaN();
    report.accuracy = n > 0 ? double(correct) / double(n) : 0.0;
    for (int c = 0; c < classCount; ++c) {
        int total = 0;
        for (int v : report.confusion[c])
            total += v;
        report.perClassAccuracy.append(total > 0 ? double(report.confusion[c][c]) / total
                                                 : std::numeric_limits<double>::quiet_NaN());
    }
    return report;
}

std::optional<double> ClassificationReport::accuracyOver(const QVector<QVector<int>> &confusion,
                                                         const QVector<int> &classes)
{
    std::int64_t total = 0, correct = 0;
    for (int c : classes) {
        if (c < 0 || c >= confusion.size())
            continue;
        for (int v : confusion[c])
            total += v;
        correct += confusion[c][c];
    }
    if (total == 0)
        return std::nullopt;
    return double(correct) / double(total);
}

QString stopReasonText(StopReason reason)
{
    switch (reason) {
    case StopReason::Completed: return QStringLiteral("completed");
    case StopReason::EarlyStopping: return QStringLiteral("stopped early");
    case StopReason::Cancelled: return QStringLiteral("cancelled");
    case StopReason::NonFiniteLoss: return QStringLiteral("stopped: the loss became NaN or infinite");
    }
    return QString();
}

} // namespace graft
