#include "ui/pages/featuresettingsform.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QSpinBox>
#include <QVBoxLayout>

#include <limits>

namespace graft::ui {

namespace {

QSpinBox *spinBox(QWidget *parent, int minimum, int maximum, const QString &tip, const QString &special = QString())
{
    auto *box = new QSpinBox(parent);
    box->setRange(minimum, maximum);
    box->setToolTip(tip);
    box->setSpecialValueText(special);
    box->setAccelerated(true);
    return box;
}

QDoubleSpinBox *doubleBox(QWidget *parent, double minimum, double maximum, int decimals, const QString &tip,
                          const QString &special = QString())
{
    auto *box = new QDoubleSpinBox(parent);
    box->setRange(minimum, maximum);
    box->setDecimals(decimals);
    box->setToolTip(tip);
    box->setSpecialValueText(special);
    return box;
}

QCheckBox *checkBox(QWidget *parent, const QString &text, const QString &tip)
{
    auto *box = new QCheckBox(text, parent);
    box->setToolTip(tip);
    return box;
}

/** The combo box keeps the enum in its item data, not its row index. */
template <typename Enum>
QComboBox *comboBox(QWidget *parent, const QList<QPair<QString, Enum>> &items, const QString &tip)
{
    auto *box = new QComboBox(parent);
    for (const auto &[text, value] : items)
        box->addItem(text, int(value));
    box->setToolTip(tip);
    return box;
}

template <typename Enum> Enum comboValue(const QComboBox *box)
{
    return Enum(box->currentData().toInt());
}

template <typename Enum> void setComboValue(QComboBox *box, Enum value)
{
    const int index = box->findData(int(value));
    if (index >= 0)
        box->setCurrentIndex(index);
}

void addRow(QFormLayout *form, const QString &label, QWidget *field)
{
    form->addRow(label, field);
    if (QWidget *labelWidget = form->labelForField(field))
        labelWidget->setToolTip(field->toolTip());
}

} // namespace

FeatureSettingsForm::FeatureSettingsForm(QWidget *parent)
    : QWidget(parent), m_proposal(new QLabel(this)), m_status(new QLabel(this)),
      m_audioGroup(new QGroupBox(tr("Audio features (librosa)"), this)),
      m_imageGroup(new QGroupBox(tr("Images (Keras image_dataset_from_directory)"), this))
{
    m_proposal->setWordWrap(true);
    m_proposal->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->setWordWrap(true);
    buildAudioGroup();
    buildImageGroup();
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_proposal);
    layout->addWidget(m_audioGroup);
    layout->addWidget(m_imageGroup);
    layout->addWidget(m_status);
    layout->addStretch(1);
    setAudioSettings({});
    setImageSettings({});
    setSampleKind(std::nullopt);
    setModelInputShape({});
}

void FeatureSettingsForm::buildAudioGroup()
{
    QWidget *g = m_audioGroup;
    m_feature = comboBox<AudioFeatureKind>(
        g,
        {{tr("MFCC"), AudioFeatureKind::Mfcc},
         {tr("Mel spectrogram (power)"), AudioFeatureKind::MelSpectrogram},
         {tr("Log-mel spectrogram (dB)"), AudioFeatureKind::MelSpectrogramDb}},
        tr("What each sample becomes: librosa.feature.mfcc, librosa.feature.melspectrogram, or power_to_db of it."));
    m_sampleRate = spinBox(g, 0, 384000,
                           tr("librosa.load(sr=…): every file is resampled to this rate (soxr HQ). "
                              "'native' keeps each file's own rate (sr=None). librosa's default is 22050."),
                           tr("native"));
    m_sampleRate->setSuffix(tr(" Hz"));
    m_mono = checkBox(g, tr("mono"), tr("librosa.load(mono=True): average the channels into one."));
    m_offset = doubleBox(g, 0, 1e6, 3, tr("librosa.load(offset=…): seconds skipped at the start of every file."));
    m_offset->setSuffix(tr(" s"));
    m_duration = doubleBox(g, 0, 1e6, 3,
                           tr("librosa.load(duration=…): seconds read from every file; 'to the end' reads it all."),
                           tr("to the end"));
    m_duration->setSuffix(tr(" s"));
    m_nFft =
        spinBox(g, 1, 1 << 16, tr("n_fft: samples per FFT frame (frequency resolution). librosa's default is 2048."));
    m_hopLength = spinBox(
        g, 1, 1 << 16, tr("hop_length: samples between frame starts; frames ≈ samples / hop_length + 1. Default 512."));
    m_winLength =
        spinBox(g, 0, 1 << 16, tr("win_length: window length, zero-padded to n_fft. Default: n_fft."), tr("= n_fft"));
    m_window = comboBox<WindowType>(
        g,
        {{QStringLiteral("hann"), WindowType::Hann},
         {QStringLiteral("hamming"), WindowType::Hamming},
         {QStringLiteral("blackman"), WindowType::Blackman},
         {QStringLiteral("boxcar"), WindowType::Rectangular}},
        tr("window: the taper applied to each frame before the FFT (periodic, as scipy's get_window)."));
    m_center =
        checkBox(g, tr("center"),
                 tr("center=True: pad n_fft/2 samples on both sides so frame t is centred on sample t × hop_length."));
    m_padMode = comboBox<PadMode>(g,
                                  {{QStringLiteral("constant"), PadMode::Constant},
                                   {QStringLiteral("reflect"), PadMode::Reflect},
                                   {QStringLiteral("edge"), PadMode::Edge}},
                                  tr("pad_mode: how centring pads the signal (librosa 0.10: 'constant', i.e. zeros)."));
    m_power = doubleBox(g, 0.1, 8, 2, tr("power: exponent of the magnitude spectrogram (2 = power, 1 = magnitude)."));
    m_nMels = spinBox(g, 1, 2048, tr("n_mels: mel bands of the filterbank. Default 128."));
    m_fmin = doubleBox(g, 0, 1e6, 1, tr("fmin: lowest frequency of the mel filterbank, in Hz."));
    m_fmax =
        doubleBox(g, 0, 1e6, 1, tr("fmax: highest frequency of the mel filterbank; default sr / 2."), tr("sr / 2"));
    m_htk =
        checkBox(g, tr("HTK mel scale"), tr("htk=True: HTK's mel formula instead of Slaney's (librosa's default)."));
    m_melNorm = comboBox<MelNorm>(
        g, {{QStringLiteral("slaney"), MelNorm::Slaney}, {tr("none"), MelNorm::None}},
        tr("norm: 'slaney' scales each mel filter to unit area (librosa's default); none keeps peak 1."));
    m_topDb = doubleBox(
        g, 0, 1000, 1,
        tr("power_to_db(top_db=…): values more than this many dB below the peak are clipped. Default 80."), tr("none"));
    m_nMfcc = spinBox(g, 1, 512, tr("n_mfcc: cepstral coefficients kept (rows of the MFCC array). Default 20."));
    m_dctType =
        spinBox(g, 1, 3, tr("dct_type: the DCT that turns log-mel bands into cepstra (librosa's default is 2)."));
    m_lifter = doubleBox(g, 0, 1e4, 1, tr("lifter: sinusoidal liftering of the cepstra; 0 turns it off (default)."));
    m_orientation = comboBox<FeatureOrientation>(
        g,
        {{tr("features × frames (as librosa returns)"), FeatureOrientation::FeaturesByFrames},
         {tr("frames × features (mfcc.T)"), FeatureOrientation::FramesByFeatures}},
        tr("Axis order of each sample: librosa's (n_mfcc, frames), or transposed as scripts that feed mfcc.T do."));
    m_frames = spinBox(g, 0, 1 << 20,
                       tr("Pad with zeros at the end or crop to exactly this many frames; 'keep' pads every sample to "
                          "the longest file."),
                       tr("keep"));
    m_sampleCount = spinBox(
        g, 0, std::numeric_limits<int>::max(),
        tr("Pad or crop the waveform to this many samples before extraction (scripts that do signal[:N])."), tr("off"));
    m_crop = comboBox<CropAnchor>(
        g, {{tr("start"), CropAnchor::Start}, {tr("center"), CropAnchor::Center}, {tr("end"), CropAnchor::End}},
        tr("Which part of a too-long sample is kept when cropping."));
    m_meanOverTime =
        checkBox(g, tr("mean over time"),
                 tr("np.mean(mfcc, axis=1): one number per coefficient, for models fed 13- or 40-number vectors."));
    m_channelAxis = comboBox<ChannelAxis>(g,
                                          {{tr("none"), ChannelAxis::None},
                                           {tr("first (1, …)"), ChannelAxis::First},
                                           {tr("last (…, 1)"), ChannelAxis::Last}},
                                          tr("A size-1 channel axis, as Conv2D models expect (e.g. (40, 87, 1))."));
    layOutAudioGroup();
}

void FeatureSettingsForm::layOutAudioGroup()
{
    auto *form = new QFormLayout(m_audioGroup);
    addRow(form, tr("Feature"), m_feature);
    addRow(form, tr("Sample rate"), m_sampleRate);
    form->addRow(QString(), m_mono);
    addRow(form, tr("Offset"), m_offset);
    addRow(form, tr("Duration"), m_duration);
    addRow(form, tr("n_fft"), m_nFft);
    addRow(form, tr("hop_length"), m_hopLength);
    addRow(form, tr("win_length"), m_winLength);
    addRow(form, tr("Window"), m_window);
    form->addRow(QString(), m_center);
    addRow(form, tr("pad_mode"), m_padMode);
    addRow(form, tr("Power"), m_power);
    addRow(form, tr("n_mels"), m_nMels);
    addRow(form, tr("fmin"), m_fmin);
    addRow(form, tr("fmax"), m_fmax);
    form->addRow(QString(), m_htk);
    addRow(form, tr("Mel norm"), m_melNorm);
    addRow(form, tr("top_db"), m_topDb);
    addRow(form, tr("n_mfcc"), m_nMfcc);
    addRow(form, tr("dct_type"), m_dctType);
    addRow(form, tr("Lifter"), m_lifter);
    addRow(form, tr("Orientation"), m_orientation);
    addRow(form, tr("Frames"), m_frames);
    addRow(form, tr("Samples"), m_sampleCount);
    addRow(form, tr("Crop"), m_crop);
    form->addRow(QString(), m_meanOverTime);
    addRow(form, tr("Channel axis"), m_channelAxis);

    for (QSpinBox *box : m_audioGroup->findChildren<QSpinBox *>())
        connect(box, &QSpinBox::valueChanged, this, &FeatureSettingsForm::onEdited);
    for (QDoubleSpinBox *box : m_audioGroup->findChildren<QDoubleSpinBox *>())
        connect(box, &QDoubleSpinBox::valueChanged, this, &FeatureSettingsForm::onEdited);
    for (QCheckBox *box : m_audioGroup->findChildren<QCheckBox *>())
        connect(box, &QCheckBox::toggled, this, &FeatureSettingsForm::onEdited);
    for (QComboBox *box : m_audioGroup->findChildren<QComboBox *>())
        connect(box, &QComboBox::currentIndexChanged, this, &FeatureSettingsForm::onEdited);
}

void FeatureSettingsForm::buildImageGroup()
{
    QWidget *g = m_imageGroup;
    m_imageHeight =
        spinBox(g, 1, 16384, tr("image_size height: every image is resized to this many rows (bilinear, like Keras)."));
    m_imageWidth = spinBox(g, 1, 16384, tr("image_size width: every image is resized to this many columns."));
    m_colorMode = comboBox<ColorMode>(g,
                                      {{QStringLiteral("rgb"), ColorMode::Rgb},
                                       {QStringLiteral("grayscale"), ColorMode::Grayscale},
                                       {QStringLiteral("rgba"), ColorMode::Rgba}},
                                      tr("color_mode: the channels the model was trained on (3, 1 or 4)."));
    m_pixelScale = comboBox<PixelScale>(
        g, {{tr("0–255 (Keras's loaders)"), PixelScale::Raw}, {tr("0–1 (divided by 255)"), PixelScale::UnitInterval}},
        tr("Pixel values as the model saw them in training: Keras's loaders give 0–255; "
           "many scripts divide by 255."));
    m_channelsFirst = checkBox(
        g, tr("channels first (C, H, W)"),
        tr("Lay samples out as (channels, height, width) instead of Keras's usual (height, width, channels)."));
    auto *form = new QFormLayout(m_imageGroup);
    addRow(form, tr("Height"), m_imageHeight);
    addRow(form, tr("Width"), m_imageWidth);
    addRow(form, tr("Color mode"), m_colorMode);
    addRow(form, tr("Scale"), m_pixelScale);
    form->addRow(QString(), m_channelsFirst);
    for (QSpinBox *box : m_imageGroup->findChildren<QSpinBox *>())
        connect(box, &QSpinBox::valueChanged, this, &FeatureSettingsForm::onEdited);
    for (QComboBox *box : m_imageGroup->findChildren<QComboBox *>())
        connect(box, &QComboBox::currentIndexChanged, this, &FeatureSettingsForm::onEdited);
    connect(m_channelsFirst, &QCheckBox::toggled, this, &FeatureSettingsForm::onEdited);
}

AudioPipelineSettings FeatureSettingsForm::audioSettings() const
{
    AudioPipelineSettings s = m_audioBase;
    AudioFeatureParams &p = s.params;
    p.feature = comboValue<AudioFeatureKind>(m_feature);
    p.sampleRate = m_sampleRate->value();
    p.mono = m_mono->isChecked();
    p.offset = m_offset->value();
    p.duration = m_duration->value() > 0 ? std::optional<double>(m_duration->value()) : std::nullopt;
    p.nFft = m_nFft->value();
    p.hopLength = m_hopLength->value();
    p.winLength = m_winLength->value();
    p.window = comboValue<WindowType>(m_window);
    p.center = m_center->isChecked();
    p.padMode = comboValue<PadMode>(m_padMode);
    p.power = m_power->value();
    p.nMels = m_nMels->value();
    p.fmin = m_fmin->value();
    p.fmax = m_fmax->value() > 0 ? std::optional<double>(m_fmax->value()) : std::nullopt;
    p.htk = m_htk->isChecked();
    p.melNorm = comboValue<MelNorm>(m_melNorm);
    p.topDb = m_topDb->value() > 0 ? std::optional<double>(m_topDb->value()) : std::nullopt;
    p.nMfcc = m_nMfcc->value();
    p.dctType = m_dctType->value();
    p.lifter = m_lifter->value();
    AudioShaping &shaping = s.shaping;
    shaping.orientation = comboValue<FeatureOrientation>(m_orientation);
    shaping.frames = m_frames->value();
    shaping.sampleCount = m_sampleCount->value();
    shaping.crop = comboValue<CropAnchor>(m_crop);
    shaping.meanOverTime = m_meanOverTime->isChecked();
    shaping.channelAxis = comboValue<ChannelAxis>(m_channelAxis);
    return s;
}

void FeatureSettingsForm::setAudioSettings(const AudioPipelineSettings &settings)
{
    m_updating = true;
    m_audioBase = settings;
    const AudioFeatureParams &p = settings.params;
    setComboValue(m_feature, p.feature);
    m_sampleRate->setValue(p.sampleRate);
    m_mono->setChecked(p.mono);
    m_offset->setValue(p.offset);
    m_duration->setValue(p.duration.value_or(0.0));
    m_nFft->setValue(p.nFft);
    m_hopLength->setValue(p.hopLength);
    m_winLength->setValue(p.winLength);
    setComboValue(m_window, p.window);
    m_center->setChecked(p.center);
    setComboValue(m_padMode, p.padMode);
    m_power->setValue(p.power);
    m_nMels->setValue(p.nMels);
    m_fmin->setValue(p.fmin);
    m_fmax->setValue(p.fmax.value_or(0.0));
    m_htk->setChecked(p.htk);
    setComboValue(m_melNorm, p.melNorm);
    m_topDb->setValue(p.topDb.value_or(0.0));
    m_nMfcc->setValue(p.nMfcc);
    m_dctType->setValue(p.dctType);
    m_lifter->setValue(p.lifter);
    setComboValue(m_orientation, settings.shaping.orientation);
    m_frames->setValue(settings.shaping.frames);
    m_sampleCount->setValue(int(std::min<std::int64_t>(settings.shaping.sampleCount, std::numeric_limits<int>::max())));
    setComboValue(m_crop, settings.shaping.crop);
    m_meanOverTime->setChecked(settings.shaping.meanOverTime);
    setComboValue(m_channelAxis, settings.shaping.channelAxis);
    m_updating = false;
    onEdited();
}

ImageSettings FeatureSettingsForm::imageSettings() const
{
    ImageSettings s;
    s.height = m_imageHeight->value();
    s.width = m_imageWidth->value();
    s.colorMode = comboValue<ColorMode>(m_colorMode);
    s.scale = comboValue<PixelScale>(m_pixelScale);
    s.channelsFirst = m_channelsFirst->isChecked();
    return s;
}

void FeatureSettingsForm::setImageSettings(const ImageSettings &settings)
{
    m_updating = true;
    m_imageHeight->setValue(settings.height);
    m_imageWidth->setValue(settings.width);
    setComboValue(m_colorMode, settings.colorMode);
    setComboValue(m_pixelScale, settings.scale);
    m_channelsFirst->setChecked(settings.channelsFirst);
    m_updating = false;
    onEdited();
}

void FeatureSettingsForm::setSampleKind(std::optional<SampleKind> kind)
{
    m_kind = kind;
    m_audioGroup->setVisible(!kind || *kind == SampleKind::Audio);
    m_imageGroup->setVisible(kind && *kind == SampleKind::Image);
    updateStatus();
}

void FeatureSettingsForm::setModelInputShape(const std::vector<std::int64_t> &shape)
{
    m_modelShape = shape;
    if (shape.empty()) {
        m_proposal->setText(tr("Open a model to have settings proposed from its input shape."));
        updateStatus();
        return;
    }
    QStringList notes;
    auto audio = proposeFeatureSettings(shape, audioSettings().params);
    if (audio) {
        setAudioSettings(audio->settings);
        notes << tr("Audio: %1").arg(audio->explanation);
    } else {
        notes << tr("Audio: %1").arg(audio.errorString());
    }
    auto image = proposeImageSettings(shape);
    if (image) {
        ImageSettings proposed = image->settings;
        proposed.scale = imageSettings().scale; // the model's input shape says nothing about the value range
        setImageSettings(proposed);
        notes << tr("Images: %1").arg(image->explanation);
    } else {
        notes << tr("Images: %1").arg(image.errorString());
    }
    m_proposal->setText(tr("Model input %1.\n%2").arg(shapeText(shape), notes.join(QLatin1Char('\n'))));
    updateStatus();
}

QString FeatureSettingsForm::proposalText() const
{
    return m_proposal->text();
}

QString FeatureSettingsForm::validationMessage() const
{
    if (m_kind && *m_kind == SampleKind::Image)
        return {};
    if (auto ok = audioSettings().params.validate(); !ok)
        return ok.errorString();
    return {};
}

std::optional<std::vector<std::int64_t>> FeatureSettingsForm::sampleShape() const
{
    if (m_kind && *m_kind == SampleKind::FeatureArray)
        return std::nullopt;
    if (m_kind && *m_kind == SampleKind::Image)
        return imageSettings().sampleShape();
    return audioSettings().fixedSampleShape();
}

void FeatureSettingsForm::onEdited()
{
    if (m_updating)
        return;
    updateStatus();
    Q_EMIT settingsChanged();
}

void FeatureSettingsForm::updateStatus()
{
    const QString invalid = validationMessage();
    if (!invalid.isEmpty()) {
        m_status->setText(tr("<span style='color:#b00020'>%1</span>").arg(invalid.toHtmlEscaped()));
        return;
    }
    const auto shape = sampleShape();
    if (!shape) {
        m_status->setText(m_kind && *m_kind == SampleKind::FeatureArray
                              ? tr("The samples are feature arrays: they are used as they are.")
                              : tr("Sample shape depends on the files' lengths (set Frames to fix it)."));
        return;
    }
    QString text = tr("Sample shape: %1").arg(shapeText(*shape));
    if (!m_modelShape.empty()) {
        bool fits = shape->size() == m_modelShape.size();
        for (std::size_t i = 0; fits && i < shape->size(); ++i)
            fits = m_modelShape[i] <= 0 || m_modelShape[i] == (*shape)[i];
        text += fits ? tr(" — fits the model input %1.").arg(shapeText(m_modelShape))
                     : tr(" — <b>does not fit</b> the model input %1.").arg(shapeText(m_modelShape));
    }
    m_status->setText(text);
}

} // namespace graft::ui
