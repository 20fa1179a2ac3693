#include "ui/mainwindow.h"

#include "core/formats/kerasfileloader.h"
#include "ui/models/layertablemodel.h"
#include "ui/pages/modelpage.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QLabel>
#include <QLocale>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
#include <QtConcurrent/QtConcurrentRun>

namespace graft::ui {

namespace {

constexpr int maxRecentFiles = 10;
const char recentFilesKey[] = "recentFiles";

bool isModelFileName(const QString &path)
{
    const QString lower = path.toLower();
    return lower.endsWith(QLatin1String(".h5")) || lower.endsWith(QLatin1String(".hdf5"))
           || lower.endsWith(QLatin1String(".keras"));
}

} // namespace

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
    , m_modelPage(new ModelPage(this))
    , m_pages(new QTabWidget(this))
    , m_statusFormat(new QLabel(this))
    , m_statusParams(new QLabel(this))
{
    setWindowTitle(tr("Graft"));
    setAcceptDrops(true);
    m_pages->addTab(m_modelPage, tr("&Model"));
    setCentralWidget(m_pages);
    statusBar()->addPermanentWidget(m_statusFormat);
    statusBar()->addPermanentWidget(m_statusParams);
    createMenus();
    connect(m_modelPage, &ModelPage::chooseArchitectureRequested, this, &MainWindow::chooseArchitecture);
    connect(m_modelPage->layerModel(), &LayerTableModel::totalsChanged, this, &MainWindow::updateStatus);

    QSettings settings;
    if (!restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray()))
        resize(1000, 700);
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    updateStatus();
}

MainWindow::~MainWindow() = default;

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *open = file->addAction(tr("&Open Model…"), this, &MainWindow::chooseModelFile);
    open->setShortcut(QKeySequence::Open);
    open->setToolTip(tr("Open Keras weights or a model: .h5, .hdf5, .weights.h5, .keras"));
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    file->addAction(tr("Open &Architecture JSON…"), this, &MainWindow::chooseArchitecture);
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);
    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About Graft"), this, &MainWindow::showAbout);
    rebuildRecentMenu();
}

void MainWindow::chooseModelFile()
{
    QSettings settings;
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open Keras Model or Weights"), settings.value(QStringLiteral("lastModelFolder")).toString(),
        tr("Keras files (*.h5 *.hdf5 *.keras);;All files (*)"));
    if (path.isEmpty())
        return;
    settings.setValue(QStringLiteral("lastModelFolder"), QFileInfo(path).absolutePath());
    openModelFile(path);
}

void MainWindow::chooseArchitecture()
{
    if (!m_model) {
        showError(tr("No model"), tr("Open a weights file first, then choose the architecture JSON that describes it."));
        return;
    }
    const QString json = QFileDialog::getOpenFileName(this, tr("Choose Architecture JSON"),
                                                      QFileInfo(m_model->sourcePath).absolutePath(),
                                                      tr("Keras model JSON (*.json);;All files (*)"));
    if (!json.isEmpty())
        openModelFile(m_model->sourcePath, json);
}

void MainWindow::openModelFile(const QString &path, const QString &architectureJson)
{
    if (m_loading)
        return;
    m_loading = true;
    statusBar()->showMessage(tr("Loading %1…").arg(QFileInfo(path).fileName()));
    QApplication::setOverrideCursor(Qt::BusyCursor);
    LoadOptions options;
    options.architectureJsonPath = architectureJson;
    // Reading and matching a large file takes seconds: keep the window responsive.
    auto *watcher = new QFutureWatcher<Expected<LoadedModel>>(this);
    connect(watcher, &QFutureWatcher<Expected<LoadedModel>>::finished, this, [this, watcher, path] {
        watcher->deleteLater();
        m_loading = false;
        QApplication::restoreOverrideCursor();
        Expected<LoadedModel> result = watcher->result();
        if (!result) {
            statusBar()->showMessage(tr("Could not open %1").arg(QFileInfo(path).fileName()), 5000);
            showError(tr("Cannot open model"), result.errorString());
            Q_EMIT loadFailed(result.errorString());
            return;
        }
        addRecentFile(path);
        showModel(std::make_shared<LoadedModel>(std::move(result).value()));
        statusBar()->showMessage(tr("Opened %1").arg(QFileInfo(path).fileName()), 5000);
        Q_EMIT modelLoaded();
    });
    watcher->setFuture(QtConcurrent::run([path, options] { return KerasFileLoader::load(path, options); }));
}

void MainWindow::showModel(std::shared_ptr<LoadedModel> model)
{
    m_model = std::move(model);
    m_modelPage->setModel(m_model);
    setWindowTitle(tr("%1 — Graft").arg(QFileInfo(m_model->sourcePath).fileName()));
    setWindowFilePath(m_model->sourcePath);
    updateStatus();
}

void MainWindow::updateStatus()
{
    if (!m_model) {
        m_statusFormat->setText(tr("No model"));
        m_statusParams->clear();
        return;
    }
    m_statusFormat->setText(tr("%1 · Keras %2").arg(m_model->format,
                                                    m_model->kerasVersion.isEmpty() ? tr("?") : m_model->kerasVersion));
    const ParamCount p = m_model->params();
    const QLocale locale;
    m_statusParams->setText(tr("%1 params (%2 trainable)").arg(locale.toString(qlonglong(p.total)),
                                                                locale.toString(qlonglong(p.trainable))));
}

void MainWindow::showError(const QString &title, const QString &message)
{
    if (!m_showErrorDialogs)
        return;
    auto *box = new QMessageBox(QMessageBox::Warning, title, message, QMessageBox::Ok, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

void MainWindow::rebuildRecentMenu()
{
    m_recentMenu->clear();
    const QStringList recent = QSettings().value(QLatin1String(recentFilesKey)).toStringList();
    for (const QString &path : recent)
        m_recentMenu->addAction(QFileInfo(path).fileName(), this, [this, path] { openModelFile(path); })->setToolTip(path);
    m_recentMenu->setEnabled(!recent.isEmpty());
}

void MainWindow::addRecentFile(const QString &path)
{
    QSettings settings;
    QStringList recent = settings.value(QLatin1String(recentFilesKey)).toStringList();
    const QString absolute = QFileInfo(path).absoluteFilePath();
    recent.removeAll(absolute);
    recent.prepend(absolute);
    while (recent.size() > maxRecentFiles)
        recent.removeLast();
    settings.setValue(QLatin1String(recentFilesKey), recent);
    rebuildRecentMenu();
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    if (!event->mimeData()->hasUrls())
        return;
    for (const QUrl &url : event->mimeData()->urls()) {
        if (url.isLocalFile()) {
            event->acceptProposedAction();
            return;
        }
    }
}

void MainWindow::dropEvent(QDropEvent *event)
{
    QString modelPath, jsonPath;
    for (const QUrl &url : event->mimeData()->urls()) {
        const QString path = url.toLocalFile();
        if (path.isEmpty())
            continue;
        if (path.endsWith(QLatin1String(".json"), Qt::CaseInsensitive))
            jsonPath = path;
        else if (isModelFileName(path) || modelPath.isEmpty())
            modelPath = path;
    }
    if (!modelPath.isEmpty()) {
        openModelFile(modelPath, jsonPath);
        event->acceptProposedAction();
    } else if (!jsonPath.isEmpty() && m_model) {
        openModelFile(m_model->sourcePath, jsonPath);
        event->acceptProposedAction();
    }
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    QMainWindow::closeEvent(event);
}

void MainWindow::showAbout()
{
    QMessageBox::about(this, tr("About Graft"),
                       tr("<h3>Graft %1</h3><p>A workbench for transfer learning of Keras classifiers.</p>"
                          "<p>Qt %2</p>").arg(QApplication::applicationVersion(), QString::fromLatin1(qVersion())));
}

} // namespace graft::ui
