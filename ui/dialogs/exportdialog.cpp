#include "ui/dialogs/exportdialog.h"

#include "ui/widgets/exportpanel.h"

#include <QDialogButtonBox>
#include <QMessageBox>
#include <QPushButton>
#include <QVBoxLayout>

namespace graft::ui {

ExportDialog::ExportDialog(QWidget *parent) : QDialog(parent), m_panel(new ExportPanel(this))
{
    setWindowTitle(tr("Export"));
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_panel, 1);
    layout->addWidget(buttons);
    resize(620, 440);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    // Closing would drop the export's report (and its plots) while the model is being written.
    connect(m_panel, &ExportPanel::busyChanged, buttons->button(QDialogButtonBox::Close), &QWidget::setDisabled);
    connect(m_panel, &ExportPanel::exportFailed, this, [this](const QString &message) {
        if (m_showErrorDialogs)
            QMessageBox::warning(this, tr("Export failed"), message);
    });
}

} // namespace graft::ui
