#pragma once

#include "core/export/modelexporter.h"

#include <QStringList>
#include <QWizardPage>

namespace graft::ui {
class ExportPanel;
class FineTuneWizard;
} // namespace graft::ui

namespace graft::ui::wizard {

/**
 * Step 8: writes the fine-tuned model with the same ExportPanel as File → Export (format,
 * file, class names, architecture JSON and history beside it). Finish is enabled once the
 * file named in the panel has been written.
 */
class ExportPage final : public QWizardPage
{
    Q_OBJECT
public:
    explicit ExportPage(FineTuneWizard *wizard);

    ExportPanel *panel() const { return m_panel; }
    /** The files the last export wrote (model first). */
    QStringList writtenFiles() const { return m_written; }

    void initializePage() override;
    bool isComplete() const override;

private:
    FineTuneWizard *m_wizard;
    ExportPanel *m_panel;
    QStringList m_written;
    QString m_writtenTarget; ///< what m_written describes: Finish waits for the current target
    ExportFormat m_writtenFormat = ExportFormat::Keras2Weights;
};

} // namespace graft::ui::wizard
