#pragma once

#include "core/common/expected.h"

#include <QList>
#include <QString>
#include <QStringList>

class QCustomPlot;

namespace graft::ui {

/** A plot to save beside a model: `name` becomes part of the file name (<stem>.<name>.png). */
struct NamedPlot
{
    QString name;
    QCustomPlot *plot = nullptr;
};

enum class PlotFileFormat { Png, Pdf };

/**
 * Writes each plot as <stem of modelPath>.<name>.png or .pdf, each through a temporary file,
 * never over one of `protectedInputs`. GUI thread only: QCustomPlot renders with widgets.
 * Returns the files written.
 */
Expected<QStringList> savePlots(const QList<NamedPlot> &plots, const QString &modelPath, PlotFileFormat format,
                                const QStringList &protectedInputs);

} // namespace graft::ui
