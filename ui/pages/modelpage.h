#pragma once

#include <QWidget>

#include <memory>

class QLabel;
class QListWidget;
class QTableView;

namespace graft {
struct LoadedModel;
}

namespace graft::ui {

class LayerTableModel;
class Workbench;

/** The Model page: the Workbench's model as a layer table with trainable check boxes, parameter totals and warnings. */
class ModelPage final : public QWidget
{
    Q_OBJECT
public:
    explicit ModelPage(Workbench *workbench, QWidget *parent = nullptr);

    LayerTableModel *layerModel() const { return m_layers; }
    QTableView *layerView() const { return m_view; }

Q_SIGNALS:
    void chooseArchitectureRequested();

private:
    void setModel(std::shared_ptr<LoadedModel> model);
    void updateTotals();

    LayerTableModel *m_layers;
    QTableView *m_view;
    QLabel *m_summary;
    QLabel *m_totals;
    QListWidget *m_warnings;
};

} // namespace graft::ui
