#include "ui/wizard/exportpage.h"

#include "core/model/modelspec.h"
#include "core/training/historyrows.h"
#include "ui/document/datasetsource.h"
#include "ui/document/workbench.h"
#include "ui/widgets/exportpanel.h"
#include "ui/widgets/pathfield.h"
#include "ui/wizard/finetunewizard.h"

#include <QLineEdit>
#include <QVBoxLayout>

namespace graft::ui::wizard {

ExportPage::ExportPage(FineTuneWizard *wizard) : m_wizard(wizard), m_panel(new ExportPanel(this))
{
    setTitle(tr("Export"));
    setSubTitle(tr("The format follows the file name: .h5 (Keras 2), .weights.h5 (Keras 3), .keras, or .pt "
                   "(TorchScript). Finish opens the result in the workbench."));
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_panel);
    registerField(QStringLiteral("exportPath*"), m_panel->targetField()->lineEdit());
    connect(m_panel, &ExportPanel::edited, this, &ExportPage::completeChanged);
    connect(m_panel, &ExportPanel::busyChanged, this, &ExportPage::completeChanged);
    connect(m_panel, &ExportPanel::exportFinished, this, [this](const QStringList &written) {
        m_written = written;
        m_writtenTarget = m_panel->targetPath();
        m_writtenFormat = m_panel->format();
        Q_EMIT completeChanged();
    });
    connect(m_panel, &ExportPanel::exportFailed, this, [this] {
        m_written.clear();
        Q_EMIT completeChanged();
    });
}

void ExportPage::initializePage()
{
    const Workbench *draft = m_wizard->draft();
    const auto trained = draft->trainedModel();
    m_panel->setModel(trained);
    if (!trained)
        return;
    m_panel->setHistory(draft->outcome() ? historyRows(draft->outcome()->fineTuned.history) : QVector<HistoryEpoch>());
    QStringList protectedInputs{trained->sourcePath, draft->dataset()->samplesPath()};
    if (trained->architectureSource != QLatin1String("file"))
        protectedInputs << trained->architectureSource;
    m_panel->setProtectedInputs(protectedInputs);
}

bool ExportPage::isComplete() const
{
    return !m_panel->isExporting() && !m_written.isEmpty() && m_writtenTarget == m_panel->targetPath()
           && m_writtenFormat == m_panel->format();
}

} // namespace graft::ui::wizard
