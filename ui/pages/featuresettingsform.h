#pragma once

#include "core/dataset/datasettypes.h"
#include "core/dataset/samplesettings.h"

#include <QWidget>

#include <cstdint>
#include <optional>
#include <vector>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QGroupBox;
class QLabel;
class QSpinBox;

namespace graft::ui {

/**
 * The feature settings of a dataset: librosa's load/STFT/mel/MFCC parameters and
 * the shaping to the model input for audio, Keras's image loader settings for
 * images. Values are proposed by core from the model's input shape; every field
 * has a tooltip saying what it does. No numeric logic lives here.
 */
class FeatureSettingsForm final : public QWidget
{
    Q_OBJECT
public:
    explicit FeatureSettingsForm(QWidget *parent = nullptr);

    AudioPipelineSettings audioSettings() const;
    void setAudioSettings(const AudioPipelineSettings &settings);
    ImageSettings imageSettings() const;
    void setImageSettings(const ImageSettings &settings);

    /** Shows the audio or the image settings (feature arrays have none). */
    void setSampleKind(std::optional<SampleKind> kind);
    std::optional<SampleKind> sampleKind() const { return m_kind; }

    /**
     * The model's input shape without the batch axis (-1 or 0: free). Applies
     * core's proposals (proposeFeatureSettings / proposeImageSettings) and shows
     * their explanation; an empty shape clears the proposal.
     */
    void setModelInputShape(const std::vector<std::int64_t> &shape);
    std::vector<std::int64_t> modelInputShape() const { return m_modelShape; }
    /** Why the current values were proposed, or why no proposal fits. */
    QString proposalText() const;
    /** Empty when every value is valid; otherwise the message naming the parameter. */
    QString validationMessage() const;
    /** The sample shape these settings give, when it does not depend on the files. */
    std::optional<std::vector<std::int64_t>> sampleShape() const;

Q_SIGNALS:
    void settingsChanged();

private:
    void buildAudioGroup();
    void layOutAudioGroup();
    void buildImageGroup();
    void onEdited();
    void updateStatus();

    std::optional<SampleKind> m_kind;
    std::vector<std::int64_t> m_modelShape;
    AudioPipelineSettings m_audioBase; ///< fields the form does not show (ref, amin, DCT norm, pad value)
    bool m_updating = false;

    QLabel *m_proposal;
    QLabel *m_status;
    QGroupBox *m_audioGroup;
    QGroupBox *m_imageGroup;

    QComboBox *m_feature;
    QSpinBox *m_sampleRate;
    QCheckBox *m_mono;
    QDoubleSpinBox *m_offset;
    QDoubleSpinBox *m_duration;
    QSpinBox *m_nFft;
    QSpinBox *m_hopLength;
    QSpinBox *m_winLength;
    QComboBox *m_window;
    QCheckBox *m_center;
    QComboBox *m_padMode;
    QDoubleSpinBox *m_power;
    QSpinBox *m_nMels;
    QDoubleSpinBox *m_fmin;
    QDoubleSpinBox *m_fmax;
    QCheckBox *m_htk;
    QComboBox *m_melNorm;
    QDoubleSpinBox *m_topDb;
    QSpinBox *m_nMfcc;
    QSpinBox *m_dctType;
    QDoubleSpinBox *m_lifter;
    QComboBox *m_orientation;
    QSpinBox *m_frames;
    QSpinBox *m_sampleCount;
    QComboBox *m_crop;
    QCheckBox *m_meanOverTime;
    QComboBox *m_channelAxis;

    QSpinBox *m_imageHeight;
    QSpinBox *m_imageWidth;
    QComboBox *m_colorMode;
    QComboBox *m_pixelScale;
    QCheckBox *m_channelsFirst;
};

} // namespace graft::ui
