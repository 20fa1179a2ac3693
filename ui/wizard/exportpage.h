#pragma once

#include <QStringList>
#include <QWizardPage>

class QCheckBox;
class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;

namespace graft::ui {
class FineTuneWizard;
class PathField;
}

namespace graft::ui::wizard {

/**
 * Step 8: writes the fine-tuned model with ModelExporter on a pool thread — the format
 * follows the file name as in File → Export (.h5, .weights.h5, .keras, .pt) — with the
 * class names and the training history beside it, and lists the files written.
 */
class ExportPage final : public QWizardPage
{
    Q_OBJECT
public:
    explicit ExportPage(FineTuneWizard *wizard);

    void setTargetPath(const QString &path);
    QString targetPath() const;
    void setFullModel(bool full);
    bool isExporting() const { return m_exporting; }
    QStringList writtenFiles() const { return m_written; }
    QString message() const;

    void initializePage() override;
    bool isComplete() const override;

public Q_SLOTS:
    void startExport();

Q_SIGNALS:
    void exportFinished(bool ok);

private:
    void fail(const QString &message);

    FineTuneWizard *m_wizard;
    PathField *m_target;
    QCheckBox *m_full;
    QCheckBox *m_labels;
    QCheckBox *m_history;
    QPushButton *m_export;
    QProgressBar *m_busy;
    QLabel *m_message;
    QPlainTextEdit *m_files;
    QStringList m_written;
    QString m_writtenTarget;
    bool m_exporting = false;
};

} // namespace graft::ui::wizard
