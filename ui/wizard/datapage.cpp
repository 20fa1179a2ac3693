#include "ui/wizard/datapage.h"

#include "core/model/modelsummary.h"
#include "core/training/trainingdata.h"
#include "ui/common/settingskeys.h"
#include "ui/common/timings.h"
#include "ui/document/datasetsource.h"
#include "ui/document/workbench.h"
#include "ui/models/classcountmodel.h"
#include "ui/widgets/pathfield.h"
#include "ui/wizard/finetunewizard.h"

#include <QApplication>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace graft::ui::wizard {

DataPage::DataPage(FineTuneWizard *wizard)
    : m_wizard(wizard), m_source(wizard->draft()->dataset()),
      m_path(new PathField(PathField::Kind::Folder, tr("Choose Dataset Folder"), this)),
      m_validation(new QDoubleSpinBox(this)), m_progress(new QProgressBar(this)),
      m_cancel(new QPushButton(tr("&Cancel Loading"), this)), m_message(new QLabel(this)),
      m_classes(new ClassCountModel(this)), m_view(new QTableView(this)), m_timer(new QTimer(this))
{
    setTitle(tr("Dataset"));
    setSubTitle(tr("A folder with one subfolder per new class (or train/ and val/ folders holding them). "
                   "The features are proposed from the model's input shape."));
    m_path->setRememberedFolderKey(QString::fromLatin1(settingskeys::lastDatasetFolder));
    m_path->lineEdit()->setPlaceholderText(tr("Folder of class folders"));
    m_validation->setRange(0.0, 0.9);
    m_validation->setSingleStep(0.05);
    m_validation->setDecimals(2);
    m_validation->setValue(0.2); // graft-cli finetune --val-split
    m_validation->setToolTip(
        tr("Share of each class held out for validation when there is no val/ folder (stratified)."));
    m_progress->hide();
    m_cancel->hide();
    m_cancel->setToolTip(tr("Stop reading and extracting features"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_view->setModel(m_classes);
    m_view->horizontalHeader()->setSectionResizeMode(ClassCountModel::NameColumn, QHeaderView::Stretch);
    m_view->verticalHeader()->hide();
    m_timer->setSingleShot(true);
    m_timer->setInterval(timing::datasetReloadDebounce);

    auto *progressRow = new QHBoxLayout;
    progressRow->addWidget(m_progress, 1);
    progressRow->addWidget(m_cancel);
    auto *form = new QFormLayout;
    auto *folderLabel = new QLabel(tr("&Folder:"), this);
    folderLabel->setBuddy(m_path);
    form->addRow(folderLabel, m_path);
    form->addRow(tr("&Validation share:"), m_validation);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addLayout(progressRow);
    layout->addWidget(m_message);
    layout->addWidget(m_view, 1);

    registerField(QStringLiteral("datasetPath*"), m_path->lineEdit());
    registerField(QStringLiteral("validationShare"), m_validation, "value", "valueChanged");
    connect(m_cancel, &QPushButton::clicked, this, &DataPage::cancel);
    connect(m_path, &PathField::edited, this, &DataPage::settingsEdited);
    connect(m_path, &PathField::browsed, this, &DataPage::load); // chosen, not typed: read it now
    connect(m_validation, &QDoubleSpinBox::valueChanged, this, &DataPage::settingsEdited);
    connect(m_timer, &QTimer::timeout, this, &DataPage::load);
    connect(m_source, &DatasetSource::samplesLoaded, this, &DataPage::loaded);
    connect(m_source, &DatasetSource::samplesFailed, this, &DataPage::loadFailed);
    connect(m_source, &DatasetSource::samplesProgress, this, [this](int done, int total) {
        m_progress->setRange(0, total);
        m_progress->setValue(done);
    });
}

void DataPage::setPath(const QString &path)
{
    m_path->setPath(path);
}

QString DataPage::path() const
{
    return m_path->path();
}

void DataPage::setValidationFraction(double fraction)
{
    m_validation->setValue(fraction);
}

QString DataPage::message() const
{
    return m_message->text();
}

bool DataPage::isLoading() const
{
    return m_source->isLoadingSamples();
}

void DataPage::initializePage()
{
    // Samples are shaped to the model's input: another model dropped them, so they are made again.
    if (!m_source->samples() && m_wizard->draft()->model() && !isLoading() && !path().isEmpty()) {
        m_classes->clear();
        load();
    }
}

void DataPage::settingsEdited()
{
    cancel();
    m_source->setSamples(nullptr);
    m_failedPath.clear();
    m_classes->clear();
    m_message->clear();
    m_timer->start();
    Q_EMIT completeChanged();
}

void DataPage::setLoading(bool loading)
{
    m_progress->setVisible(loading);
    m_cancel->setVisible(loading);
    Q_EMIT completeChanged();
}

void DataPage::cancel()
{
    if (!m_source->cancelSamples())
        return;
    setLoading(false);
    m_message->setText(tr("Loading cancelled."));
}

void DataPage::load()
{
    m_timer->stop();
    cancel();
    const QString folder = path();
    const auto model = m_wizard->draft()->model();
    QString problem;
    if (folder.isEmpty())
        problem = tr("Choose the folder of the new classes.");
    else if (!QFileInfo(folder).isDir())
        problem = tr("%1: no such folder.").arg(folder);
    else if (!model || !model->hasArchitecture)
        problem = tr("The model has no architecture: its input shape is unknown. Go back and choose it.");
    if (!problem.isEmpty()) {
        m_message->setText(problem);
        m_failedPath = folder;
        Q_EMIT completeChanged();
        Q_EMIT loadFinished(false);
        return;
    }

    TrainingDataSource source;
    source.dataPath = folder;
    source.validationSplit = m_validation->value();
    source.seed = 0; // graft-cli finetune's default split
    m_loadingPath = folder;
    m_source->loadSamples(source, folder);
    m_progress->setRange(0, 0);
    m_message->setText(tr("Reading %1…").arg(QDir::toNativeSeparators(folder)));
    setLoading(true);
}

void DataPage::loadFailed(const QString &error)
{
    setLoading(false);
    m_message->setText(tr("Could not use %1:\n%2").arg(QDir::toNativeSeparators(m_loadingPath), error));
    m_failedPath = m_loadingPath;
    Q_EMIT completeChanged();
    Q_EMIT loadFinished(false);
}

void DataPage::loaded()
{
    setLoading(false);
    const auto data = m_source->samples();
    const int classes = int(data->classNames.size());
    QVector<int> train(classes, 0), validation(data->validation.count() > 0 ? classes : 0, 0);
    for (int label : data->train.labels)
        ++train[label];
    for (int label : data->validation.labels)
        ++validation[label];
    m_classes->setCounts(data->classNames, train, validation);
    QString text = tr("%1 classes, %2 training and %3 validation samples.\nFeatures: %4")
                       .arg(classes)
                       .arg(data->train.count())
                       .arg(data->validation.count())
                       .arg(data->description);
    if (!data->skipped.isEmpty())
        text += QLatin1Char('\n')
                + tr("%n file(s) skipped, e.g. %1: %2", nullptr, int(data->skipped.size()))
                      .arg(data->skipped.front().path, data->skipped.front().reason);
    for (const QString &note : data->notes)
        text += QLatin1Char('\n') + note;
    m_message->setText(text);
    Q_EMIT completeChanged();
    Q_EMIT loadFinished(true);
}

bool DataPage::isComplete() const
{
    return !isLoading() && m_source->samples() && m_source->samplesPath() == path() && QWizardPage::isComplete();
}

bool DataPage::validatePage()
{
    if (!isComplete()) {
        if (!isLoading() && m_failedPath != path())
            load(); // says what is missing, or starts reading
        return false;
    }
    QSettings().setValue(settingskeys::lastDatasetFolder, path());
    return true;
}

} // namespace graft::ui::wizard
