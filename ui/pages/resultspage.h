#pragma once

#include "core/training/trainingtypes.h"

#include <QStringList>
#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QTableWidget;

namespace graft::ui {

class ConfusionMapPlot;
class Workbench;

/**
 * The Results page: the Workbench's last training result as final validation metrics,
 * per-class accuracy, the confusion heat map, accuracy on the old classes kept, and
 * fine-tuned vs from-scratch. New inputs clear it.
 */
class ResultsPage final : public QWidget
{
    Q_OBJECT
public:
    explicit ResultsPage(Workbench *workbench, QWidget *parent = nullptr);

    void setOutcome(const FineTuneOutcome &outcome, const QStringList &classNames);
    void clear();
    bool hasResults() const { return m_hasResults; }

    QTableWidget *perClassTable() const { return m_perClass; }
    ConfusionMapPlot *confusionPlot() const { return m_confusion; }
    QString metricsText() const;
    QString comparisonText() const;

private:
    QLabel *m_metrics;
    QTableWidget *m_perClass;
    ConfusionMapPlot *m_confusion;
    QPlainTextEdit *m_comparison;
    bool m_hasResults = false;
};

} // namespace graft::ui
