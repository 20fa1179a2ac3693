#include "core/export/companionfiles.h"

#include "core/common/atomicfiletarget.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <cmath>

namespace graft {

namespace {

// Longest first: ".weights.h5" must win over ".h5".
const char *const modelSuffixes[] = {".weights.h5", ".hdf5", ".h5", ".keras", ".pt"};

QString number(double value)
{
    // Enough digits to give float32 training metrics back exactly; nothing for "not measured".
    return std::isnan(value) ? QString() : QString::number(value, 'g', 9);
}

} // namespace

QString CompanionFiles::stem(const QString &modelPath)
{
    const QFileInfo info(modelPath);
    QString name = info.fileName();
    for (const char *suffix : modelSuffixes) {
        if (name.endsWith(QLatin1String(suffix), Qt::CaseInsensitive) && name.size() > int(qstrlen(suffix))) {
            name.chop(int(qstrlen(suffix)));
            break;
        }
    }
    return info.dir().filePath(name);
}

QString CompanionFiles::labelsPath(const QString &modelPath)
{
    return stem(modelPath) + QStringLiteral(".labels.txt");
}

QString CompanionFiles::historyPath(const QString &modelPath)
{
    return stem(modelPath) + QStringLiteral(".history.csv");
}

QString CompanionFiles::architecturePath(const QString &modelPath)
{
    return stem(modelPath) + QStringLiteral(".json");
}

QByteArray CompanionFiles::labelsText(const QStringList &classNames)
{
    QByteArray text;
    for (const QString &name : classNames)
        text += name.simplified().toUtf8() + '\n';
    return text;
}

QByteArray CompanionFiles::historyCsv(const QVector<HistoryEpoch> &history)
{
    QByteArray csv("epoch,loss,accuracy,val_loss,val_accuracy,lr\n");
    for (const HistoryEpoch &row : history) {
        const QStringList fields{QString::number(row.epoch), number(row.loss),        number(row.accuracy),
                                 number(row.valLoss),        number(row.valAccuracy), number(row.learningRate)};
        csv += fields.join(QLatin1Char(',')).toUtf8() + '\n';
    }
    return csv;
}

Expected<void> CompanionFiles::writeAtomically(const QString &path, const QByteArray &bytes)
{
    AtomicFileTarget target(path);
    auto prepared = target.prepare();
    if (!prepared)
        return prepared;
    QFile file(target.temporaryPath());
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(bytes) != bytes.size() || !file.flush())
        return makeError(QStringLiteral("Cannot write %1: %2.").arg(path, file.errorString()));
    file.close();
    file.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup | QFile::ReadOther);
    return target.commit();
}

Expected<QString> CompanionFiles::writeLabels(const QString &modelPath, const QStringList &classNames,
                                              const QStringList &protectedInputs)
{
    const QString path = labelsPath(modelPath);
    auto allowed = refuseOverwritingInput(path, protectedInputs);
    if (!allowed)
        return allowed.error();
    auto written = writeAtomically(path, labelsText(classNames));
    if (!written)
        return written.error();
    return path;
}

Expected<QString> CompanionFiles::writeHistory(const QString &modelPath, const QVector<HistoryEpoch> &history,
                                               const QStringList &protectedInputs)
{
    const QString path = historyPath(modelPath);
    auto allowed = refuseOverwritingInput(path, protectedInputs);
    if (!allowed)
        return allowed.error();
    auto written = writeAtomically(path, historyCsv(history));
    if (!written)
        return written.error();
    return path;
}

} // namespace graft
