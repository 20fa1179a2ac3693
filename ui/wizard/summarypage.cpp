#include "ui/wizard/summarypage.h"

#include "core/model/modelsummary.h"
#include "core/training/headremapper.h"
#include "core/training/trainingdata.h"
#include "ui/document/datasetsource.h"
#include "ui/document/workbench.h"
#include "ui/models/headplanmodel.h"
#include "ui/wizard/finetunewizard.h"

#include <QDir>
#include <QFontDatabase>
#include <QLocale>
#include <QPlainTextEdit>
#include <QVBoxLayout>

namespace graft::ui::wizard {

SummaryPage::SummaryPage(FineTuneWizard *wizard) : m_wizard(wizard), m_text(new QPlainTextEdit(this))
{
    setTitle(tr("Summary"));
    setSubTitle(tr("Check what will run. Train starts it; Back changes any step."));
    setButtonText(QWizard::NextButton, tr("&Train"));
    m_text->setReadOnly(true);
    m_text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_text);
}

QString SummaryPage::text() const
{
    return m_text->toPlainText();
}

void SummaryPage::initializePage()
{
    const QLocale locale;
    QStringList lines;
    const Workbench *draft = m_wizard->draft();
    const auto model = draft->model();
    const auto data = draft->dataset()->samples();
    if (model) {
        const ParamCount params = model->params();
        lines << tr("Model:    %1").arg(QDir::toNativeSeparators(model->sourcePath))
              << tr("          %1, Keras %2, %3 layers, %4 parameters")
                     .arg(model->format, model->kerasVersion.isEmpty() ? tr("?") : model->kerasVersion)
                     .arg(model->model.layers.size())
                     .arg(locale.toString(qlonglong(params.total)));
        if (model->architectureSource != QLatin1String("file"))
            lines << tr("          architecture from %1").arg(QDir::toNativeSeparators(model->architectureSource));
        lines << tr("          old classes: %1")
                     .arg(model->classNames.isEmpty() ? tr("unknown names (by index)")
                                                      : model->classNames.join(QStringLiteral(", ")));
    }
    if (data) {
        lines
            << QString() << tr("Dataset:  %1").arg(QDir::toNativeSeparators(draft->dataset()->samplesPath()))
            << tr("          %1 classes: %2")
                   .arg(data->classNames.size())
                   .arg(data->classNames.join(QStringLiteral(", ")))
            << tr("          %1 training, %2 validation samples").arg(data->train.count()).arg(data->validation.count())
            << tr("          features: %1").arg(data->description);
    }
    if (model) {
        lines << QString() << tr("Head:");
        if (auto summary = HeadRemapper::summarize(model->model, draft->plan()->plan()))
            for (const QString &line : summary->text().split(QLatin1Char('\n'), Qt::SkipEmptyParts))
                lines << QStringLiteral("          ") + line;
        else
            lines << QStringLiteral("          ") + summary.errorString();
    }
    const TrainingParams &s = draft->trainingSettings();
    lines << QString()
          << tr("Training: %1 epochs, batch %2, %3 at learning rate %4")
                 .arg(s.epochs)
                 .arg(s.batchSize)
                 .arg(optimizerName(s.optimizer.kind))
                 .arg(s.optimizer.learningRate)
          << tr("          train: %1; seed %2%3")
                 .arg(trainPresetName(s.trainable.preset))
                 .arg(s.seed)
                 .arg(draft->compareScratch() ? tr("; compared with training from scratch") : QString());
    m_text->setPlainText(lines.join(QLatin1Char('\n')));
}

} // namespace graft::ui::wizard
