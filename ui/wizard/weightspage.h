#pragma once

#include "core/common/expected.h"
#include "ui/async/latestrequest.h"

#include <QWizardPage>

#include <memory>

class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QTimer;

namespace graft {
struct LoadedModel;
}

namespace graft::ui {
class FineTuneWizard;
class PathField;
}

namespace graft::ui::wizard {

/**
 * Step 1: the Keras file (.h5, .hdf5, .weights.h5, .keras). It is read on a pool thread as
 * soon as the path settles; the page shows the layers and parameter counts, or the loader's
 * error, and Next stays disabled until the file has loaded.
 */
class WeightsPage final : public QWizardPage
{
    Q_OBJECT
public:
    explicit WeightsPage(FineTuneWizard *wizard);

    void setPath(const QString &path);
    QString path() const;
    /** The model as the file gave it (before the architecture page completes it). */
    std::shared_ptr<const LoadedModel> loadedModel() const { return m_model; }
    bool isLoading() const { return m_load.isRunning(); }
    QString message() const;

    bool isComplete() const override;
    bool validatePage() override;

Q_SIGNALS:
    /** A load ended: `ok` false when the path is missing or the file could not be read (message() says why). */
    void loadFinished(bool ok);

private:
    void pathEdited();
    void load();
    void showError(const QString &message);
    void showLoaded(std::shared_ptr<LoadedModel> model, const QString &file);

    FineTuneWizard *m_wizard;
    PathField *m_path;
    QLabel *m_message;
    QProgressBar *m_busy;
    QPlainTextEdit *m_summary;
    QTimer *m_timer;
    std::shared_ptr<LoadedModel> m_model;
    QString m_loadedPath;
    QString m_failedPath; ///< the message already says why this path cannot be used
    LatestRequest<Expected<LoadedModel>> m_load{this};
};

} // namespace graft::ui::wizard
