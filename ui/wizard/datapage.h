#pragma once

#include "core/model/modelspec.h"

#include <QWizardPage>

#include <memory>

class QDoubleSpinBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QTableView;
class QTimer;

namespace graft {
struct TrainingData;
}

namespace graft::ui {
class ClassCountModel;
class FineTuneWizard;
class PathField;
class TrainingDataJob;
}

namespace graft::ui::wizard {

/**
 * Step 3: the dataset folder (class folders, or train/ and val/ inside). Its samples are
 * made by TrainingDataLoader on a pool thread with the feature settings core proposes from
 * the model's input shape, with progress and Cancel; the page shows the classes with their
 * counts and the loader's description of the features.
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
    bool isLoading() const { return m_loading; }
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
    void loaded(std::shared_ptr<const TrainingData> data);
    void loadFailed(const QString &error);

    FineTuneWizard *m_wizard;
    PathField *m_path;
    QDoubleSpinBox *m_validation;
    QProgressBar *m_progress;
    QPushButton *m_cancel;
    QLabel *m_message;
    ClassCountModel *m_classes;
    QTableView *m_view;
    QTimer *m_timer;
    std::shared_ptr<const TrainingData> m_data;
    QString m_loadedPath;
    QString m_failedPath; ///< the message already says why this folder cannot be used
    Shape m_loadedShape;  ///< the model input the samples were shaped for
    TrainingDataJob *m_job;
    QString m_loadingPath; ///< what m_job is loading
    Shape m_loadingShape;
    bool m_loading = false;
};

} // namespace graft::ui::wizard
