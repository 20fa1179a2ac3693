#pragma once

#include "core/dataset/datasettypes.h"
#include "ui/document/openeddataset.h"

#include <QString>
#include <QStringList>
#include <QVector>
#include <QWidget>

#include <cstdint>
#include <memory>
#include <vector>

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

namespace graft::ui {

class ClassCountChart;
class ClassCountModel;
class DatasetSource;
class FeatureSettingsForm;
class SamplePreview;
class SamplesPanel;
class TextPreviewPanel;
class TextSettingsWidget;
class Workbench;
struct DatasetSettings;

/**
 * The Dataset page, a view of the Workbench's dataset: choose or drop a class folder (or X/y
 * arrays, or a text dataset); the classes with counts and a bar chart, the bad-files report, a
 * preview of a selected sample, the feature settings proposed from the model's input shape (for
 * texts: tokenizer, columns and padding, and a tokenized preview), and the samples made for
 * training. Every setting edited here becomes the DatasetSource's; scanning and all dataset
 * logic are the source's and core's.
 */
class DatasetPage final : public QWidget
{
    Q_OBJECT
public:
    explicit DatasetPage(Workbench *workbench, QWidget *parent = nullptr);
    ~DatasetPage() override;

    DatasetSource *source() const { return m_source; }
    /** The dataset shown: the source's last scan. */
    std::shared_ptr<const OpenedDataset> dataset() const;
    QStringList classNames() const;
    QVector<int> classCounts() const;

    /** The model's input shape without the batch axis: the feature settings are proposed from it. */
    void setModelInputShape(const std::vector<std::int64_t> &shape);
    /** The model's first layer is an Embedding: the Text settings are shown even before a text dataset is open. */
    void setModelTakesTokens(bool takesTokens);

    /** Used when there is no validation folder: the fraction split off (stratified, seeded). */
    double validationFraction() const;
    void setValidationFraction(double fraction);
    std::uint64_t splitSeed() const;
    void setSplitSeed(std::uint64_t seed);

    /** Previews the sample at `index` of the training samples (class folders) or array rows. */
    void previewSample(int index);

    FeatureSettingsForm *featureSettings() const { return m_settings; }
    ClassCountModel *classModel() const { return m_classes; }
    QTableView *classView() const { return m_classView; }
    QCustomPlot *countsChart() const;
    QTableWidget *issuesTable() const { return m_issues; }
    QListWidget *sampleList() const { return m_samples; }
    SamplePreview *preview() const { return m_preview; }
    TextSettingsWidget *textSettingsWidget() const { return m_textSettings; }
    TextPreviewPanel *textPreview() const { return m_textPreview; }
    SamplesPanel *samplesPanel() const { return m_samplesPanel; }

    /** Tests switch off modal error dialogs; errors still reach the source's scanFailed and the summary line. */
    void setShowErrorDialogs(bool show) { m_showErrorDialogs = show; }

Q_SIGNALS:
    /** The page shows a newly scanned dataset. */
    void datasetChanged();

protected:
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    QWidget *buildSettingsColumn();
    void connectSettings();
    void chooseFolder();
    void chooseArrays();
    void chooseTable();
    void modelChanged();
    void publishSettings();
    void showSettings();
    void updateTextWidgets();
    void showDataset();
    QString summaryOf(const OpenedDataset &dataset) const;
    void showScanFailure(const QString &message);
    void setScanning(bool scanning, const QString &path = QString());
    void updateIssues();
    void updateSampleList();
    void previewCurrentSample();

    Workbench *m_workbench;
    DatasetSource *m_source;
    bool m_showErrorDialogs = true;
    bool m_showingSettings = false; ///< the source's settings are being shown: no edits to publish
    bool m_modelTakesTokens = false;
    QVector<int> m_listedSamples; ///< sample (or array row) index of each row of m_samples

    QLabel *m_summary;
    QPushButton *m_chooseFolder;
    QPushButton *m_chooseArrays;
    QPushButton *m_chooseTable;
    QProgressBar *m_progress;
    QPushButton *m_cancel;
    ClassCountModel *m_classes;
    QTableView *m_classView;
    ClassCountChart *m_chart;
    QTableWidget *m_issues;
    QListWidget *m_samples;
    SamplePreview *m_preview;
    TextPreviewPanel *m_textPreview;
    TextSettingsWidget *m_textSettings;
    FeatureSettingsForm *m_settings;
    QDoubleSpinBox *m_validationFraction;
    QSpinBox *m_seed;
    SamplesPanel *m_samplesPanel;
    QTimer *m_previewTimer;
};

} // namespace graft::ui
