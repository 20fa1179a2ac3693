#pragma once

#include "core/export/companionfiles.h"
#include "core/export/modelexporter.h"

#include <QDialog>
#include <QList>
#include <QString>
#include <QStringList>
#include <QVector>

#include <memory>

class QCheckBox;
class QComboBox;
class QCustomPlot;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;

namespace graft {
struct LoadedModel;
}

namespace graft::ui {

/** A plot to save beside the model: `name` becomes part of the file name (<stem>.<name>.png). */
struct NamedPlot
{
    QString name;
    QCustomPlot *plot = nullptr;
};

/**
 * File → Export: writes the model in any format core/export knows (Keras 2
 * weights or full .h5, Keras 3 .weights.h5, .keras, TorchScript .pt), plus the
 * class names, the training history CSV and the plots as PNG or PDF. The model
 * is written on a worker thread; the source files are never overwritten (core refuses).
 */
class ExportDialog final : public QDialog
{
    Q_OBJECT
public:
    enum class PlotFormat { Png, Pdf };

    explicit ExportDialog(QWidget *parent = nullptr);
    ~ExportDialog() override;

    /** The model to write; its classNames are the labels written unless setClassNames overrides them. */
    void setModel(std::shared_ptr<const LoadedModel> model);
    /** The new head's class names in output order (written as <stem>.labels.txt). */
    void setClassNames(const QStringList &names);
    void setHistory(const QVector<HistoryEpoch> &history);
    /** Plots saved on the GUI thread after the model is written (QCustomPlot renders with widgets). */
    void setPlots(const QList<NamedPlot> &plots);
    /** More files never to overwrite (the dataset, the architecture JSON given by the user…). */
    void setProtectedInputs(const QStringList &paths);

    void setTargetPath(const QString &path);
    QString targetPath() const;
    /** Changes the target's suffix to the format's (.h5, .weights.h5, .keras, .pt). */
    void setFormat(ExportFormat format);
    ExportFormat format() const;
    void setPlotFormat(PlotFormat format);
    void setWriteLabels(bool write);
    void setWriteArchitecture(bool write);
    void setWriteHistory(bool write);
    void setWritePlots(bool write);

    /** What the Export button does; exportFinished or exportFailed follows. */
    void startExport();
    bool isExporting() const { return m_exporting; }
    QStringList writtenFiles() const { return m_written; }
    QStringList warnings() const { return m_warnings; }

    /** Tests switch off modal error dialogs; errors still reach exportFailed and the log. */
    void setShowErrorDialogs(bool show) { m_showErrorDialogs = show; }

    static QString suffixFor(ExportFormat format);

Q_SIGNALS:
    void exportFinished(const QStringList &writtenFiles);
    void exportFailed(const QString &message);

private:
    struct Outcome;
    void chooseTarget();
    void onFormatChanged();
    void updateAvailability();
    void finishExport(const Outcome &outcome);
    Expected<QStringList> savePlots(const QString &modelPath, const QStringList &protectedInputs);
    void fail(const QString &message);
    void setExporting(bool exporting);

    std::shared_ptr<const LoadedModel> m_model;
    QStringList m_classNames;
    bool m_classNamesSet = false;
    QVector<HistoryEpoch> m_history;
    QList<NamedPlot> m_plots;
    QStringList m_protected;
    QStringList m_written;
    QStringList m_warnings;
    bool m_exporting = false;
    bool m_showErrorDialogs = true;

    QComboBox *m_format;
    QLineEdit *m_target;
    QPushButton *m_browse;
    QCheckBox *m_labels;
    QCheckBox *m_architecture;
    QCheckBox *m_historyBox;
    QCheckBox *m_plotsBox;
    QComboBox *m_plotFormat;
    QProgressBar *m_progress;
    QPlainTextEdit *m_log;
    QPushButton *m_export;
    QPushButton *m_close;
};

} // namespace graft::ui
