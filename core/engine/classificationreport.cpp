#include "core/engine/classificationreport.h"

#include <QJsonArray>
#include <QTextStream>

#include <cmath>

namespace graft {

Expected<std::vector<std::int64_t>> ClassificationReport::labelsFromArray(const NpyArray &y)
{
    const std::vector<std::int64_t> &shape = y.shape();
    if (shape.size() == 2 && shape[1] > 1) {
        // One-hot (or probability) rows: the class is the argmax, as Keras's categorical accuracy takes it.
        const std::vector<double> values = y.toFloat64();
        std::vector<std::int64_t> labels;
        for (std::int64_t i = 0; i < shape[0]; ++i) {
            std::int64_t best = 0;
            for (std::int64_t c = 1; c < shape[1]; ++c)
                if (values[std::size_t(i * shape[1] + c)] > values[std::size_t(i * shape[1] + best)])
                    best = c;
            labels.push_back(best);
        }
        return labels;
    }
    if (shape.size() != 1 && !(shape.size() == 2 && shape[1] == 1))
        return makeError(
            QStringLiteral("labels of shape %1: expected class indices (N,) or (N, 1), or one-hot rows (N, C)")
                .arg(npyShapeString(shape)));
    auto labels = y.toInt64();
    if (!labels)
        return makeError(QStringLiteral("the labels are not class indices: %1").arg(labels.errorString()));
    return labels;
}

Expected<ClassificationReport> ClassificationReport::compute(const TensorData &outputs,
                                                             const std::vector<std::int64_t> &labels,
                                                             const QStringList &classNames)
{
    if (outputs.shape.empty() || outputs.shape.size() > 2)
        return makeError(QStringLiteral("the model's output has shape %1; a classifier's is (samples, classes)")
                             .arg(outputs.shapeString()));
    const std::int64_t n = outputs.shape[0];
    const std::int64_t width = outputs.shape.size() == 2 ? outputs.shape[1] : 1;
    if (std::int64_t(labels.size()) != n)
        return makeError(QStringLiteral("%1 labels for %2 samples").arg(labels.size()).arg(n));
    if (n == 0)
        return makeError(QStringLiteral("there are no samples to evaluate"));
    ClassificationReport r;
    r.samples = n;
    r.classNames = classNames;
    const bool sigmoid = width == 1;
    std::int64_t maxLabel = 0;
    for (std::size_t i = 0; i < labels.size(); ++i) {
        if (labels[i] < 0)
            return makeError(QStringLiteral("sample %1 has the negative label %2").arg(i).arg(labels[i]));
        maxLabel = std::max(maxLabel, labels[i]);
    }
    r.classCount = int(std::max<std::int64_t>({sigmoid ? 2 : width, maxLabel + 1, classNames.size()}));
    if (r.classCount > 100000)
        return makeError(QStringLiteral("label %1 is too large for a class index").arg(maxLabel));
    if (!sigmoid && maxLabel >= width)
        return makeError(
            QStringLiteral("a label is %1, but the model has only %2 output classes").arg(maxLabel).arg(width));
    r.perClassSamples.assign(std::size_t(r.classCount), 0);
    r.perClassCorrect.assign(std::size_t(r.classCount), 0);
    r.confusion.assign(std::size_t(r.classCount), std::vector<std::int64_t>(std::size_t(r.classCount), 0));
    for (std::int64_t i = 0; i < n; ++i) {
        const float *row = outputs.values.data() + i * width;
        std::int64_t predicted = 0;
        if (sigmoid) {
            if (std::isnan(row[0]))
                return makeError(QStringLiteral("the model's output for sample %1 is NaN").arg(i));
            predicted = row[0] > 0.5f ? 1 : 0;
        } else {
            for (std::int64_t c = 0; c < width; ++c) {
                if (std::isnan(row[c]))
                    return makeError(QStringLiteral("the model's output for sample %1 is NaN").arg(i));
                if (row[c] > row[predicted])
                    predicted = c;
            }
        }
        const std::int64_t truth = labels[std::size_t(i)];
        r.predicted.push_back(predicted);
        r.confusion[std::size_t(truth)][std::size_t(predicted)] += 1;
        r.perClassSamples[std::size_t(truth)] += 1;
        if (predicted == truth) {
            r.correct += 1;
            r.perClassCorrect[std::size_t(truth)] += 1;
        }
    }
    r.accuracy = double(r.correct) / double(n);
    return r;
}

double ClassificationReport::classAccuracy(int k) const
{
    const std::int64_t total = perClassSamples.at(std::size_t(k));
    return total == 0 ? -1.0 : double(perClassCorrect.at(std::size_t(k))) / double(total);
}

QJsonObject ClassificationReport::toJson() const
{
    QJsonArray perClass, classes, matrix;
    for (int k = 0; k < classCount; ++k) {
        const double a = classAccuracy(k);
        perClass.append(a < 0 ? QJsonValue() : QJsonValue(a));
        QJsonObject c{{QStringLiteral("index"), k},
                      {QStringLiteral("samples"), double(perClassSamples[std::size_t(k)])},
                      {QStringLiteral("correct"), double(perClassCorrect[std::size_t(k)])},
                      {QStringLiteral("accuracy"), a < 0 ? QJsonValue() : QJsonValue(a)}};
        if (k < classNames.size())
            c.insert(QStringLiteral("name"), classNames.at(k));
        classes.append(c);
        QJsonArray row;
        for (std::int64_t v : confusion[std::size_t(k)])
            row.append(double(v));
        matrix.append(row);
    }
    return QJsonObject{{QStringLiteral("samples"), double(samples)}, {QStringLiteral("correct"), double(correct)},
                       {QStringLiteral("accuracy"), accuracy},       {QStringLiteral("per_class"), perClass},
                       {QStringLiteral("classes"), classes},         {QStringLiteral("confusion"), matrix}};
}

QString ClassificationReport::toText() const
{
    QString text;
    QTextStream s(&text);
    s << "samples: " << samples << '\n';
    s << "accuracy: " << QString::number(accuracy, 'f', 4) << " (" << correct << '/' << samples << ")\n\n";
    int nameWidth = 4;
    for (const QString &name : classNames)
        nameWidth = std::max(nameWidth, int(name.size()));
    s << QStringLiteral("%1  %2  %3  %4  %5\n")
             .arg(QStringLiteral("class"), 5)
             .arg(QStringLiteral("name"), -nameWidth)
             .arg(QStringLiteral("samples"), 7)
             .arg(QStringLiteral("correct"), 7)
             .arg(QStringLiteral("accuracy"), 8);
    for (int k = 0; k < classCount; ++k) {
        const double a = classAccuracy(k);
        s << QStringLiteral("%1  %2  %3  %4  %5\n")
                 .arg(k, 5)
                 .arg(classNames.value(k), -nameWidth)
                 .arg(perClassSamples[std::size_t(k)], 7)
                 .arg(perClassCorrect[std::size_t(k)], 7)
                 .arg(a < 0 ? QStringLiteral("-") : QString::number(a, 'f', 4), 8);
    }
    s << "\nconfusion matrix (rows: true class, columns: predicted class)\n";
    int cell = 3;
    for (const auto &row : confusion)
        for (std::int64_t v : row)
            cell = std::max(cell, int(QString::number(v).size()));
    s << QString(5, QLatin1Char(' '));
    for (int k = 0; k < classCount; ++k)
        s << ' ' << QStringLiteral("%1").arg(k, cell);
    s << '\n';
    for (int k = 0; k < classCount; ++k) {
        s << QStringLiteral("%1").arg(k, 5);
        for (std::int64_t v : confusion[std::size_t(k)])
            s << ' ' << QStringLiteral("%1").arg(v, cell);
        s << '\n';
    }
    return text;
}

} // namespace graft
