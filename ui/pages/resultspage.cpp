#include "ui/pages/resultspage.h"

#include "core/training/trainingreport.h"
#include "ui/document/workbench.h"
#include "ui/plots/confusionmapplot.h"

#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

#include <cmath>

namespace graft::ui {

namespace {

QString percent(double value)
{
    return std::isnan(value) ? QObject::tr("—") : QStringLiteral("%1 %").arg(value * 100.0, 0, 'f', 1);
}

QTableWidgetItem *readOnlyItem(const QString &text, Qt::Alignment alignment = Qt::AlignLeft | Qt::AlignVCenter)
{
    auto *item = new QTableWidgetItem(text);
    item->setFlags(item->flags() & ~Qt::ItemIsEditable);
    item->setTextAlignment(alignment);
    return item;
}

} // namespace

ResultsPage::ResultsPage(Workbench *workbench, QWidget *parent)
    : QWidget(parent), m_metrics(new QLabel(this)), m_perClass(new QTableWidget(this)),
      m_confusion(new ConfusionMapPlot(this)), m_comparison(new QPlainTextEdit(this))
{
    m_metrics->setWordWrap(true);
    m_metrics->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_perClass->setColumnCount(3);
    m_perClass->setHorizontalHeaderLabels({tr("Class"), tr("Accuracy"), tr("Samples")});
    m_perClass->horizontalHeader()->setStretchLastSection(true);
    m_perClass->verticalHeader()->setVisible(false);
    m_perClass->setSortingEnabled(false);
    m_perClass->setToolTip(tr("Validation accuracy of each new class with the final weights"));
    m_confusion->setToolTip(
        tr("Confusion matrix on the validation samples: rows are true classes, columns predictions"));
    m_comparison->setReadOnly(true);
    m_comparison->setToolTip(
        tr("Fine-tuned vs from scratch at equal epochs (Training page: Compare with training from scratch)"));
    QFont mono = m_comparison->font();
    mono.setFamily(QStringLiteral("monospace"));
    mono.setStyleHint(QFont::Monospace);
    m_comparison->setFont(mono);

    auto *classesBox = new QGroupBox(tr("Per class"), this);
    (new QVBoxLayout(classesBox))->addWidget(m_perClass);
    auto *confusionBox = new QGroupBox(tr("Confusion matrix"), this);
    (new QVBoxLayout(confusionBox))->addWidget(m_confusion);
    auto *comparisonBox = new QGroupBox(tr("Transfer vs scratch"), this);
    (new QVBoxLayout(comparisonBox))->addWidget(m_comparison);
    auto *splitter = new QSplitter(this);
    splitter->addWidget(classesBox);
    splitter->addWidget(confusionBox);
    splitter->setStretchFactor(1, 2);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_metrics);
    layout->addWidget(splitter, 3);
    layout->addWidget(comparisonBox, 1);
    clear();
    connect(workbench, &Workbench::inputsChanged, this, &ResultsPage::clear);
    connect(workbench, &Workbench::trainingResultChanged, this, [this, workbench] {
        if (workbench->outcome())
            setOutcome(*workbench->outcome(), workbench->trainedClassNames());
        else
            clear();
    });
}

void ResultsPage::clear()
{
    m_hasResults = false;
    m_metrics->setText(tr("No results yet: train on the Training page."));
    m_perClass->setRowCount(0);
    m_confusion->clear();
    m_comparison->setPlainText(
        tr("Tick \"Compare with training from scratch\" on the Training page to see whether the transfer helps."));
}

void ResultsPage::setOutcome(const FineTuneOutcome &outcome, const QStringList &classNames)
{
    m_hasResults = true;
    const TrainingResult &r = outcome.fineTuned;
    const ClassificationReport &v = r.finalValidation;
    QString text = tr("<b>%1</b> after %2 epoch(s) in %3 s. Validation: accuracy <b>%4</b>, loss %5 on %6 samples.")
                       .arg(stopReasonText(r.stopReason).toHtmlEscaped())
                       .arg(r.history.size())
                       .arg(r.seconds, 0, 'f', 1)
                       .arg(percent(v.accuracy))
                       .arg(v.loss, 0, 'f', 4)
                       .arg(v.samples);
    if (v.keptOldClassAccuracy)
        text += tr(" Old classes kept: <b>%1</b>.").arg(percent(*v.keptOldClassAccuracy));
    if (r.restoredBestWeights)
        text += tr(" Best weights (epoch %1) restored.").arg(r.bestEpoch + 1);
    if (!r.stopMessage.isEmpty())
        text += QStringLiteral("<br>") + r.stopMessage.toHtmlEscaped();
    for (const QString &w : r.warnings)
        text += QStringLiteral("<br>⚠ ") + w.toHtmlEscaped();
    m_metrics->setText(text);

    m_perClass->setRowCount(int(v.perClassAccuracy.size()));
    for (int c = 0; c < v.perClassAccuracy.size(); ++c) {
        int samples = 0;
        if (c < v.confusion.size())
            for (int n : v.confusion[c])
                samples += n;
        m_perClass->setItem(c, 0, readOnlyItem(c < classNames.size() ? classNames[c] : QString::number(c)));
        m_perClass->setItem(c, 1, readOnlyItem(percent(v.perClassAccuracy[c]), Qt::AlignRight | Qt::AlignVCenter));
        m_perClass->setItem(c, 2, readOnlyItem(QString::number(samples), Qt::AlignRight | Qt::AlignVCenter));
    }
    m_perClass->resizeColumnsToContents();
    m_confusion->setConfusion(v.confusion, classNames);
    if (outcome.scratch)
        m_comparison->setPlainText(TrainingReport::comparison(outcome));
    else
        m_comparison->setPlainText(
            tr("No from-scratch run: tick \"Compare with training from scratch\" on the Training page."));
}

QString ResultsPage::metricsText() const
{
    return m_metrics->text();
}

QString ResultsPage::comparisonText() const
{
    return m_comparison->toPlainText();
}

} // namespace graft::ui
