#pragma once

#include "core/export/companionfiles.h"
#include "core/export/modelexporter.h"
#include "ui/async/latestrequest.h"
#include "ui/plots/plotfiles.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <QVector>
#include <QWidget>

#include <memory>

class QCheckBox;
class QComboBox;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;

namespace graft {
struct LoadedModel;
}

namespace graft::ui {

class PathField;

/**
 * Writing a model that Keras or PyTorch load again, as File → Export and the wizard's last step
 * both show it: the format (Keras 2 weights or full .h5, Keras 3 .weights.h5, .keras, TorchScript
 * .pt), the file (typing a known suffix chooses its format; choosing a format changes the suffix),
 * what to write beside it (class names, architecture JSON, training history, plots) and a log of
 * the files written. The model is written on a pool thread; plots are rendered on the GUI thread
 * after it. The files the model was read from, and setProtectedInputs(), are never overwritten.
 */
class ExportPanel final : public QWidget
{
    Q_OBJECT
public:
    explicit ExportPanel(QWidget *parent = nullptr);
    ~ExportPanel() override;

    /**
     * The model to write; its classNames are the labels written unless setClassNames overrides
     * them. With no target yet, proposes <last export folder>/<stem>-finetuned<suffix>.
     */
    void setModel(std::shared_ptr<const LoadedModel> model);
    /** The new head's class names in output order (written as <stem>.labels.txt). */
    void setClassNames(const QStringList &names);
    void setHistory(const QVector<HistoryEpoch> &history);
    /** Plots saved beside the model after it is written. */
    void setPlots(const QList<NamedPlot> &plots);
    /** More files never to overwrite (the dataset, the architecture JSON given by the user…). */
    void setProtectedInputs(const QStringList &paths);

    void setTargetPath(const QString &path);
    QString targetPath() const;
    /** Changes the target's suffix to the format's (.h5, .weights.h5, .keras, .pt). */
    void setFormat(ExportFormat format);
    ExportFormat format() const;
    void setPlotFormat(PlotFileFormat format);
    /** The target field (a wizard registers it as a mandatory field). */
    PathField *targetField() const { return m_target; }

    /** What the Export button does; exportFinished or exportFailed follows. */
    void startExport();
    bool isExporting() const { return m_write.isRunning(); }
    QStringList writtenFiles() const { return m_written; }
    QStringList warnings() const { return m_warnings; }
    QString logText() const;

    static QString suffixFor(ExportFormat format);

Q_SIGNALS:
    /** The target or the format changed (a finished export no longer describes what would be written). */
    void edited();
    /** An export started (`busy`) or ended. */
    void busyChanged(bool busy);
    void exportFinished(const QStringList &writtenFiles);
    void exportFailed(const QString &message);

private:
    struct Outcome;
    void proposeTarget();
    void formatChosen();
    bool formatFollowsName(const QString &path);
    void targetBrowsed(const QString &path);
    void updateAvailability();
    void finishExport(const Outcome &outcome);
    void fail(const QString &message);
    void setBusy(bool busy);
    QStringList classNames() const;

    std::shared_ptr<const LoadedModel> m_model;
    QStringList m_classNames;
    bool m_classNamesSet = false;
    QVector<HistoryEpoch> m_history;
    QList<NamedPlot> m_plots;
    QStringList m_protected;
    QStringList m_written;
    QStringList m_warnings;

    QComboBox *m_format;
    PathField *m_target;
    QCheckBox *m_labels;
    QCheckBox *m_architecture;
    QCheckBox *m_historyBox;
    QCheckBox *m_plotsBox;
    QComboBox *m_plotFormat;
    QProgressBar *m_progress;
    QPlainTextEdit *m_log;
    QPushButton *m_export;
    LatestRequest<Outcome> m_write{this};
};

} // namespace graft::ui
