#pragma once

#include <QWidget>

class QLabel;
class QProgressBar;
class QPushButton;

namespace graft::ui {

class DatasetSource;

/**
 * Under the Dataset page: the samples training will use, made from the dataset shown with the
 * settings shown. Says what they are (classes, counts, features, files skipped) or why there are
 * none, shows the feature extraction's progress with Cancel, and Load for Training makes them
 * again after the settings changed.
 */
class SamplesPanel final : public QWidget
{
    Q_OBJECT
public:
    explicit SamplesPanel(DatasetSource *source, QWidget *parent = nullptr);

    QString summaryText() const;
    QPushButton *loadButton() const { return m_load; }
    QPushButton *cancelButton() const { return m_cancel; }

private:
    void loading(const QString &path);
    void progress(int done, int total);
    void samplesChanged();
    void stopped(const QString &summary);

    DatasetSource *m_source;
    QPushButton *m_load;
    QProgressBar *m_progress;
    QPushButton *m_cancel;
    QLabel *m_summary;
    QString m_loadingPath;
};

} // namespace graft::ui
