#pragma once

#include <qcustomplot.h>

#include <QStringList>
#include <QVector>

namespace graft::ui {

/** Samples per class as bars: one for training and, when there is a validation set, one for validation. */
class ClassCountChart final : public QCustomPlot
{
    Q_OBJECT
public:
    explicit ClassCountChart(QWidget *parent = nullptr);

    /** `validation` empty: no validation bars. */
    void setCounts(const QStringList &names, const QVector<int> &train, const QVector<int> &validation);

private:
    QCPBars *m_trainBars;
    QCPBars *m_validationBars;
};

} // namespace graft::ui
