#pragma once

#include "ui/async/latestrequest.h"
#include "ui/document/datasetsettings.h"
#include "ui/document/openeddataset.h"

#include <QObject>
#include <QString>

#include <memory>

class QTimer;

namespace graft {
struct LoadedModel;
struct Project;
struct TrainingData;
} // namespace graft

namespace graft::ui {

class TrainingDataJob;

/**
 * The dataset side of the Workbench: the dataset the Dataset page shows (one scan of a path:
 * class folders, arrays or a text dataset; cancellable), how it is read (DatasetSettings), and
 * the model-ready samples made from it for the open model on a worker thread. Samples are made
 * when a scan ends with a model open, when the text settings settle, and again for a new model;
 * loadSamples() makes them on request ("Load for Training"). No widgets.
 */
class DatasetSource final : public QObject
{
    Q_OBJECT
public:
    explicit DatasetSource(QObject *parent = nullptr);
    ~DatasetSource() override;

    /**
     * A class folder (or one holding train/ and val/), a folder with X.npy and y.npy, an
     * .npy/.npz/.h5/.hdf5 array file, a .csv/.tsv text table or class folders of .txt files,
     * scanned on a worker thread: scanStarted, then scanned or scanFailed (or scanCancelled).
     */
    void open(const QString &path);
    /** Stops the running scan; the dataset scanned before stays. */
    void cancelScan();
    bool isScanning() const { return m_scanJob.isRunning(); }
    /** What the last scan found (nullptr before any). */
    std::shared_ptr<const OpenedDataset> opened() const { return m_scanned; }
    QString path() const;

    const DatasetSettings &settings() const { return m_settings; }
    /** The Dataset page's edits; new text settings make the samples again once edits pause. */
    void setSettings(const DatasetSettings &settings);
    /** Settings from elsewhere (a project): settingsReplaced tells the page to show them. */
    void replaceSettings(const DatasetSettings &settings);
    /** Empty when the scanned dataset can be made into samples; else what the user must choose first. */
    QString problem() const;
    /** How training reads the scanned dataset: split, seed, features checked against the model, text settings. */
    TrainingDataSource trainingDataSource() const;

    /** The model samples are shaped for. Samples made for another model go (and are made again from the scan). */
    void setModel(std::shared_ptr<const LoadedModel> model);
    /** Makes samples of the scanned dataset with the settings: samplesLoading, then samplesLoaded or samplesFailed (or samplesRefused). */
    void loadSamples();
    /** Makes samples from `source` (the wizard's own choice of folder and split); `path` names them. */
    void loadSamples(const TrainingDataSource &source, const QString &path);
    /** Stops making samples; returns whether a load was running. */
    bool cancelSamples();
    bool isLoadingSamples() const;
    /** Samples made elsewhere (the wizard, tests); nullptr clears. */
    void setSamples(std::shared_ptr<const TrainingData> samples, const QString &path = QString());
    std::shared_ptr<const TrainingData> samples() const { return m_samples; }
    QString samplesPath() const { return m_samplesPath; }

    /** The dataset part of a project: its path, split (the seed is training.seed), features, text settings. */
    void saveTo(Project &project) const;
    /** Applies a project's dataset settings, then opens its dataset (when it names one). */
    void loadFrom(const Project &project);

Q_SIGNALS:
    void scanStarted(const QString &path);
    void scanned();
    void scanFailed(const QString &message);
    void scanCancelled();
    /** setSettings() or replaceSettings() changed something. */
    void settingsChanged();
    void settingsReplaced();

    void samplesLoading(const QString &path);
    /** Feature extraction of the running load: `done` of `total` files. */
    void samplesProgress(int done, int total);
    void samplesLoaded();
    /** Making the samples failed. */
    void samplesFailed(const QString &message);
    /** Nothing was attempted: `problem` says what to choose first (no model, no vocabulary…). */
    void samplesRefused(const QString &problem);
    void samplesCancelled();
    /** samples() changed (loaded, set, or dropped for another model). */
    void samplesChanged();

private:
    void finishScan(const OpenedDataset::ScanOutcome &outcome);
    void reloadTextSamples();

    std::shared_ptr<const LoadedModel> m_model;
    std::shared_ptr<const OpenedDataset> m_scanned;
    DatasetSettings m_settings;
    std::shared_ptr<const TrainingData> m_samples;
    QString m_samplesPath;
    QString m_loadingPath;
    TrainingDataJob *m_samplesJob;
    QTimer *m_textSettled;
    LatestRequest<OpenedDataset::ScanOutcome> m_scanJob{this};
};

} // namespace graft::ui
