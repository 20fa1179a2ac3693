#include "ui/plots/samplepreview.h"

#include "core/audio/audioloader.h"
#include "core/audio/featureextractor.h"
#include "core/dataset/samplesettings.h"
#include "core/io/npyfile.h"

#include <qcustomplot.h>

#include <QFileInfo>
#include <QImageReader>
#include <QLabel>
#include <QStackedWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace graft::ui {

namespace {

// More points than pixels only costs replot time; min/max pairs per bucket keep the envelope.
constexpr int maxWaveformPoints = 8000;

QString featureTitle(AudioFeatureKind kind)
{
    switch (kind) {
    case AudioFeatureKind::Mfcc: return QObject::tr("MFCC");
    case AudioFeatureKind::MelSpectrogram: return QObject::tr("Mel spectrogram (power)");
    case AudioFeatureKind::MelSpectrogramDb: return QObject::tr("Mel spectrogram (dB)");
    }
    return {};
}

} // namespace

/** What the worker hands back; only values, no widgets. */
struct SamplePreview::Loaded
{
    Content content = Content::Error;
    QString error;
    QString caption;
    std::vector<float> waveform;
    int sampleRate = 0;
    std::vector<float> heat;
    int rows = 0;
    int columns = 0;
    QString rowLabel;
    QImage image;
    std::vector<float> curve;
};

SamplePreview::SamplePreview(QWidget *parent)
    : QWidget(parent), m_stack(new QStackedWidget(this)), m_message(new QLabel(this)), m_plots(new QWidget(this)),
      m_waveform(new QCustomPlot(m_plots)), m_features(new QCustomPlot(m_plots)), m_map(nullptr),
      m_image(new QLabel(this)), m_caption(new QLabel(m_plots))
{
    m_message->setAlignment(Qt::AlignCenter);
    m_message->setWordWrap(true);
    m_image->setAlignment(Qt::AlignCenter);
    m_image->setMinimumSize(64, 64);

    m_waveform->addGraph();
    m_waveform->xAxis->setLabel(tr("time (s)"));
    m_waveform->yAxis->setLabel(tr("amplitude"));
    m_waveform->setMinimumHeight(100);

    m_map = new QCPColorMap(m_features->xAxis, m_features->yAxis);
    auto *scale = new QCPColorScale(m_features);
    m_features->plotLayout()->addElement(0, 1, scale);
    m_map->setColorScale(scale);
    m_map->setGradient(QCPColorGradient::gpThermal);
    m_map->setInterpolate(false);
    m_features->addGraph(); // the curve of a 1-D array sample
    m_features->setMinimumHeight(140);

    m_caption->setWordWrap(true);
    auto *plotsLayout = new QVBoxLayout(m_plots);
    plotsLayout->setContentsMargins(0, 0, 0, 0);
    plotsLayout->addWidget(m_caption);
    plotsLayout->addWidget(m_waveform, 1);
    plotsLayout->addWidget(m_features, 2);

    m_stack->addWidget(m_message);
    m_stack->addWidget(m_plots);
    m_stack->addWidget(m_image);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_stack);
    clear();
}

SamplePreview::~SamplePreview() = default;

QString SamplePreview::message() const
{
    return m_stack->currentWidget() == m_message ? m_message->text() : m_caption->text();
}

int SamplePreview::waveformPoints() const
{
    return m_waveform->graph(0)->dataCount();
}

void SamplePreview::clear(const QString &message)
{
    m_load.cancel(); // a preview still being computed is dropped
    m_content = Content::Empty;
    m_path.clear();
    m_mapRows = m_mapColumns = 0;
    m_message->setText(message.isEmpty() ? tr("Select a sample to preview it.") : message);
    m_stack->setCurrentWidget(m_message);
}

void SamplePreview::startLoading(const QString &path)
{
    m_path = path;
    m_content = Content::Loading;
    m_message->setText(tr("Loading %1…").arg(QFileInfo(path).fileName()));
    m_stack->setCurrentWidget(m_message);
}

void SamplePreview::runInBackground(std::function<Loaded()> job)
{
    m_load.start([job = std::move(job)](const CancelToken &) { return job(); },
                 [this](const Loaded &loaded) { finishLoading(loaded); });
}

void SamplePreview::showAudioFile(const QString &path, const AudioFeatureParams &params)
{
    startLoading(path);
    runInBackground([path, params]() -> Loaded {
        Loaded loaded;
        auto audio = loadAudio(path, AudioLoadOptions::fromFeatureParams(params));
        if (!audio) {
            loaded.error = audio.errorString();
            return loaded;
        }
        const AudioBuffer mono = audio->channels > 1 ? mixToMono(*audio) : *audio;
        auto features = FeatureExtractor(params).compute(mono);
        if (!features) {
            loaded.error = features.errorString();
            return loaded;
        }
        loaded.content = Content::Audio;
        loaded.sampleRate = mono.sampleRate;
        loaded.waveform = mono.samples;
        loaded.rows = features->rows;
        loaded.columns = features->cols;
        loaded.heat.assign(features->channelData(0),
                           features->channelData(0) + std::size_t(features->rows) * features->cols);
        loaded.rowLabel = params.feature == AudioFeatureKind::Mfcc ? tr("coefficient") : tr("mel band");
        loaded.caption = tr("<b>%1</b> — %2 Hz, %3 s; %4 %5 × %6 (features × frames, as librosa returns them)")
                             .arg(QFileInfo(path).fileName().toHtmlEscaped())
                             .arg(mono.sampleRate)
                             .arg(mono.durationSeconds(), 0, 'f', 2)
                             .arg(featureTitle(params.feature))
                             .arg(features->rows)
                             .arg(features->cols);
        return loaded;
    });
}

void SamplePreview::showImageFile(const QString &path)
{
    startLoading(path);
    runInBackground([path]() -> Loaded {
        Loaded loaded;
        QImageReader reader(path);
        loaded.image = reader.read();
        if (loaded.image.isNull()) {
            loaded.error = tr("%1: cannot decode the image (%2).").arg(path, reader.errorString());
            return loaded;
        }
        loaded.content = Content::Image;
        loaded.caption =
            tr("%1 — %2 × %3").arg(QFileInfo(path).fileName()).arg(loaded.image.width()).arg(loaded.image.height());
        return loaded;
    });
}

void SamplePreview::showNpyFile(const QString &path)
{
    startLoading(path);
    runInBackground([path]() -> Loaded {
        Loaded loaded;
        auto array = NpyFile::read(path);
        if (!array) {
            loaded.error = array.errorString();
            return loaded;
        }
        std::vector<std::int64_t> shape = array->shape();
        std::vector<float> values = array->toFloat32();
        // Size-1 axes (a channel axis) do not change what there is to see.
        shape.erase(std::remove(shape.begin(), shape.end(), std::int64_t(1)), shape.end());
        loaded.content = Content::Array;
        loaded.caption = tr("%1 — %2").arg(QFileInfo(path).fileName(), shapeText(array->shape()));
        if (shape.size() == 2) {
            loaded.rows = int(shape[0]);
            loaded.columns = int(shape[1]);
            loaded.heat = std::move(values);
            loaded.rowLabel = tr("axis 0");
        } else {
            loaded.curve = std::move(values);
        }
        return loaded;
    });
}

void SamplePreview::showArray(const std::vector<std::int64_t> &shape, const std::vector<float> &values,
                              const QString &title)
{
    m_load.cancel();
    m_path.clear();
    std::vector<std::int64_t> squeezed = shape;
    squeezed.erase(std::remove(squeezed.begin(), squeezed.end(), std::int64_t(1)), squeezed.end());
    m_caption->setText(tr("%1 — %2").arg(title.toHtmlEscaped(), shapeText(shape)));
    m_content = Content::Array;
    m_waveform->hide();
    if (squeezed.size() == 2)
        showHeatMap(values, int(squeezed[0]), int(squeezed[1]), tr("axis 1"), tr("axis 0"));
    else
        showCurve(values, title);
    m_stack->setCurrentWidget(m_plots);
    Q_EMIT previewReady();
}

void SamplePreview::finishLoading(const Loaded &loaded)
{
    if (loaded.content == Content::Error) {
        showError(loaded.error);
        return;
    }
    m_content = loaded.content;
    m_caption->setText(loaded.caption);
    if (loaded.content == Content::Image) {
        m_picture = loaded.image;
        m_mapRows = m_mapColumns = 0;
        m_image->setToolTip(loaded.caption);
        m_stack->setCurrentWidget(m_image);
        updatePixmap();
        Q_EMIT previewReady();
        return;
    }
    if (loaded.content == Content::Audio) {
        const qint64 n = qint64(loaded.waveform.size());
        QVector<double> keys;
        QVector<double> values;
        const double rate = loaded.sampleRate > 0 ? loaded.sampleRate : 1.0;
        if (n <= maxWaveformPoints) {
            keys.reserve(n);
            values.reserve(n);
            for (qint64 i = 0; i < n; ++i) {
                keys.append(i / rate);
                values.append(loaded.waveform[std::size_t(i)]);
            }
        } else {
            const qint64 bucket = (n + maxWaveformPoints / 2 - 1) / (maxWaveformPoints / 2);
            for (qint64 start = 0; start < n; start += bucket) {
                const auto first = loaded.waveform.begin() + start;
                const auto last = loaded.waveform.begin() + std::min(n, start + bucket);
                const auto [lo, hi] = std::minmax_element(first, last);
                keys.append(start / rate);
                values.append(*lo);
                keys.append((start + bucket / 2) / rate);
                values.append(*hi);
            }
        }
        m_waveform->graph(0)->setData(keys, values, true);
        m_waveform->xAxis->setRange(0, std::max(n / rate, 1e-3));
        m_waveform->yAxis->setRange(-1.05, 1.05);
        m_waveform->show();
        m_waveform->replot();
        showHeatMap(loaded.heat, loaded.rows, loaded.columns, tr("frame"), loaded.rowLabel);
    } else {
        m_waveform->hide();
        if (loaded.rows > 0)
            showHeatMap(loaded.heat, loaded.rows, loaded.columns, tr("axis 1"), loaded.rowLabel);
        else
            showCurve(loaded.curve, loaded.caption);
    }
    m_stack->setCurrentWidget(m_plots);
    Q_EMIT previewReady();
}

void SamplePreview::showHeatMap(const std::vector<float> &values, int rows, int columns, const QString &xLabel,
                                const QString &yLabel)
{
    m_features->graph(0)->data()->clear();
    m_features->graph(0)->setVisible(false);
    m_map->setVisible(true);
    m_mapRows = rows;
    m_mapColumns = columns;
    // QCPColorMap indexes (key, value) = (x, y): frames along x, feature rows along y, row 0 at the bottom as librosa.display draws it.
    m_map->data()->setSize(columns, rows);
    m_map->data()->setRange(QCPRange(0, std::max(columns - 1, 1)), QCPRange(0, std::max(rows - 1, 1)));
    for (int r = 0; r < rows; ++r)
        for (int c = 0; c < columns; ++c) {
            const float v = values[std::size_t(r) * columns + c];
            m_map->data()->setCell(c, r, std::isfinite(v) ? double(v) : 0.0);
        }
    m_map->rescaleDataRange(true);
    m_features->xAxis->setLabel(xLabel);
    m_features->yAxis->setLabel(yLabel);
    m_features->rescaleAxes();
    m_features->replot();
}

void SamplePreview::showCurve(const std::vector<float> &values, const QString &title)
{
    Q_UNUSED(title);
    m_map->setVisible(false);
    m_map->data()->clear();
    m_mapRows = m_mapColumns = 0;
    QVector<double> keys(int(values.size()));
    QVector<double> data(int(values.size()));
    for (int i = 0; i < int(values.size()); ++i) {
        keys[i] = i;
        data[i] = values[std::size_t(i)];
    }
    m_features->graph(0)->setVisible(true);
    m_features->graph(0)->setData(keys, data, true);
    m_features->xAxis->setLabel(tr("index"));
    m_features->yAxis->setLabel(tr("value"));
    m_features->rescaleAxes();
    m_features->replot();
}

void SamplePreview::showError(const QString &message)
{
    m_content = Content::Error;
    m_mapRows = m_mapColumns = 0;
    m_message->setText(message);
    m_stack->setCurrentWidget(m_message);
    Q_EMIT previewFailed(message);
}

void SamplePreview::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    if (m_content == Content::Image)
        updatePixmap();
}

void SamplePreview::updatePixmap()
{
    if (m_picture.isNull())
        return;
    const QSize target = m_image->size().boundedTo(m_picture.size() * 8).expandedTo(QSize(16, 16));
    // Small images (28 × 28 digits) are enlarged without smoothing so their pixels stay visible.
    const Qt::TransformationMode mode =
        m_picture.width() < target.width() / 2 ? Qt::FastTransformation : Qt::SmoothTransformation;
    m_image->setPixmap(QPixmap::fromImage(m_picture.scaled(target, Qt::KeepAspectRatio, mode)));
}

} // namespace graft::ui
