#include "ui/wizard/finetunewizard.h"

#include "core/model/modelspec.h"
#include "ui/document/workbench.h"
#include "ui/wizard/architecturepage.h"
#include "ui/wizard/datapage.h"
#include "ui/wizard/exportpage.h"
#include "ui/wizard/headplanpage.h"
#include "ui/wizard/settingspage.h"
#include "ui/wizard/summarypage.h"
#include "ui/wizard/trainpage.h"
#include "ui/wizard/weightspage.h"

namespace graft::ui {

FineTuneWizard::FineTuneWizard(Workbench *target, QWidget *parent)
    : QWizard(parent), m_target(target), m_draft(new Workbench(this)), m_weights(new wizard::WeightsPage(this)),
      m_architecture(new wizard::ArchitecturePage(this)), m_dataPage(new wizard::DataPage(this)),
      m_head(new wizard::HeadPlanPage(this)), m_settings(new wizard::SettingsPage(this)),
      m_summary(new wizard::SummaryPage(this)), m_train(new wizard::TrainPage(this)),
      m_export(new wizard::ExportPage(this))
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

void FineTuneWizard::accept()
{
    if (m_target)
        m_target->adopt(*m_draft);
    QWizard::accept();
}

QStringList FineTuneWizard::writtenFiles() const
{
    return m_export->writtenFiles();
}

} // namespace graft::ui
