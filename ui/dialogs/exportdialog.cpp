#include "ui/dialogs/exportdialog.h"

#include "core/common/atomicfiletarget.h"
#include "core/model/modelspec.h"

#include <qcustomplot.h>

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSaveFile>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <cstdio>

namespace graft::ui {

namespace {

const QList<ExportFormat> allFormats{ExportFormat::Keras2Weights, ExportFormat::Keras2Full, ExportFormat::Keras3Weights,
                                     ExportFormat::KerasArchive, ExportFormat::TorchScript};

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

} // namespace

/** What the worker hands back. */
struct ExportDialog::Outcome
{
    QString error;
    ExportResult result;
};

ExportDialog::ExportDialog(QWidget *parent)
    : QDialog(parent), m_format(new QComboBox(this)), m_target(new QLineEdit(this)),
      m_browse(new QPushButton(tr("&Browse…"), this)),
      m_labels(new QCheckBox(tr("Class names (<stem>.labels.txt)"), this)),
      m_architecture(new QCheckBox(tr("Architecture JSON beside weights-only files (<stem>.json)"), this)),
      m_historyBox(new QCheckBox(tr("Training history (<stem>.history.csv)"), this)),
      m_plotsBox(new QCheckBox(tr("Plots"), this)), m_plotFormat(new QComboBox(this)),
      m_progress(new QProgressBar(this)), m_log(new QPlainTextEdit(this)),
      m_export(new QPushButton(tr("&Export"), this)), m_close(new QPushButton(tr("Close"), this))
{
    setWindowTitle(tr("Export"));
    for (ExportFormat f : allFormats)
        m_format->addItem(tr("%1 (%2)").arg(ModelExporter::formatName(f), suffixFor(f)), int(f));
    m_format->setToolTip(
        tr("Keras 2 weights: model.load_weights() in tf.keras 2. Keras 2 full: keras.models.load_model() "
           "with architecture. .weights.h5 and .keras: Keras 3. TorchScript: torch.jit.load() in PyTorch."));
    m_target->setToolTip(tr("The model file to write; the other files are named after its stem."));
    m_labels->setToolTip(tr("One class name per line in output order; Graft and most scripts read it back."));
    m_architecture->setToolTip(tr("model.to_json() beside a weights-only file, so it can be loaded without code."));
    m_historyBox->setToolTip(tr("Keras CSVLogger columns: epoch, loss, accuracy, val_loss, val_accuracy, lr."));
    m_plotsBox->setToolTip(tr("The training and results plots, one file each: <stem>.<plot>.png or .pdf."));
    m_plotFormat->addItem(QStringLiteral("PNG"), int(PlotFormat::Png));
    m_plotFormat->addItem(QStringLiteral("PDF"), int(PlotFormat::Pdf));
    m_labels->setChecked(true);
    m_architecture->setChecked(true);
    m_historyBox->setChecked(true);
    m_plotsBox->setChecked(true);
    m_progress->setRange(0, 0);
    m_progress->hide();
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(500);
    m_log->setPlaceholderText(tr("Written files and warnings appear here."));
    m_export->setDefault(true);

    connect(m_format, &QComboBox::currentIndexChanged, this, &ExportDialog::onFormatChanged);
    connect(m_browse, &QPushButton::clicked, this, &ExportDialog::chooseTarget);
    connect(m_export, &QPushButton::clicked, this, &ExportDialog::startExport);
    connect(m_close, &QPushButton::clicked, this, &QDialog::reject);
    connect(m_target, &QLineEdit::textChanged, this, &ExportDialog::updateAvailability);

    auto *targetRow = new QHBoxLayout;
    targetRow->addWidget(m_target, 1);
    targetRow->addWidget(m_browse);
    auto *plotRow = new QHBoxLayout;
    plotRow->addWidget(m_plotsBox);
    plotRow->addWidget(m_plotFormat);
    plotRow->addStretch(1);
    auto *form = new QFormLayout;
    form->addRow(tr("&Format"), m_format);
    form->addRow(tr("&File"), targetRow);
    form->addRow(QString(), m_labels);
    form->addRow(QString(), m_architecture);
    form->addRow(QString(), m_historyBox);
    form->addRow(QString(), plotRow);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_progress, 1);
    buttons->addStretch();
    buttons->addWidget(m_export);
    buttons->addWidget(m_close);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_log, 1);
    layout->addLayout(buttons);
    resize(620, 420);
    updateAvailability();
}

ExportDialog::~ExportDialog() = default;

QString ExportDialog::suffixFor(ExportFormat format)
{
    switch (format) {
    case ExportFormat::Keras2Weights:
    case ExportFormat::Keras2Full: return QStringLiteral(".h5");
    case ExportFormat::Keras3Weights: return QStringLiteral(".weights.h5");
    case ExportFormat::KerasArchive: return QStringLiteral(".keras");
    case ExportFormat::TorchScript: return QStringLiteral(".pt");
    }
    return {};
}

void ExportDialog::setModel(std::shared_ptr<const LoadedModel> model)
{
    m_model = std::move(model);
    if (m_model && m_target->text().isEmpty()) {
        const QFileInfo source(m_model->sourcePath);
        setTargetPath(source.dir().filePath(QFileInfo(CompanionFiles::stem(source.fileName())).fileName()
                                            + QStringLiteral("-finetuned") + suffixFor(format())));
    }
    updateAvailability();
}

void ExportDialog::setClassNames(const QStringList &names)
{
    m_classNames = names;
    m_classNamesSet = true;
    updateAvailability();
}

void ExportDialog::setHistory(const QVector<HistoryEpoch> &history)
{
    m_history = history;
    updateAvailability();
}

void ExportDialog::setPlots(const QList<NamedPlot> &plots)
{
    m_plots = plots;
    updateAvailability();
}

void ExportDialog::setProtectedInputs(const QStringList &paths)
{
    m_protected = paths;
}

void ExportDialog::setTargetPath(const QString &path)
{
    m_target->setText(path);
}

QString ExportDialog::targetPath() const
{
    return m_target->text().trimmed();
}

void ExportDialog::setFormat(ExportFormat format)
{
    m_format->setCurrentIndex(m_format->findData(int(format)));
}

ExportFormat ExportDialog::format() const
{
    return ExportFormat(m_format->currentData().toInt());
}

void ExportDialog::setPlotFormat(PlotFormat format)
{
    m_plotFormat->setCurrentIndex(m_plotFormat->findData(int(format)));
}

void ExportDialog::setWriteLabels(bool write)
{
    m_labels->setChecked(write);
}

void ExportDialog::setWriteArchitecture(bool write)
{
    m_architecture->setChecked(write);
}

void ExportDialog::setWriteHistory(bool write)
{
    m_historyBox->setChecked(write);
}

void ExportDialog::setWritePlots(bool write)
{
    m_plotsBox->setChecked(write);
}

void ExportDialog::onFormatChanged()
{
    const QString target = targetPath();
    if (!target.isEmpty())
        m_target->setText(CompanionFiles::stem(target) + suffixFor(format()));
    updateAvailability();
}

void ExportDialog::chooseTarget()
{
    const ExportFormat f = format();
    const QString filter = tr("%1 (*%2)").arg(ModelExporter::formatName(f), suffixFor(f));
    QString path = QFileDialog::getSaveFileName(this, tr("Export model"), targetPath(), filter);
    if (path.isEmpty())
        return;
    if (!path.endsWith(suffixFor(f), Qt::CaseInsensitive))
        path = CompanionFiles::stem(path) + suffixFor(f);
    setTargetPath(path);
}

void ExportDialog::updateAvailability()
{
    const QStringList names = m_classNamesSet ? m_classNames : (m_model ? m_model->classNames : QStringList());
    m_labels->setEnabled(!names.isEmpty());
    const ExportFormat f = format();
    m_architecture->setEnabled(f == ExportFormat::Keras2Weights || f == ExportFormat::Keras3Weights);
    m_historyBox->setEnabled(!m_history.isEmpty());
    m_plotsBox->setEnabled(!m_plots.isEmpty());
    m_plotFormat->setEnabled(!m_plots.isEmpty());
    m_export->setEnabled(!m_exporting && m_model && !targetPath().isEmpty());
}

void ExportDialog::setExporting(bool exporting)
{
    m_exporting = exporting;
    m_progress->setVisible(exporting);
    for (QWidget *w : {static_cast<QWidget *>(m_format), static_cast<QWidget *>(m_target),
                       static_cast<QWidget *>(m_browse), static_cast<QWidget *>(m_close)})
        w->setEnabled(!exporting);
    updateAvailability();
}

void ExportDialog::startExport()
{
    if (m_exporting)
        return;
    if (!m_model) {
        fail(tr("Open a model first: there is nothing to export."));
        return;
    }
    const QString target = targetPath();
    if (target.isEmpty()) {
        fail(tr("Choose the file to write."));
        return;
    }
    const ExportFormat chosen = format();
    const bool fullModel = chosen == ExportFormat::Keras2Full;
    auto named = ModelExporter::formatFor(target, fullModel);
    if (!named) {
        fail(named.errorString());
        return;
    }
    if (*named != chosen) {
        fail(tr("%1 names a %2 file, not %3: end the name with %4.")
                 .arg(target, ModelExporter::formatName(*named), ModelExporter::formatName(chosen), suffixFor(chosen)));
        return;
    }

    LoadedModel model = *m_model; // the worker gets its own copy: nothing is shared across threads
    if (m_classNamesSet)
        model.classNames = m_classNames;
    ExportOptions options;
    options.fullModel = fullModel;
    options.protectedInputs = m_protected;
    options.writeLabels = m_labels->isEnabled() && m_labels->isChecked();
    options.writeArchitecture = m_architecture->isChecked();
    const QVector<HistoryEpoch> history =
        m_historyBox->isEnabled() && m_historyBox->isChecked() ? m_history : QVector<HistoryEpoch>();
    QStringList protectedInputs = m_protected;
    protectedInputs << model.sourcePath;

    m_written.clear();
    m_warnings.clear();
    m_log->appendPlainText(
        tr("Writing %1 as %2…").arg(QDir::toNativeSeparators(target), ModelExporter::formatName(chosen)));
    setExporting(true);
    auto *watcher = new QFutureWatcher<Outcome>(this);
    connect(watcher, &QFutureWatcher<Outcome>::finished, this, [this, watcher] {
        watcher->deleteLater();
        finishExport(watcher->result());
    });
    watcher->setFuture(
        QtConcurrent::run([model = std::move(model), target, options, history, protectedInputs]() -> Outcome {
            Outcome outcome;
            auto result = ModelExporter::exportModel(model, target, options);
            if (!result) {
                outcome.error = result.errorString();
                return outcome;
            }
            outcome.result = *result;
            if (!history.isEmpty()) {
                auto written = CompanionFiles::writeHistory(target, history, protectedInputs);
                if (!written)
                    outcome.error = written.errorString();
                else
                    outcome.result.writtenFiles << *written;
            }
            return outcome;
        }));
}

void ExportDialog::finishExport(const Outcome &outcome)
{
    m_written = outcome.result.writtenFiles;
    m_warnings = outcome.result.warnings;
    for (const QString &warning : m_warnings)
        m_log->appendPlainText(tr("Warning: %1").arg(warning));
    if (!outcome.error.isEmpty()) {
        setExporting(false);
        for (const QString &file : m_written)
            m_log->appendPlainText(tr("Wrote %1").arg(QDir::toNativeSeparators(file)));
        fail(outcome.error);
        return;
    }
    if (m_plotsBox->isEnabled() && m_plotsBox->isChecked()) {
        QStringList protectedInputs = m_protected;
        if (m_model)
            protectedInputs << m_model->sourcePath;
        auto plots = savePlots(outcome.result.path, protectedInputs);
        if (!plots) {
            setExporting(false);
            fail(plots.errorString());
            return;
        }
        m_written << *plots;
    }
    setExporting(false);
    for (const QString &file : m_written)
        m_log->appendPlainText(tr("Wrote %1").arg(QDir::toNativeSeparators(file)));
    Q_EMIT exportFinished(m_written);
}

Expected<QStringList> ExportDialog::savePlots(const QString &modelPath, const QStringList &protectedInputs)
{
    const bool pdf = PlotFormat(m_plotFormat->currentData().toInt()) == PlotFormat::Pdf;
    const QString stem = CompanionFiles::stem(modelPath);
    QStringList written;
    for (const NamedPlot &named : m_plots) {
        if (!named.plot)
            continue;
        const QString path = stem + QLatin1Char('.') + fileNamePart(named.name)
                             + (pdf ? QStringLiteral(".pdf") : QStringLiteral(".png"));
        if (auto allowed = refuseOverwritingInput(path, protectedInputs); !allowed)
            return allowed.error();
        // A hidden plot has no size of its own; 800 × 500 is a readable default for a report.
        const int width = named.plot->width() > 50 ? named.plot->width() : 800;
        const int height = named.plot->height() > 50 ? named.plot->height() : 500;
        if (pdf) {
            // savePdf writes in place; a temporary sibling renamed over the target keeps the write atomic.
            AtomicFileTarget file(path);
            if (auto prepared = file.prepare(); !prepared)
                return prepared.error();
            if (!named.plot->savePdf(file.temporaryPath(), width, height))
                return Error{tr("%1: QCustomPlot could not write the PDF.").arg(path)};
            if (auto committed = file.commit(); !committed)
                return committed.error();
        } else {
            QSaveFile file(path);
            const QPixmap pixmap = named.plot->toPixmap(width, height, 2.0);
            if (!file.open(QIODevice::WriteOnly) || !pixmap.save(&file, "PNG") || !file.commit())
                return Error{tr("%1: cannot write the plot (%2).").arg(path, file.errorString())};
        }
        written << path;
    }
    return written;
}

void ExportDialog::fail(const QString &message)
{
    m_log->appendPlainText(tr("Failed: %1").arg(message));
    Q_EMIT exportFailed(message);
    if (m_showErrorDialogs)
        QMessageBox::warning(this, tr("Export failed"), message);
}

} // namespace graft::ui
