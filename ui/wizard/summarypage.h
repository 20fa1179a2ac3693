#pragma once

#include <QWizardPage>

class QPlainTextEdit;

namespace graft::ui {
class FineTuneWizard;
}

namespace graft::ui::wizard {

/** Step 6: everything chosen so far as text, before Train starts the run. */
class SummaryPage final : public QWizardPage
{
    Q_OBJECT
public:
    explicit SummaryPage(FineTuneWizard *wizard);

    QString text() const;
    void initializePage() override;

private:
    FineTuneWizard *m_wizard;
    QPlainTextEdit *m_text;
};

} // namespace graft::ui::wizard
