#pragma once

#include "core/common/expected.h"
#include "ui/async/latestrequest.h"

#include <QStringList>
#include <QWizardPage>

#include <memory>

class QLabel;
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
 * Step 2, shown only when the weights file lacks an architecture or old class names:
 * the architecture JSON (model.to_json(); the file is read again with it, off the GUI
 * thread) and the labels file with the old class names (default <stem>.labels.txt).
 */
class ArchitecturePage final : public QWizardPage
{
    Q_OBJECT
public:
    explicit ArchitecturePage(FineTuneWizard *wizard);

    void setArchitecturePath(const QString &path);
    void setLabelsPath(const QString &path);
    QString architecturePath() const;
    QString labelsPath() const;
    bool isLoading() const { return m_load.isRunning(); }
    QString message() const;

    void initializePage() override;
    bool isComplete() const override;
    bool validatePage() override;

Q_SIGNALS:
    /** The file was read again with the architecture JSON (`ok` false: message() says why). */
    void loadFinished(bool ok);

private:
    void reload();
    void readLabels();
    void updateMessage();

    FineTuneWizard *m_wizard;
    PathField *m_json;
    PathField *m_labels;
    QLabel *m_message;
    QLabel *m_labelsMessage;
    QProgressBar *m_busy;
    QTimer *m_timer;
    std::shared_ptr<const LoadedModel> m_source;   ///< what the weights page read
    std::shared_ptr<const LoadedModel> m_withArch; ///< m_source read again with m_jsonLoaded
    QString m_jsonLoaded;
    QString m_loadError;
    QStringList m_names;
    QString m_labelsError;
    std::shared_ptr<LoadedModel> m_result; ///< handed to the wizard; kept while nothing changes
    LatestRequest<Expected<LoadedModel>> m_load{this};
};

} // namespace graft::ui::wizard
