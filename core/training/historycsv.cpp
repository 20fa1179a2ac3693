#include "core/training/historycsv.h"

#include <QFile>
#include <QJsonObject>

#include <cmath>

namespace graft {

Expected<QVector<EpochRecord>> HistoryCsv::read(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return makeError(QStringLiteral("cannot open the history %1: %2").arg(path, file.errorString()));
    if (file.size() > 64 * 1024 * 1024)
        return makeError(QStringLiteral("%1 is too large to be a training history").arg(path));
    const QStringList lines = QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    if (lines.isEmpty())
        return QVector<EpochRecord>();
    const QStringList header = lines.front().trimmed().split(QLatin1Char(','));
    auto column = [&](std::initializer_list<const char *> names) {
        for (const char *name : names)
            if (int i = header.indexOf(QLatin1String(name)); i >= 0)
                return i;
        return -1;
    };
    const int epochCol = column({"epoch"});
    const int lossCol = column({"loss"});
    const int accCol = column({"accuracy", "acc"});
    const int valLossCol = column({"val_loss"});
    const int valAccCol = column({"val_accuracy", "val_acc"});
    const int lrCol = column({"lr", "learning_rate"});
    if (epochCol < 0 || lossCol < 0)
        return makeError(
            QStringLiteral("%1 is not a training history: its header has no epoch and loss columns").arg(path));
    QVector<EpochRecord> history;
    for (int l = 1; l < lines.size(); ++l) {
        const QStringList cells = lines.at(l).trimmed().split(QLatin1Char(','));
        auto value = [&](int col, double fallback, bool *present = nullptr) {
            bool ok = false;
            const double v = col >= 0 ? cells.value(col).toDouble(&ok) : fallback;
            if (present)
                *present = ok;
            return ok ? v : fallback;
        };
        EpochRecord r;
        bool epochOk = false;
        r.epoch = cells.value(epochCol).toInt(&epochOk);
        if (!epochOk)
            return makeError(QStringLiteral("%1, line %2: '%3' is not an epoch number")
                                 .arg(path)
                                 .arg(l + 1)
                                 .arg(cells.value(epochCol)));
        r.loss = value(lossCol, std::nan(""));
        r.accuracy = value(accCol, std::nan(""));
        bool hasValLoss = false;
        r.valLoss = value(valLossCol, 0.0, &hasValLoss);
        r.valAccuracy = value(valAccCol, 0.0);
        r.hasValidation = hasValLoss && !std::isnan(r.valLoss);
        r.learningRate = value(lrCol, 0.0);
        history.append(r);
    }
    return history;
}

QJsonArray HistoryCsv::toJson(const QVector<EpochRecord> &history)
{
    QJsonArray out;
    for (const EpochRecord &r : history) {
        QJsonObject o{{QStringLiteral("epoch"), r.epoch},       {QStringLiteral("loss"), r.loss},
                      {QStringLiteral("accuracy"), r.accuracy}, {QStringLiteral("lr"), r.learningRate},
                      {QStringLiteral("seconds"), r.seconds},   {QStringLiteral("phase"), r.phase}};
        if (r.hasValidation) {
            o.insert(QStringLiteral("val_loss"), r.valLoss);
            o.insert(QStringLiteral("val_accuracy"), r.valAccuracy);
        }
        out.append(o);
    }
    return out;
}

QVector<EpochRecord> HistoryCsv::fromJson(const QJsonArray &json)
{
    QVector<EpochRecord> history;
    for (const QJsonValue &v : json) {
        const QJsonObject o = v.toObject();
        EpochRecord r;
        r.epoch = o.value(QStringLiteral("epoch")).toInt();
        r.loss = o.value(QStringLiteral("loss")).toDouble();
        r.accuracy = o.value(QStringLiteral("accuracy")).toDouble();
        r.learningRate = o.value(QStringLiteral("lr")).toDouble();
        r.seconds = o.value(QStringLiteral("seconds")).toDouble();
        r.phase = o.value(QStringLiteral("phase")).toInt(1);
        r.hasValidation = o.contains(QStringLiteral("val_loss"));
        r.valLoss = o.value(QStringLiteral("val_loss")).toDouble();
        r.valAccuracy = o.value(QStringLiteral("val_accuracy")).toDouble();
        history.append(r);
    }
    return history;
}

} // namespace graft
