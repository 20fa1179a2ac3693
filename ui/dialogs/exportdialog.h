#pragma once

#include <QDialog>

namespace graft::ui {

class ExportPanel;

/**
 * File → Export: the ExportPanel (the model in any format core/export writes, with its class
 * names, history and plots) in a dialog with a Close button, which waits while a file is written.
 */
class ExportDialog final : public QDialog
{
    Q_OBJECT
public:
    explicit ExportDialog(QWidget *parent = nullptr);

    ExportPanel *panel() const { return m_panel; }

    /** Tests switch off modal error dialogs; errors still reach the panel's exportFailed and its log. */
    void setShowErrorDialogs(bool show) { m_showErrorDialogs = show; }

private:
    ExportPanel *m_panel;
    bool m_showErrorDialogs = true;
};

} // namespace graft::ui
