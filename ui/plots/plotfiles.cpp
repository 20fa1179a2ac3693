#include "ui/plots/plotfiles.h"

#include "core/common/atomicfiletarget.h"
#include "core/export/companionfiles.h"

#include <qcustomplot.h>

#include <QObject>
#include <QSaveFile>

namespace graft::ui {

namespace {

/** "Loss & accuracy" → "loss-accuracy": a plot name made safe for a file name. */
QString fileNamePart(const QString &name)
{
    QString out;
    for (const QChar c : name.toLower()) {
        if (c.isLetterOrNumber())
            out += c;
        else if (!out.isEmpty() && !out.endsWith(QLatin1Char('-')))
            out += QLatin1Char('-');
    }
    while (out.endsWith(QLatin1Char('-')))
        out.chop(1);
    return out.isEmpty() ? QStringLiteral("plot") : out;
}

Expected<void> writePlot(QCustomPlot &plot, const QString &path, PlotFileFormat format)
{
    // A hidden plot has no size of its own; 800 × 500 is a readable default for a report.
    const int width = plot.width() > 50 ? plot.width() : 800;
    const int height = plot.height() > 50 ? plot.height() : 500;
    if (format == PlotFileFormat::Pdf) {
        // savePdf writes in place; a temporary sibling renamed over the target keeps the write atomic.
        AtomicFileTarget file(path);
        if (auto prepared = file.prepare(); !prepared)
            return prepared.error();
        if (!plot.savePdf(file.temporaryPath(), width, height))
            return Error{QObject::tr("%1: QCustomPlot could not write the PDF.").arg(path)};
        return file.commit();
    }
    QSaveFile file(path);
    const QPixmap pixmap = plot.toPixmap(width, height, 2.0);
    if (!file.open(QIODevice::WriteOnly) || !pixmap.save(&file, "PNG") || !file.commit())
        return Error{QObject::tr("%1: cannot write the plot (%2).").arg(path, file.errorString())};
    return {};
}

} // namespace

Expected<QStringList> savePlots(const QList<NamedPlot> &plots, const QString &modelPath, PlotFileFormat format,
                                const QStringList &protectedInputs)
{
    const QString stem = CompanionFiles::stem(modelPath);
    const QString suffix = format == PlotFileFormat::Pdf ? QStringLiteral(".pdf") : QStringLiteral(".png");
    QStringList written;
    for (const NamedPlot &named : plots) {
        if (!named.plot)
            continue;
        const QString path = stem + QLatin1Char('.') + fileNamePart(named.name) + suffix;
        if (auto allowed = refuseOverwritingInput(path, protectedInputs); !allowed)
            return allowed.error();
        if (auto ok = writePlot(*named.plot, path, format); !ok)
            return ok.error();
        written << path;
    }
    return written;
}

} // namespace graft::ui
