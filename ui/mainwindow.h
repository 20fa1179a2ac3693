#pragma once

#include <QMainWindow>

namespace graft::ui {

/** The workbench's main window. */
class MainWindow final : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
};

} // namespace graft::ui
