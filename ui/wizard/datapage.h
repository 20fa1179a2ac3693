#pragma once

#include <QWizardPage>

class QDoubleSpinBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QTableView;
class QTimer;

namespace graft::ui {
class ClassCountModel;
class DatasetSource;
class FineTuneWizard;
class PathField;
} // namespace graft::ui

namespace graft::ui::wizard {

/**
 * Step 3: the dataset folder (class folders, or train/ and val/ inside). Its samples are
 * made by the draft's DatasetSource on a pool thread with the feature settings core proposes
 * from the model's input shape, with progress and Cancel; the page shows the classes with
 * their counts and the loader's description of the features.
 */
class DataPage final : public QWizardPage
{
    Q_OBJECT
public:
    explicit DataPage(FineTuneWizard *wizard);

    void setPath(const QString &path);
    QString path() const;
    void setValidationFraction(double fraction);
    void cancel();
    bool isLoading() const;
    QString message() const;
    ClassCountModel *classModel() const { return m_classes; }
    QProgressBar *progressBar() const { return m_progress; }

    void initializePage() override;
    bool isComplete() const override;
    bool validatePage() override;

Q_SIGNALS:
    void loadFinished(bool ok);

private:
    void settingsEdited();
    void load();
    void setLoading(bool loading);
    void loaded();
    void loadFailed(const QString &error);

    FineTuneWizard *m_wizard;
    DatasetSource *m_source;
    PathField *m_path;
    QDoubleSpinBox *m_validation;
    QProgressBar *m_progress;
    QPushButton *m_cancel;
    QLabel *m_message;
    ClassCountModel *m_classes;
    QTableView *m_view;
    QTimer *m_timer;
    QString m_failedPath;  ///< the message already says why this folder cannot be used
    QString m_loadingPath; ///< what the source is making samples of
};

} // namespace graft::ui::wizard
