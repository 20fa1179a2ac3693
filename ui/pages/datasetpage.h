#pragma once

#include "core/dataset/datasettypes.h"
#include "core/training/trainingdata.h"
#include "ui/document/openeddataset.h"

#include <QString>
#include <QStringList>
#include <QVector>
#include <QWidget>

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

class QCPBars;
class QCustomPlot;
class QDoubleSpinBox;
class QLabel;
class QListWidget;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableView;
class QTableWidget;
class QTimer;

namespace graft {
struct Project;
}

namespace graft::ui {

class ClassCountModel;
class FeatureSettingsForm;
class SamplePreview;
class TextPreviewPanel;
class TextSettingsWidget;

/**
 * The Dataset page: choose or drop a class folder (or X/y arrays, or a text dataset),
 * scanned off the GUI thread; the classes with counts and a bar chart, the bad-files
 * report, a preview of a selected sample, and the feature settings proposed from the
 * model's input shape (for texts: tokenizer, columns and padding, and a tokenized
 * preview). All dataset logic is core's (ClassFolderScanner, ArrayDatasetLoader, TextDatasetLoader).
 */
class DatasetPage final : public QWidget
{
    Q_OBJECT
public:
    explicit DatasetPage(QWidget *parent = nullptr);
    ~DatasetPage() override;

    /**
     * A class folder (or one holding train/ and val/), a folder with X.npy and y.npy,
     * an .npy/.npz/.h5/.hdf5 array file, a .csv/.tsv text table or class folders of .txt files. Scans on a worker thread; datasetChanged
     * or scanFailed follows (or scanCancelled after cancelScan()).
     */
    void openPath(const QString &path);
    void openFolder(const QString &path) { openPath(path); }
    /** Drops the running scan's result; the page keeps the dataset it showed before. */
    void cancelScan();
    bool isScanning() const { return m_scanning; }

    /** The model's input shape without the batch axis; the feature settings are proposed from it. */
    void setModelInputShape(const std::vector<std::int64_t> &shape);
    /** The model's first layer is an Embedding: the Text settings are shown even before a text dataset is open. */
    void setModelTakesTokens(bool takesTokens);

    /** The text settings when a text dataset is open (inactive otherwise). */
    TextSourceSettings textSettings() const;
    /** Empty when the open dataset can be loaded for training; else what the user must choose first. */
    QString loadProblem() const;
    /** How training reads `path` (the page's dataset): split, seed, and for texts the train/val paths and text settings. */
    TrainingDataSource trainingDataSource(const QString &path) const;

    std::shared_ptr<const OpenedDataset> dataset() const { return m_dataset; }
    QString datasetPath() const;
    QStringList classNames() const;
    QVector<int> classCounts() const;

    /** Used when there is no validation folder: the fraction split off (stratified, seeded). */
    double validationFraction() const;
    void setValidationFraction(double fraction);
    std::uint64_t splitSeed() const;
    void setSplitSeed(std::uint64_t seed);

    /** Writes the dataset path, validation split, split seed (training.seed), feature settings and, for a text dataset, the text settings into `project`. */
    void saveTo(Project &project) const;
    /** Applies a project's split, feature and text settings (text columns included), then opens its dataset (when it names one). */
    void loadFrom(const Project &project);

    /** Previews the sample at `index` of the training samples (class folders) or array rows. */
    void previewSample(int index);

    FeatureSettingsForm *featureSettings() const { return m_settings; }
    ClassCountModel *classModel() const { return m_classes; }
    QTableView *classView() const { return m_classView; }
    QCustomPlot *countsChart() const { return m_chart; }
    QTableWidget *issuesTable() const { return m_issues; }
    QListWidget *sampleList() const { return m_samples; }
    SamplePreview *preview() const { return m_preview; }
    TextSettingsWidget *textSettingsWidget() const { return m_textSettings; }
    TextPreviewPanel *textPreview() const { return m_textPreview; }

    /** Tests switch off modal error dialogs; errors still reach scanFailed and the summary line. */
    void setShowErrorDialogs(bool show) { m_showErrorDialogs = show; }

Q_SIGNALS:
    void scanStarted(const QString &path);
    void datasetChanged();
    void scanFailed(const QString &message);
    void scanCancelled();
    /** The feature settings or the validation split changed. */
    void featureSettingsChanged();
    /** The tokenizer, vocabulary, max length or padding changed, 400 ms after the last edit (columns rescan the table: datasetChanged follows). */
    void textSettingsChanged();

protected:
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void chooseFolder();
    void chooseArrays();
    void chooseTable();
    void updateTextWidgets();
    void showDataset(std::shared_ptr<const OpenedDataset> dataset);
    void showScanFailure(const QString &message);
    void setScanning(bool scanning, const QString &path = QString());
    void updateChart();
    void updateIssues();
    void updateSampleList();
    void previewCurrentSample();

    std::shared_ptr<const OpenedDataset> m_dataset;
    quint64 m_scanRequest = 0;
    bool m_scanning = false;
    bool m_showErrorDialogs = true;
    QVector<int> m_listedSamples; ///< sample (or array row) index of each row of m_samples

    QLabel *m_summary;
    QPushButton *m_chooseFolder;
    QPushButton *m_chooseArrays;
    QPushButton *m_chooseTable;
    QProgressBar *m_progress;
    QPushButton *m_cancel;
    ClassCountModel *m_classes;
    QTableView *m_classView;
    QCustomPlot *m_chart;
    QCPBars *m_trainBars;
    QCPBars *m_validationBars;
    QTableWidget *m_issues;
    QListWidget *m_samples;
    SamplePreview *m_preview;
    TextPreviewPanel *m_textPreview;
    TextSettingsWidget *m_textSettings;
    bool m_modelTakesTokens = false;
    FeatureSettingsForm *m_settings;
    QDoubleSpinBox *m_validationFraction;
    QSpinBox *m_seed;
    QTimer *m_previewTimer;
    QTimer *m_textTimer;
};

} // namespace graft::ui
