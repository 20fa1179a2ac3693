#include "ui/wizard/architecturepage.h"

#include "core/export/companionfiles.h"
#include "core/formats/kerasfileloader.h"
#include "core/io/classnamesfile.h"
#include "core/training/headremapper.h"
#include "ui/common/timings.h"
#include "ui/document/workbench.h"
#include "ui/widgets/pathfield.h"
#include "ui/wizard/finetunewizard.h"

#include <QDir>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QTimer>
#include <QVBoxLayout>

namespace graft::ui::wizard {

ArchitecturePage::ArchitecturePage(FineTuneWizard *wizard)
    : m_wizard(wizard), m_json(new PathField(PathField::Kind::OpenFile, tr("Choose Architecture JSON"), this)),
      m_labels(new PathField(PathField::Kind::OpenFile, tr("Choose Old Class Names"), this)),
      m_message(new QLabel(this)), m_labelsMessage(new QLabel(this)), m_busy(new QProgressBar(this)),
      m_timer(new QTimer(this))
{
    setTitle(tr("Architecture and Old Classes"));
    setSubTitle(tr("A weights-only file needs the model's architecture (the JSON of model.to_json()). "
                   "The old class names let the head copy classes that exist in both datasets."));
    m_json->setNameFilter(tr("Keras model JSON (*.json);;All files (*)"));
    m_json->setButtonText(tr("B&rowse…"));
    m_json->lineEdit()->setPlaceholderText(tr("model.to_json() output, e.g. <stem>.json"));
    m_json->lineEdit()->setToolTip(tr("Keras's JSON description of the model the weights belong to."));
    m_labels->setNameFilter(tr("Class names (*.txt *.json);;All files (*)"));
    m_labels->setButtonText(tr("Bro&wse…"));
    m_labels->lineEdit()->setPlaceholderText(tr("Optional: one old class name per line, or a JSON list"));
    m_labels->lineEdit()->setToolTip(
        tr("The old classes in output order. Without them, old classes are known by index only."));
    for (QLabel *label : {m_message, m_labelsMessage}) {
        label->setWordWrap(true);
        label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    }
    m_busy->setRange(0, 0);
    m_busy->setMaximumWidth(120);
    m_busy->hide();
    m_timer->setSingleShot(true);
    m_timer->setInterval(timing::typedPathDebounce);

    auto *jsonRow = new QHBoxLayout;
    jsonRow->addWidget(m_json, 1);
    jsonRow->addWidget(m_busy);
    auto *form = new QFormLayout;
    auto *jsonLabel = new QLabel(tr("&Architecture JSON:"), this);
    jsonLabel->setBuddy(m_json); // rows holding a layout get no buddy of their own
    auto *labelsLabel = new QLabel(tr("Old class &names:"), this);
    labelsLabel->setBuddy(m_labels);
    form->addRow(jsonLabel, jsonRow);
    form->addRow(QString(), m_message);
    form->addRow(labelsLabel, m_labels);
    form->addRow(QString(), m_labelsMessage);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addStretch(1);

    registerField(QStringLiteral("architecturePath"), m_json->lineEdit());
    registerField(QStringLiteral("labelsPath"), m_labels->lineEdit());
    connect(m_json, &PathField::edited, this, [this] {
        m_timer->start();
        Q_EMIT completeChanged();
    });
    connect(m_timer, &QTimer::timeout, this, &ArchitecturePage::reload);
    connect(m_labels, &PathField::edited, this, &ArchitecturePage::readLabels);
}

void ArchitecturePage::setArchitecturePath(const QString &path)
{
    m_json->setPath(path);
}

void ArchitecturePage::setLabelsPath(const QString &path)
{
    m_labels->setPath(path);
}

QString ArchitecturePage::architecturePath() const
{
    return m_json->path();
}

QString ArchitecturePage::labelsPath() const
{
    return m_labels->path();
}

QString ArchitecturePage::message() const
{
    return m_message->text() + QLatin1Char('\n') + m_labelsMessage->text();
}

void ArchitecturePage::initializePage()
{
    const std::shared_ptr<const LoadedModel> source = m_wizard->draft()->model();
    if (source != m_source && source != m_result) {
        m_source = source;
        const QString folder = m_source ? QFileInfo(m_source->sourcePath).absolutePath() : QString();
        m_json->setStartFolder(folder);
        m_labels->setStartFolder(folder);
        m_withArch.reset();
        m_jsonLoaded.clear();
        m_loadError.clear();
        m_result.reset();
        if (m_source && labelsPath().isEmpty() && m_source->classNames.isEmpty()) {
            const QString beside = CompanionFiles::labelsPath(m_source->sourcePath);
            if (QFileInfo::exists(beside))
                m_labels->setPath(QDir::toNativeSeparators(beside));
        }
        reload();
    }
    updateMessage();
}

void ArchitecturePage::reload()
{
    m_timer->stop();
    const QString json = architecturePath();
    if (!m_source || (m_withArch && json == m_jsonLoaded))
        return;
    m_load.cancel(); // a load for another JSON would report a model this one does not describe
    m_result.reset();
    m_withArch.reset();
    m_loadError.clear();
    m_jsonLoaded = json;
    if (json.isEmpty()) {
        if (m_source->hasArchitecture)
            m_withArch = m_source;
        updateMessage();
        return;
    }
    if (!QFileInfo(json).isFile()) {
        m_loadError = tr("%1: no such file.").arg(json);
        updateMessage();
        Q_EMIT loadFinished(false);
        return;
    }
    LoadOptions options;
    options.architectureJsonPath = json;
    // Large files take seconds to read: off the GUI thread.
    m_load.start(
        [path = m_source->sourcePath, options](const CancelToken &) { return KerasFileLoader::load(path, options); },
        [this](Expected<LoadedModel> result) {
            m_busy->hide();
            if (result)
                m_withArch = std::make_shared<const LoadedModel>(std::move(result).value());
            else
                m_loadError = result.errorString();
            updateMessage();
            Q_EMIT loadFinished(bool(result));
        });
    m_busy->show();
    updateMessage();
}

void ArchitecturePage::readLabels()
{
    m_result.reset();
    m_names.clear();
    m_labelsError.clear();
    const QString path = labelsPath();
    if (!path.isEmpty()) {
        auto names = ClassNamesFile::read(path);
        if (names)
            m_names = *names;
        else
            m_labelsError = names.errorString();
    }
    updateMessage();
}

void ArchitecturePage::updateMessage()
{
    if (isLoading())
        m_message->setText(tr("Reading the weights with %1…").arg(QFileInfo(architecturePath()).fileName()));
    else if (!m_loadError.isEmpty())
        m_message->setText(m_loadError);
    else if (!m_withArch)
        m_message->setText(tr("%1 holds weights only: choose the architecture JSON that describes it.")
                               .arg(m_source ? QFileInfo(m_source->sourcePath).fileName() : tr("The file")));
    else
        m_message->setText(tr("%1 layers; the architecture comes from %2.")
                               .arg(m_withArch->model.layers.size())
                               .arg(m_withArch->architectureSource == QLatin1String("file")
                                        ? tr("the file itself")
                                        : QDir::toNativeSeparators(m_withArch->architectureSource)));

    if (!m_labelsError.isEmpty())
        m_labelsMessage->setText(m_labelsError);
    else if (!m_names.isEmpty())
        m_labelsMessage->setText(tr("%n old class(es): %1", nullptr, int(m_names.size()))
                                     .arg(m_names.mid(0, 12).join(QStringLiteral(", "))
                                          + (m_names.size() > 12 ? QStringLiteral(", …") : QString())));
    else if (m_source && !m_source->classNames.isEmpty())
        m_labelsMessage->setText(
            tr("%n old class name(s) found beside the weights.", nullptr, int(m_source->classNames.size())));
    else
        m_labelsMessage->setText(tr("No old class names: the head plan will refer to old classes by index."));
    Q_EMIT completeChanged();
}

bool ArchitecturePage::isComplete() const
{
    return !isLoading() && !m_timer->isActive() && m_withArch && m_jsonLoaded == architecturePath()
           && m_labelsError.isEmpty();
}

bool ArchitecturePage::validatePage()
{
    if (!isComplete()) {
        if (!isLoading() && m_jsonLoaded != architecturePath())
            reload();
        return false;
    }
    if (!m_result) {
        auto model = std::make_shared<LoadedModel>(*m_withArch);
        if (!m_names.isEmpty()) {
            // The names must match the old output layer, or copying by name would pick wrong neurons.
            if (auto head = HeadRemapper::locate(model->model); head && head->units != m_names.size()) {
                m_labelsError = tr("%1 names %2 classes, but the output layer %3 has %4 units.")
                                    .arg(QFileInfo(labelsPath()).fileName())
                                    .arg(m_names.size())
                                    .arg(head->layer)
                                    .arg(head->units);
                updateMessage();
                return false;
            }
            model->classNames = m_names;
        } else if (model->classNames.isEmpty() && m_source) {
            model->classNames = m_source->classNames;
        }
        m_result = model;
    }
    m_wizard->draft()->setModel(m_result);
    return true;
}

} // namespace graft::ui::wizard
