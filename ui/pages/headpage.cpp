#include "ui/pages/headpage.h"

#include "core/model/modelspec.h"
#include "core/training/headremapper.h"
#include "core/training/trainingdata.h"
#include "ui/common/timings.h"
#include "ui/document/workbench.h"
#include "ui/models/headplanmodel.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLocale>
#include <QPointer>
#include <QPushButton>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QTimer>
#include <QUndoStack>
#include <QVBoxLayout>

namespace graft::ui {

namespace {

/** Combo boxes for the strategy and source columns; the combo's item data is the value, not its row. */
class HeadPlanDelegate final : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    QWidget *createEditor(QWidget *parent, const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        auto *model = qobject_cast<const HeadPlanModel *>(index.model());
        if (!model)
            return QStyledItemDelegate::createEditor(parent, option, index);
        auto *combo = new QComboBox(parent);
        if (index.column() == HeadPlanModel::StrategyColumn) {
            for (HeadStrategy s : HeadPlanModel::strategies()) {
                combo->addItem(HeadPlanModel::strategyLabel(s), int(s));
                combo->setItemData(combo->count() - 1, HeadPlanModel::strategyToolTip(s), Qt::ToolTipRole);
            }
        } else if (index.column() == HeadPlanModel::SourceColumn) {
            const HeadPlan &plan = model->plan();
            combo->addItem(tr("— (none)"), -1);
            for (int i = 0; i < plan.oldUnits; ++i)
                combo->addItem(i < plan.oldClassNames.size()
                                   ? QStringLiteral("%1 · %2").arg(i).arg(plan.oldClassNames[i])
                                   : QString::number(i),
                               i);
        } else {
            delete combo;
            return nullptr;
        }
        return combo;
    }

    void setEditorData(QWidget *editor, const QModelIndex &index) const override
    {
        if (auto *combo = qobject_cast<QComboBox *>(editor))
            combo->setCurrentIndex(std::max(0, combo->findData(index.data(Qt::EditRole))));
    }

    void setModelData(QWidget *editor, QAbstractItemModel *model, const QModelIndex &index) const override
    {
        if (auto *combo = qobject_cast<QComboBox *>(editor))
            model->setData(index, combo->currentData(), Qt::EditRole);
    }
};

} // namespace

HeadPage::HeadPage(Workbench *workbench, QWidget *parent)
    : QWidget(parent), m_workbench(workbench), m_model(workbench->plan()), m_view(new QTableView(this)),
      m_mode(new QComboBox(this)), m_strategy(new QComboBox(this)),
      m_autoMatch(new QPushButton(tr("&Auto-match by Name"), this)),
      m_setStrategy(new QPushButton(tr("Set for &Selection"), this)),
      m_zeroShotButton(new QPushButton(tr("&Zero-shot Accuracy"), this)), m_zeroShotResult(new QLabel(this)),
      m_summary(new QLabel(this)), m_status(new QLabel(this)), m_previewTimer(new QTimer(this))
{
    m_view->setModel(m_model);
    m_view->setItemDelegate(new HeadPlanDelegate(m_view));
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed
                            | QAbstractItemView::SelectedClicked);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 8);

    m_mode->addItem(tr("Remap rows"), int(HeadMode::PerRow));
    m_mode->setItemData(0, tr("The last Dense gets one neuron per new class, each from its row's strategy."),
                        Qt::ToolTipRole);
    m_mode->addItem(tr("Stack"), int(HeadMode::Stack));
    m_mode->setItemData(1, tr("Keep the old output layer as a hidden ReLU layer and put a new softmax layer on top."),
                        Qt::ToolTipRole);
    m_mode->addItem(tr("Adapter"), int(HeadMode::Adapter));
    m_mode->setItemData(2,
                        tr("Freeze the whole old model and learn a small layer from its outputs to the new classes."),
                        Qt::ToolTipRole);
    m_mode->setToolTip(tr("How the new head is built from the old one"));
    for (HeadStrategy s : HeadPlanModel::strategies())
        m_strategy->addItem(HeadPlanModel::strategyLabel(s), int(s));
    m_strategy->setToolTip(tr("Strategy applied to the selected rows by \"Set for Selection\""));
    m_autoMatch->setToolTip(tr("Copy every new class whose name matches an old class; imprint the others"));
    m_setStrategy->setToolTip(tr("Give the selected rows the strategy on the left"));
    m_zeroShotButton->setToolTip(tr("Accuracy of the remapped model on the validation samples before any training"));
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_summary->setWordWrap(true);
    m_status->setWordWrap(true);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(new QLabel(tr("Head:"), this));
    buttons->addWidget(m_mode);
    buttons->addSpacing(12);
    buttons->addWidget(m_autoMatch);
    buttons->addWidget(m_strategy);
    buttons->addWidget(m_setStrategy);
    buttons->addStretch();
    buttons->addWidget(m_zeroShotButton);
    buttons->addWidget(m_zeroShotResult);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_status);
    layout->addLayout(buttons);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_summary);
    setTabOrder(m_mode, m_autoMatch);
    setTabOrder(m_autoMatch, m_strategy);
    setTabOrder(m_strategy, m_setStrategy);
    setTabOrder(m_setStrategy, m_zeroShotButton);
    setTabOrder(m_zeroShotButton, m_view);

    // Norms need the remapped weights (and, for imprint rows, a pass over the data): debounce edits.
    m_previewTimer->setSingleShot(true);
    m_previewTimer->setInterval(timing::previewDebounce);
    connect(m_previewTimer, &QTimer::timeout, this, &HeadPage::startPreview);
    connect(m_model, &HeadPlanModel::planChanged, this, &HeadPage::planChanged);
    connect(m_autoMatch, &QPushButton::clicked, this, [this] { m_model->autoMatch(); });
    connect(m_setStrategy, &QPushButton::clicked, this, &HeadPage::applySelectedStrategy);
    connect(m_zeroShotButton, &QPushButton::clicked, this, &HeadPage::computeZeroShot);
    connect(m_mode, &QComboBox::activated, this, [this] { m_model->setMode(HeadMode(m_mode->currentData().toInt())); });
    connect(workbench, &Workbench::inputsChanged, this, &HeadPage::inputsChanged);
    inputsChanged();
    planChanged();
}

HeadPage::~HeadPage() = default;

void HeadPage::inputsChanged()
{
    // The workbench has proposed the plan for these inputs (copy by name, imprint the rest).
    const FineTuneInputs inputs = m_workbench->inputs();
    m_zeroShotResult->clear();
    QString status;
    if (!inputs.hasModel()) {
        status = tr("Open a model (File → Open Model…) and choose a dataset to plan the new head.");
    } else if (auto head = HeadRemapper::locate(inputs.model->model); !head) {
        status = tr("This model has no output Dense layer to remap: %1").arg(head.errorString());
    } else if (!inputs.data) {
        status = tr("The old head has %1 outputs. Choose a dataset to get one row per new class.").arg(head->units);
    } else if (inputs.model->classNames.size() != head->units) {
        status = tr("%1 → %2 classes. The old class names are unknown (no labels file beside the model): pick "
                    "sources by index.")
                     .arg(head->units)
                     .arg(inputs.data->classNames.size());
    } else {
        status = tr("%1 → %2 classes; rows whose name matches an old class copy it.")
                     .arg(head->units)
                     .arg(inputs.data->classNames.size());
    }
    m_status->setText(status);
}

void HeadPage::planChanged()
{
    const bool usable = !m_model->plan().rows.isEmpty();
    for (QWidget *w : std::initializer_list<QWidget *>{m_autoMatch, m_setStrategy, m_mode, m_strategy})
        w->setEnabled(usable);
    m_zeroShotButton->setEnabled(usable && !m_zeroShot.isRunning());
    m_mode->setCurrentIndex(m_mode->findData(int(m_model->plan().mode)));
    updateSummary();
    if (m_workbench->inputs().ready() && usable)
        m_previewTimer->start();
}

QString HeadPage::summaryText() const
{
    return m_summary->text();
}

void HeadPage::updateSummary()
{
    const auto model = m_workbench->model();
    if (!model || m_model->plan().rows.isEmpty()) {
        m_summary->clear();
        return;
    }
    auto summary = HeadRemapper::summarize(model->model, m_model->plan());
    if (!summary) {
        m_summary->setText(tr("<b>Plan not usable:</b> %1").arg(summary.errorString().toHtmlEscaped()));
        return;
    }
    const QLocale locale;
    QString text = tr("<b>Before:</b> %1 → %2 units, %3 head params, %4 model params. "
                      "<b>After:</b> %5 units, %6 head params, %7 model params. %8 of %5 rows copied.")
                       .arg(summary->headLayer)
                       .arg(summary->oldUnits)
                       .arg(locale.toString(qlonglong(summary->headParamsBefore)),
                            locale.toString(qlonglong(summary->modelParamsBefore)))
                       .arg(summary->newUnits)
                       .arg(locale.toString(qlonglong(summary->headParamsAfter)),
                            locale.toString(qlonglong(summary->modelParamsAfter)))
                       .arg(summary->copiedRows);
    if (!summary->droppedOldClasses.isEmpty())
        text +=
            tr(" Dropped old classes: %1.").arg(summary->droppedOldClasses.join(QStringLiteral(", ")).toHtmlEscaped());
    m_summary->setText(text);
}

void HeadPage::startPreview()
{
    // A later edit supersedes this preview: only the latest plan's norms are shown.
    m_preview.start(
        [inputs = m_workbench->inputs(), plan = m_model->plan()](const CancelToken &) {
            auto remapped = FineTuneSetup::remap(inputs, plan);
            return remapped ? FineTuneSetup::headRowNorms(*remapped) : QVector<double>();
        },
        [this](const QVector<double> &norms) {
            m_model->setRowNorms(norms);
            Q_EMIT previewUpdated();
        });
}

void HeadPage::computeZeroShot()
{
    const FineTuneInputs inputs = m_workbench->inputs();
    if (m_zeroShot.isRunning() || !inputs.ready())
        return;
    m_zeroShotButton->setEnabled(false);
    m_zeroShotResult->setText(tr("Evaluating…"));
    m_zeroShot.start(
        [inputs, plan = m_model->plan()](const CancelToken &) { return FineTuneSetup::zeroShot(inputs, plan); },
        [this](const Expected<ClassificationReport> &report) { showZeroShot(report); });
}

void HeadPage::showZeroShot(const Expected<ClassificationReport> &report)
{
    m_zeroShotButton->setEnabled(!m_model->plan().rows.isEmpty());
    if (!report) {
        m_zeroShotResult->setText(tr("failed"));
        m_zeroShotResult->setToolTip(report.errorString());
        Q_EMIT zeroShotFailed(report.errorString());
        return;
    }
    QString text = tr("%1 % on %2 samples").arg(report->accuracy * 100.0, 0, 'f', 1).arg(report->samples);
    if (report->keptOldClassAccuracy)
        text += tr(" (copied classes: %1 %)").arg(*report->keptOldClassAccuracy * 100.0, 0, 'f', 1);
    m_zeroShotResult->setText(text);
    m_zeroShotResult->setToolTip(QString());
    Q_EMIT zeroShotFinished(*report);
}

QVector<int> HeadPage::selectedRows() const
{
    QVector<int> rows;
    for (const QModelIndex &index : m_view->selectionModel()->selectedRows())
        rows << index.row();
    if (rows.isEmpty() && m_view->currentIndex().isValid())
        rows << m_view->currentIndex().row();
    return rows;
}

void HeadPage::applySelectedStrategy()
{
    const QVector<int> rows = selectedRows();
    if (!rows.isEmpty())
        m_model->setStrategy(rows, HeadStrategy(m_strategy->currentData().toInt()));
}

} // namespace graft::ui
