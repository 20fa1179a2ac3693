#include "ui/mainwindow.h"

namespace graft::ui {

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
{
    setWindowTitle(tr("Graft"));
}

} // namespace graft::ui
