#include "ui/wizard/exportpage.h"

#include "core/export/companionfiles.h"
#include "core/export/modelexporter.h"
#include "core/training/historyrows.h"
#include "ui/dialogs/exportdialog.h"
#include "ui/widgets/pathfield.h"
#include "ui/wizard/finetunewizard.h"

#include <QCheckBox>
#include <QDir>
#include <QFileInfo>
#include <QFormLayout>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace graft::ui::wizard {

namespace {

const char lastExportFolderKey[] = "lastExportFolder";

/** What the worker hands back. */
struct ExportOutcome
{
    QString error;
    QStringList written;
    QStringList warnings;
};

} // namespace

ExportPage::ExportPage(FineTuneWizard *wizard)
    : m_wizard(wizard), m_target(new PathField(PathField::Kind::SaveFile, tr("Export Fine-tuned Model"), this)),
      m_full(new QCheckBox(tr("Full model (architecture inside; .h5/.hdf5 only)"), this)),
      m_labels(new QCheckBox(tr("Class names (<stem>.labels.txt)"), this)),
      m_history(new QCheckBox(tr("Training history (<stem>.history.csv)"), this)),
      m_export(new QPushButton(tr("&Export"), this)), m_busy(new QProgressBar(this)), m_message(new QLabel(this)),
      m_files(new QPlainTextEdit(this))
{
    setTitle(tr("Export"));
    setSubTitle(
        tr("The format follows the file name: .h5 (Keras 2), .weights.h5 (Keras 3), .keras, or .pt (TorchScript). "
           "Finish opens the result in the workbench."));
    QStringList filters;
    for (ExportFormat f : {ExportFormat::Keras2Weights, ExportFormat::Keras3Weights, ExportFormat::KerasArchive,
                           ExportFormat::TorchScript})
        filters << tr("%1 (*%2)").arg(ModelExporter::formatName(f), ExportDialog::suffixFor(f));
    m_target->setNameFilter(filters.join(QStringLiteral(";;")));
    m_target->lineEdit()->setToolTip(tr("The model file to write; the files beside it are named after its stem. "
                                        "The files the model was read from are never overwritten."));
    m_full->setToolTip(tr(
        "keras.models.load_model() reads it without code; otherwise model.load_weights() with the architecture JSON."));
    m_labels->setChecked(true);
    m_history->setChecked(true);
    m_busy->setRange(0, 0);
    m_busy->hide();
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_files->setReadOnly(true);
    m_files->setPlaceholderText(tr("The files written appear here."));

    auto *form = new QFormLayout;
    auto *fileLabel = new QLabel(tr("&File:"), this);
    fileLabel->setBuddy(m_target);
    form->addRow(fileLabel, m_target);
    form->addRow(QString(), m_full);
    form->addRow(QString(), m_labels);
    form->addRow(QString(), m_history);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_busy, 1);
    buttons->addStretch();
    buttons->addWidget(m_export);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addLayout(buttons);
    layout->addWidget(m_message);
    layout->addWidget(m_files, 1);

    registerField(QStringLiteral("exportPath*"), m_target->lineEdit());
    connect(m_export, &QPushButton::clicked, this, &ExportPage::startExport);
    connect(m_target, &PathField::edited, this, &ExportPage::completeChanged);
    connect(m_full, &QCheckBox::toggled, this, [this] {
        m_writtenTarget.clear(); // a different file would be written
        Q_EMIT completeChanged();
    });
}

void ExportPage::setTargetPath(const QString &path)
{
    m_target->setPath(path);
}

QString ExportPage::targetPath() const
{
    return m_target->path();
}

void ExportPage::setFullModel(bool full)
{
    m_full->setChecked(full);
}

QString ExportPage::message() const
{
    return m_message->text();
}

void ExportPage::initializePage()
{
    const auto trained = m_wizard->trainedModel();
    if (!targetPath().isEmpty() || !trained)
        return;
    const QFileInfo source(trained->sourcePath);
    const QString folder = QSettings().value(QLatin1String(lastExportFolderKey), source.absolutePath()).toString();
    const QString name =
        QFileInfo(CompanionFiles::stem(source.fileName())).fileName() + QStringLiteral("-finetuned.h5");
    m_target->setPath(QDir::toNativeSeparators(QDir(folder).filePath(name)));
}

void ExportPage::fail(const QString &message)
{
    m_message->setText(tr("Not exported: %1").arg(message));
    Q_EMIT completeChanged();
    Q_EMIT exportFinished(false);
}

void ExportPage::startExport()
{
    if (m_exporting)
        return;
    const auto trained = m_wizard->trainedModel();
    if (!trained) {
        fail(tr("there is no trained model; go back and train."));
        return;
    }
    const QString target = QDir::fromNativeSeparators(targetPath());
    if (target.isEmpty()) {
        fail(tr("choose the file to write."));
        return;
    }
    auto format = ModelExporter::formatFor(target, m_full->isChecked());
    if (!format) {
        fail(format.errorString());
        return;
    }

    ExportOptions options;
    options.fullModel = m_full->isChecked();
    options.writeLabels = m_labels->isChecked();
    options.protectedInputs << trained->sourcePath << m_wizard->dataPath();
    if (trained->architectureSource != QLatin1String("file"))
        options.protectedInputs << trained->architectureSource;
    QVector<HistoryEpoch> history;
    if (m_history->isChecked() && m_wizard->outcome())
        history = historyRows(m_wizard->outcome()->fineTuned.history);

    m_exporting = true;
    m_busy->show();
    m_export->setEnabled(false);
    m_message->setText(
        tr("Writing %1 as %2…").arg(QDir::toNativeSeparators(target), ModelExporter::formatName(*format)));
    m_files->clear();
    m_written.clear();
    Q_EMIT completeChanged();
    auto *watcher = new QFutureWatcher<ExportOutcome>(this);
    connect(watcher, &QFutureWatcher<ExportOutcome>::finished, this, [this, watcher, target] {
        watcher->deleteLater();
        const ExportOutcome outcome = watcher->result();
        m_exporting = false;
        m_busy->hide();
        m_export->setEnabled(true);
        m_written = outcome.written;
        for (const QString &file : m_written)
            m_files->appendPlainText(QDir::toNativeSeparators(file));
        for (const QString &warning : outcome.warnings)
            m_files->appendPlainText(tr("Warning: %1").arg(warning));
        if (!outcome.error.isEmpty()) {
            m_written.clear();
            fail(outcome.error);
            return;
        }
        m_writtenTarget = target;
        QSettings().setValue(QLatin1String(lastExportFolderKey), QFileInfo(target).absolutePath());
        m_message->setText(
            tr("Wrote %n file(s). Finish shows the result in the workbench.", nullptr, int(m_written.size())));
        Q_EMIT completeChanged();
        Q_EMIT exportFinished(true);
    });
    // The worker gets its own copy of the model: nothing is shared across threads.
    watcher->setFuture(QtConcurrent::run([model = *trained, target, options, history]() -> ExportOutcome {
        ExportOutcome outcome;
        auto result = ModelExporter::exportModel(model, target, options);
        if (!result) {
            outcome.error = result.errorString();
            return outcome;
        }
        outcome.written = result->writtenFiles;
        outcome.warnings = result->warnings;
        if (!history.isEmpty()) {
            auto written =
                CompanionFiles::writeHistory(target, history, options.protectedInputs + QStringList{model.sourcePath});
            if (!written)
                outcome.error = written.errorString();
            else
                outcome.written << *written;
        }
        return outcome;
    }));
}

bool ExportPage::isComplete() const
{
    return !m_exporting && !m_written.isEmpty() && m_writtenTarget == QDir::fromNativeSeparators(targetPath());
}

} // namespace graft::ui::wizard
