#include "ui/wizard/finetunewizard.h"

#include "core/formats/kerasfileloader.h"
#include "core/training/trainingdata.h"
#include "ui/models/headplanmodel.h"
#include "ui/wizard/architecturepage.h"
#include "ui/wizard/datapage.h"
#include "ui/wizard/exportpage.h"
#include "ui/wizard/headplanpage.h"
#include "ui/wizard/settingspage.h"
#include "ui/wizard/summarypage.h"
#include "ui/wizard/trainpage.h"
#include "ui/wizard/weightspage.h"

#include <QFutureWatcher>
#include <QPointer>
#include <QtConcurrent/QtConcurrentRun>

namespace graft::ui {

FineTuneWizard::FineTuneWizard(QWidget *parent)
    : QWizard(parent), m_weights(new wizard::WeightsPage(this)), m_architecture(new wizard::ArchitecturePage(this)),
      m_dataPage(new wizard::DataPage(this)), m_head(new wizard::HeadPlanPage(this)),
      m_settings(new wizard::SettingsPage), m_summary(new wizard::SummaryPage(this)),
      m_train(new wizard::TrainPage(this)), m_export(new wizard::ExportPage(this))
{
    setWindowTitle(tr("New Fine-tune"));
    setObjectName(QStringLiteral("fineTuneWizard"));
    setWizardStyle(QWizard::ClassicStyle);
    setOption(QWizard::NoBackButtonOnLastPage);
    setPage(WeightsPageId, m_weights);
    setPage(ArchitecturePageId, m_architecture);
    setPage(DatasetPageId, m_dataPage);
    setPage(HeadPageId, m_head);
    setPage(SettingsPageId, m_settings);
    setPage(SummaryPageId, m_summary);
    setPage(TrainPageId, m_train);
    setPage(ExportPageId, m_export);
    setStartId(WeightsPageId);
    resize(900, 680);
}

FineTuneWizard::~FineTuneWizard() = default;

int FineTuneWizard::nextId() const
{
    switch (currentId()) {
    case WeightsPageId: {
        // The architecture page only when the file lacks what fine-tuning needs from it.
        const auto loaded = m_weights->loadedModel();
        return loaded && (!loaded->hasArchitecture || loaded->classNames.isEmpty()) ? ArchitecturePageId
                                                                                    : DatasetPageId;
    }
    case ExportPageId: return -1;
    default: return currentId() + 1;
    }
}

void FineTuneWizard::setModel(std::shared_ptr<const LoadedModel> model)
{
    if (model == m_model)
        return;
    m_model = std::move(model);
    Q_EMIT modelChanged();
}

void FineTuneWizard::setData(std::shared_ptr<const TrainingData> data, const QString &path)
{
    if (data == m_data && path == m_dataPath)
        return;
    m_data = std::move(data);
    m_dataPath = path;
    Q_EMIT dataChanged();
}

FineTuneInputs FineTuneWizard::inputs() const
{
    return FineTuneInputs{m_model, m_data};
}

HeadPlan FineTuneWizard::plan() const
{
    return m_head->planModel()->plan();
}

TrainingParams FineTuneWizard::settings() const
{
    return m_settings->settings();
}

bool FineTuneWizard::compareScratch() const
{
    return m_settings->compareScratch();
}

void FineTuneWizard::setTrainingResult(const FineTuneOutcome &outcome, const QStringList &classNames)
{
    if (!m_model)
        return;
    // What File → Export writes in the workbench: the source model with the trained weights and new names.
    auto trained = std::make_shared<LoadedModel>(*m_model);
    trained->model = outcome.fineTuned.model;
    trained->classNames = classNames;
    m_trained = trained;
    m_outcome = outcome;
    m_trainedNames = classNames;
}

void FineTuneWizard::clearTrainingResult()
{
    m_trained.reset();
    m_outcome.reset();
    m_trainedNames.clear();
}

QStringList FineTuneWizard::writtenFiles() const
{
    return m_export->writtenFiles();
}

void FineTuneWizard::loadModel(QObject *context, const QString &path, const LoadOptions &options,
                               std::function<void(Expected<LoadedModel>)> done)
{
    auto *watcher = new QFutureWatcher<Expected<LoadedModel>>(context);
    QObject::connect(watcher, &QFutureWatcher<Expected<LoadedModel>>::finished, context,
                     [watcher, done = std::move(done)] {
                         watcher->deleteLater();
                         done(watcher->result());
                     });
    watcher->setFuture(QtConcurrent::run([path, options] { return KerasFileLoader::load(path, options); }));
}

} // namespace graft::ui
