#pragma once

#include "core/audio/audiofeatureparams.h"
#include "ui/async/latestrequest.h"

#include <QImage>
#include <QString>
#include <QWidget>

#include <cstdint>
#include <functional>
#include <vector>

class QCPColorMap;
class QCustomPlot;
class QLabel;
class QStackedWidget;

namespace graft::ui {

/**
 * Shows one dataset sample: an audio file as its waveform and its feature heat
 * map (MFCC or mel, computed by core with the page's librosa settings), an image
 * as the picture, a feature array as a heat map (2-D) or a curve (1-D). Decoding
 * and feature extraction run on a worker thread (a LatestRequest): only the newest request is shown.
 */
class SamplePreview final : public QWidget
{
    Q_OBJECT
public:
    enum class Content { Empty, Loading, Audio, Image, Array, Error };

    explicit SamplePreview(QWidget *parent = nullptr);
    ~SamplePreview() override;

    void showAudioFile(const QString &path, const AudioFeatureParams &params);
    void showImageFile(const QString &path);
    /** A .npy file of one sample's features. */
    void showNpyFile(const QString &path);
    /** One sample of an in-memory array dataset (shape without the batch axis, C order). */
    void showArray(const std::vector<std::int64_t> &shape, const std::vector<float> &values, const QString &title);
    void clear(const QString &message = QString());

    Content content() const { return m_content; }
    QString currentPath() const { return m_path; }
    /** The caption above the plots, or the message shown instead of them. */
    QString message() const;
    QCustomPlot *waveformPlot() const { return m_waveform; }
    QCustomPlot *featurePlot() const { return m_features; }
    QCPColorMap *featureMap() const { return m_map; }
    QLabel *imageLabel() const { return m_image; }
    /** Rows (features) × columns (frames) of the heat map, 0 × 0 when none is shown. */
    int heatMapRows() const { return m_mapRows; }
    int heatMapColumns() const { return m_mapColumns; }
    /** Points on the waveform plot (after min/max decimation for long files). */
    int waveformPoints() const;

Q_SIGNALS:
    void previewReady();
    void previewFailed(const QString &message);

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    struct Loaded;
    void startLoading(const QString &path);
    void runInBackground(std::function<Loaded()> job);
    void finishLoading(const Loaded &loaded);
    void showHeatMap(const std::vector<float> &values, int rows, int columns, const QString &xLabel,
                     const QString &yLabel);
    void showCurve(const std::vector<float> &values, const QString &title);
    void showError(const QString &message);
    void updatePixmap();

    QStackedWidget *m_stack;
    QLabel *m_message;
    QWidget *m_plots;
    QCustomPlot *m_waveform;
    QCustomPlot *m_features;
    QCPColorMap *m_map;
    QLabel *m_image;
    QLabel *m_caption;
    QImage m_picture;
    Content m_content = Content::Empty;
    QString m_path;
    int m_mapRows = 0;
    int m_mapColumns = 0;
    LatestRequest<Loaded> m_load{this};
};

} // namespace graft::ui
