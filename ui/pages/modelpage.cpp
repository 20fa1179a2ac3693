#include "ui/pages/modelpage.h"

#include "core/model/modelsummary.h"
#include "ui/document/workbench.h"
#include "ui/models/layertablemodel.h"

#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QLocale>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

namespace graft::ui {

ModelPage::ModelPage(Workbench *workbench, QWidget *parent)
    : QWidget(parent), m_layers(new LayerTableModel(this)), m_view(new QTableView(this)), m_summary(new QLabel(this)),
      m_totals(new QLabel(this)), m_warnings(new QListWidget(this))
{
    m_view->setModel(m_layers);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->verticalHeader()->hide();
    m_view->setAlternatingRowColors(true);
    m_summary->setText(tr("Open a Keras weights or model file (File → Open, or drop it here)."));
    m_summary->setWordWrap(true);
    m_warnings->setMaximumHeight(110);
    m_warnings->hide();

    auto *archButton = new QPushButton(tr("Choose architecture JSON…"), this);
    archButton->setToolTip(tr("For a weights-only file: the model.to_json() output that describes its layers."));
    connect(archButton, &QPushButton::clicked, this, &ModelPage::chooseArchitectureRequested);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_totals);
    layout->addWidget(m_warnings);
    layout->addWidget(archButton, 0, Qt::AlignLeft);
    connect(m_layers, &LayerTableModel::totalsChanged, this, &ModelPage::updateTotals);
    connect(workbench, &Workbench::modelChanged, this, [this, workbench] { setModel(workbench->model()); });
}

void ModelPage::setModel(std::shared_ptr<LoadedModel> model)
{
    m_layers->setModel(model);
    m_warnings->clear();
    if (!model) {
        m_warnings->hide();
        return;
    }
    const Shape input = ModelSummary::inputShape(*model);
    m_summary->setText(
        tr("<b>%1</b> — %2, Keras %3%4")
            .arg(model->sourcePath.toHtmlEscaped(), model->format,
                 model->kerasVersion.isEmpty() ? tr("unknown") : model->kerasVersion,
                 model->hasArchitecture ? tr(", input %1").arg(shapeToString(input)) : tr(", <i>no architecture</i>")));
    m_warnings->addItems(model->warnings);
    m_warnings->setVisible(!model->warnings.isEmpty());
}

void ModelPage::updateTotals()
{
    const ParamCount p = m_layers->totals();
    const QLocale locale;
    m_totals->setText(tr("Total params: %1   Trainable: %2   Non-trainable: %3")
                          .arg(locale.toString(qlonglong(p.total)), locale.toString(qlonglong(p.trainable)),
                               locale.toString(qlonglong(p.nonTrainable))));
}

} // namespace graft::ui
