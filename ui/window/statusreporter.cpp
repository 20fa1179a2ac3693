#include "ui/window/statusreporter.h"

#include "core/model/modelspec.h"
#include "core/training/trainingdata.h"
#include "ui/common/timings.h"
#include "ui/document/datasetsource.h"
#include "ui/document/projectsession.h"
#include "ui/document/trainingcontroller.h"
#include "ui/document/workbench.h"

#include <QApplication>
#include <QDir>
#include <QFileInfo>
#include <QLabel>
#include <QLocale>
#include <QMainWindow>
#include <QMessageBox>
#include <QStatusBar>

namespace graft::ui {

StatusReporter::StatusReporter(QMainWindow *window, Workbench *workbench, ProjectSession *session)
    : QObject(window), m_window(window), m_workbench(workbench), m_training(new QLabel(window)),
      m_samples(new QLabel(window)), m_format(new QLabel(window)), m_params(new QLabel(window))
{
    for (QLabel *label : {m_training, m_samples, m_format, m_params})
        window->statusBar()->addPermanentWidget(label);
    connectWorkbench();
    connectSession(session);
    updateLabels();
}

void StatusReporter::connectWorkbench()
{
    Workbench *wb = m_workbench;
    const auto fileName = [](const QString &path) { return QFileInfo(path).fileName(); };
    connect(wb, &Workbench::modelLoading, this, [this, fileName](const QString &path) {
        showMessage(tr("Loading %1…").arg(fileName(path)), 0);
        if (!std::exchange(m_busyCursor, true))
            QApplication::setOverrideCursor(Qt::BusyCursor);
    });
    connect(wb, &Workbench::modelLoaded, this, [this, fileName](const QString &path) {
        if (std::exchange(m_busyCursor, false))
            QApplication::restoreOverrideCursor();
        showMessage(tr("Opened %1").arg(fileName(path)), timing::statusMessageMs);
    });
    connect(wb, &Workbench::modelLoadFailed, this, [this, fileName](const QString &path, const QString &message) {
        if (std::exchange(m_busyCursor, false))
            QApplication::restoreOverrideCursor();
        if (path.isEmpty()) { // nothing was read: the demo is not there
            showError(tr("No demo"), message);
            return;
        }
        showMessage(tr("Could not open %1").arg(fileName(path)), timing::statusMessageMs);
        showError(tr("Cannot open model"), message);
    });
    connect(wb, &Workbench::inputsChanged, this, &StatusReporter::updateLabels);
    connect(wb, &Workbench::demoReady, this, [this] {
        showMessage(tr("Demo ready: review the head plan, then press Start (Ctrl+Enter)"), timing::statusNextStepMs);
    });

    DatasetSource *dataset = wb->dataset();
    connect(dataset, &DatasetSource::samplesLoading, this,
            [this, fileName](const QString &path) { showMessage(tr("Loading dataset %1…").arg(fileName(path)), 0); });
    connect(dataset, &DatasetSource::samplesLoaded, this,
            [this] { showMessage(tr("Dataset loaded"), timing::statusMessageMs); });
    connect(dataset, &DatasetSource::samplesFailed, this, [this](const QString &message) {
        showMessage(tr("Could not load the dataset"), timing::statusMessageMs);
        showError(tr("Cannot use dataset"), message);
    });

    TrainingController *training = wb->training();
    connect(training, &TrainingController::stateChanged, this,
            [this, training] { m_training->setText(training->isRunning() ? tr("Training…") : QString()); });
    connect(training, &TrainingController::succeeded, this, [this](const FineTuneOutcome &outcome) {
        showMessage(tr("Training finished: %1").arg(stopReasonText(outcome.fineTuned.stopReason)),
                    timing::statusResultMs);
    });
    connect(training, &TrainingController::failed, this, [this](const QString &message) {
        showMessage(tr("Training failed"), timing::statusResultMs);
        showError(tr("Training failed"), message);
    });
}

void StatusReporter::connectSession(ProjectSession *session)
{
    connect(session, &ProjectSession::failed, this, &StatusReporter::showError);
    connect(session, &ProjectSession::saved, this, [this](const QString &path) {
        showMessage(tr("Saved %1").arg(QDir::toNativeSeparators(path)), timing::statusMessageMs);
    });
    connect(session, &ProjectSession::opened, this, [this](const QString &path, const QStringList &problems) {
        showMessage(tr("Opened project %1").arg(QFileInfo(path).fileName()), timing::statusMessageMs);
        if (!problems.isEmpty())
            showError(tr("Project opened with problems"), problems.join(QLatin1Char('\n')));
    });
}

void StatusReporter::showMessage(const QString &text, int timeoutMs)
{
    m_window->statusBar()->showMessage(text, timeoutMs);
}

void StatusReporter::showError(const QString &title, const QString &message)
{
    if (!m_showErrorDialogs)
        return;
    auto *box = new QMessageBox(QMessageBox::Warning, title, message, QMessageBox::Ok, m_window);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

void StatusReporter::updateLabels()
{
    const auto data = m_workbench->dataset()->samples();
    m_samples->setText(data ? tr("%1 classes · %2 samples")
                                  .arg(data->classNames.size())
                                  .arg(data->train.count() + data->validation.count())
                            : tr("No dataset"));
    const auto model = m_workbench->model();
    if (!model) {
        m_format->setText(tr("No model"));
        m_params->clear();
        return;
    }
    m_format->setText(
        tr("%1 · Keras %2").arg(model->format, model->kerasVersion.isEmpty() ? tr("?") : model->kerasVersion));
    const ParamCount p = model->params();
    const QLocale locale;
    m_params->setText(tr("%1 params (%2 trainable)")
                          .arg(locale.toString(qlonglong(p.total)), locale.toString(qlonglong(p.trainable))));
}

} // namespace graft::ui
