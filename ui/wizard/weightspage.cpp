#include "ui/wizard/weightspage.h"

#include "core/formats/kerasfileloader.h"
#include "core/model/modelsummary.h"
#include "ui/common/settingskeys.h"
#include "ui/common/timings.h"
#include "ui/document/workbench.h"
#include "ui/widgets/pathfield.h"
#include "ui/wizard/finetunewizard.h"

#include <QFileInfo>
#include <QFontDatabase>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QSettings>
#include <QTimer>
#include <QVBoxLayout>

namespace graft::ui::wizard {

namespace {

QString shapeText(const Shape &shape)
{
    QStringList dims;
    for (std::int64_t d : shape)
        dims << (d > 0 ? QString::number(d) : QStringLiteral("None"));
    return QStringLiteral("(%1)").arg(dims.join(QStringLiteral(", ")));
}

} // namespace

WeightsPage::WeightsPage(FineTuneWizard *wizard)
    : m_wizard(wizard), m_path(new PathField(PathField::Kind::OpenFile, tr("Choose Keras Weights or Model"), this)),
      m_message(new QLabel(this)), m_busy(new QProgressBar(this)), m_summary(new QPlainTextEdit(this)),
      m_timer(new QTimer(this))
{
    setTitle(tr("Weights"));
    setSubTitle(tr(
        "The trained Keras classifier to start from: weights-only or full .h5/.hdf5, Keras 3 .weights.h5, or .keras."));
    m_path->setNameFilter(tr("Keras files (*.h5 *.hdf5 *.keras);;All files (*)"));
    m_path->setRememberedFolderKey(QString::fromLatin1(settingskeys::lastModelFolder));
    m_path->lineEdit()->setPlaceholderText(tr("Path of a .h5, .hdf5, .weights.h5 or .keras file"));
    m_path->lineEdit()->setToolTip(tr("The format is detected from the content; the file is never written."));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_busy->setRange(0, 0);
    m_busy->hide();
    m_summary->setReadOnly(true);
    m_summary->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_summary->setPlaceholderText(tr("The layers and parameter counts appear here once the file is read."));
    m_timer->setSingleShot(true);
    m_timer->setInterval(timing::typedPathDebounce);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_path);
    layout->addWidget(m_busy);
    layout->addWidget(m_message);
    layout->addWidget(m_summary, 1);

    registerField(QStringLiteral("weightsPath*"), m_path->lineEdit());
    connect(m_path, &PathField::edited, this, &WeightsPage::pathEdited);
    connect(m_path, &PathField::browsed, this, &WeightsPage::load); // chosen, not typed: read it now
    connect(m_timer, &QTimer::timeout, this, &WeightsPage::load);
}

void WeightsPage::setPath(const QString &path)
{
    m_path->setPath(path);
}

QString WeightsPage::path() const
{
    return m_path->path();
}

QString WeightsPage::message() const
{
    return m_message->text();
}

void WeightsPage::pathEdited()
{
    m_model.reset();
    m_loadedPath.clear();
    m_failedPath.clear();
    m_summary->clear();
    m_message->clear();
    m_timer->start();
    Q_EMIT completeChanged();
}

void WeightsPage::showError(const QString &message)
{
    m_message->setText(message);
    m_failedPath = path();
    m_summary->clear();
    Q_EMIT completeChanged();
    Q_EMIT loadFinished(false);
}

void WeightsPage::load()
{
    m_timer->stop();
    if (m_load.cancel()) // a read of another path: its model is not this one
        m_busy->hide();
    const QString file = path();
    if (file.isEmpty()) {
        showError(tr("Choose the weights file to fine-tune."));
        return;
    }
    if (m_model && m_loadedPath == file)
        return;
    const QFileInfo info(file);
    if (!info.exists()) {
        showError(tr("%1: no such file. Choose an existing .h5, .hdf5, .weights.h5 or .keras file.").arg(file));
        return;
    }
    if (!info.isFile()) {
        showError(tr("%1 is a folder, not a Keras file.").arg(file));
        return;
    }
    // Large files take seconds to read: off the GUI thread. A newer path supersedes this one.
    m_load.start([file](const CancelToken &) { return KerasFileLoader::load(file, LoadOptions{}); },
                 [this, file](Expected<LoadedModel> result) {
                     m_busy->hide();
                     if (result)
                         showLoaded(std::make_shared<LoadedModel>(std::move(result).value()), file);
                     else
                         showError(result.errorString());
                 });
    m_busy->show();
    m_message->setText(tr("Reading %1…").arg(info.fileName()));
    Q_EMIT completeChanged();
}

void WeightsPage::showLoaded(std::shared_ptr<LoadedModel> model, const QString &file)
{
    const ParamCount params = model->params();
    const QLocale locale;
    QString text = tr("%1 · Keras %2 · %3 layers · %4 parameters (%5 trainable).")
                       .arg(model->format, model->kerasVersion.isEmpty() ? tr("?") : model->kerasVersion)
                       .arg(model->model.layers.size())
                       .arg(locale.toString(qlonglong(params.total)), locale.toString(qlonglong(params.trainable)));
    if (model->hasArchitecture)
        text += tr(" Input %1.").arg(shapeText(ModelSummary::inputShape(*model)));
    else
        text += tr(" No architecture: the next page asks for it.");
    text += model->classNames.isEmpty() ? tr(" No old class names found beside the file.")
                                        : tr(" %n old class name(s).", nullptr, int(model->classNames.size()));
    for (const QString &warning : model->warnings)
        text += QLatin1Char('\n') + tr("Warning: %1").arg(warning);
    m_message->setText(text);
    m_summary->setPlainText(ModelSummary::table(*model));
    m_model = model;
    m_loadedPath = file;
    m_wizard->draft()->setModel(model);
    Q_EMIT completeChanged();
    Q_EMIT loadFinished(true);
}

bool WeightsPage::isComplete() const
{
    return !isLoading() && m_model && m_loadedPath == path() && QWizardPage::isComplete();
}

bool WeightsPage::validatePage()
{
    if (isComplete()) {
        QSettings().setValue(settingskeys::lastModelFolder, QFileInfo(path()).absolutePath());
        m_wizard->draft()->setModel(m_model); // going back and forth: the architecture page may have replaced it
        return true;
    }
    if (!isLoading() && m_failedPath != path())
        load(); // says what is wrong with the path, or starts reading it
    return false;
}

} // namespace graft::ui::wizard
