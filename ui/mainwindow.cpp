#include "ui/mainwindow.h"

#include "core/model/modelspec.h"
#include "core/text/textdataset.h"
#include "ui/common/settingskeys.h"
#include "ui/document/datasetsource.h"
#include "ui/document/projectsession.h"
#include "ui/document/trainingcontroller.h"
#include "ui/document/workbench.h"
#include "ui/models/layertablemodel.h"
#include "ui/pages/datasetpage.h"
#include "ui/pages/headpage.h"
#include "ui/pages/modelpage.h"
#include "ui/pages/resultspage.h"
#include "ui/pages/trainingpage.h"
#include "ui/window/statusreporter.h"
#include "ui/window/windowactions.h"

#include <QCloseEvent>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QListWidget>
#include <QMimeData>
#include <QSettings>
#include <QStackedWidget>

namespace graft::ui {

namespace {

bool isModelFileName(const QString &path)
{
    const QString lower = path.toLower();
    return lower.endsWith(QLatin1String(".h5")) || lower.endsWith(QLatin1String(".hdf5"))
           || lower.endsWith(QLatin1String(".keras"));
}

} // namespace

MainWindow::MainWindow(Workbench *workbench, QWidget *parent)
    : QMainWindow(parent), m_workbench(workbench), m_modelPage(new ModelPage(workbench, this)),
      m_datasetPage(new DatasetPage(workbench, this)), m_headPage(new HeadPage(workbench, this)),
      m_trainingPage(new TrainingPage(workbench, this)), m_resultsPage(new ResultsPage(workbench, this)),
      m_pageList(new QListWidget(this)), m_pages(new QStackedWidget(this)),
      m_session(new ProjectSession(workbench, this)), m_status(new StatusReporter(this, workbench, m_session)),
      m_actions(new WindowActions(this, m_status))
{
    setAcceptDrops(true);
    setObjectName(QStringLiteral("graftMainWindow"));
    const QStringList titles = pageTitles();
    const QList<QWidget *> pages{m_modelPage, m_datasetPage, m_headPage, m_trainingPage, m_resultsPage};
    for (int p = 0; p < PageCount; ++p) {
        m_pageList->addItem(titles[p]);
        m_pages->addWidget(pages[p]);
    }
    m_pageList->setFixedWidth(m_pageList->fontMetrics().horizontalAdvance(titles[TrainingPageIndex]) * 2 + 24);
    m_pageList->setToolTip(tr("Pages (Ctrl+1 … Ctrl+5)"));
    connect(m_pageList, &QListWidget::currentRowChanged, m_pages, &QStackedWidget::setCurrentIndex);
    m_pageList->setCurrentRow(ModelPageIndex);
    auto *central = new QWidget(this);
    auto *layout = new QHBoxLayout(central);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_pageList);
    layout->addWidget(m_pages, 1);
    setCentralWidget(central);

    connect(m_modelPage->layerModel(), &LayerTableModel::totalsChanged, m_status, &StatusReporter::updateLabels);
    connect(m_session, &ProjectSession::stateChanged, this, &MainWindow::updateTitle);
    connect(workbench, &Workbench::modelChanged, this, &MainWindow::updateTitle);
    connect(workbench, &Workbench::demoReady, this, [this] {
        showPage(TrainingPageIndex);
        if (!m_session->isOpening())
            m_session->resetBaseline(); // the demo as it comes is nothing to save yet
    });

    QSettings settings;
    if (!restoreGeometry(settings.value(settingskeys::windowGeometry).toByteArray()))
        resize(1200, 800);
    restoreState(settings.value(settingskeys::windowState).toByteArray());
    m_session->resetBaseline(); // an empty window has nothing to save; the title follows
}

MainWindow::~MainWindow()
{
    // The pages die before the session: their last signals must not reach a session that reads them.
    m_session->disconnect();
}

QStringList MainWindow::pageTitles()
{
    return {tr("Model"), tr("Dataset"), tr("Head"), tr("Training"), tr("Results")};
}

int MainWindow::currentPage() const
{
    return m_pages->currentIndex();
}

void MainWindow::showPage(int page)
{
    if (page >= 0 && page < PageCount)
        m_pageList->setCurrentRow(page);
}

void MainWindow::setShowErrorDialogs(bool show)
{
    m_status->setShowErrorDialogs(show);
    m_datasetPage->setShowErrorDialogs(show);
}

void MainWindow::updateTitle()
{
    // "[*]": the workbench changed since the project was saved or opened.
    const QString project = m_session->path();
    const auto model = m_workbench->model();
    if (!project.isEmpty())
        setWindowTitle(tr("%1[*] — Graft").arg(QFileInfo(project).completeBaseName()));
    else if (model)
        setWindowTitle(tr("%1[*] — Graft").arg(QFileInfo(model->sourcePath).fileName()));
    else
        setWindowTitle(tr("Graft[*]"));
    setWindowFilePath(model ? model->sourcePath : QString());
    setWindowModified(m_session->isModified());
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
    QString modelPath, jsonPath, datasetPath;
    for (const QUrl &url : event->mimeData()->urls()) {
        const QString path = url.toLocalFile();
        if (path.isEmpty())
            continue;
        if (QFileInfo(path).isDir() || (QFileInfo(path).isFile() && TextDatasetLoader::looksLikeTextDataset(path)))
            datasetPath = path;
        else if (path.endsWith(QLatin1String(".json"), Qt::CaseInsensitive))
            jsonPath = path;
        else if (isModelFileName(path) || modelPath.isEmpty())
            modelPath = path;
    }
    const auto model = m_workbench->model();
    if (!modelPath.isEmpty()) {
        m_workbench->openModel(modelPath, jsonPath);
    } else if (!jsonPath.isEmpty() && model) {
        m_workbench->openModel(model->sourcePath, jsonPath); // the architecture of the weights open now
    } else if (!datasetPath.isEmpty()) {
        showPage(DatasetPageIndex);
        m_workbench->dataset()->open(datasetPath);
    } else {
        return;
    }
    event->acceptProposedAction();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (m_workbench->training()->isRunning()) {
        m_trainingPage->stop();
        m_workbench->training()->waitForFinished();
    }
    QSettings settings;
    settings.setValue(settingskeys::windowGeometry, saveGeometry());
    settings.setValue(settingskeys::windowState, saveState());
    QMainWindow::closeEvent(event);
}

} // namespace graft::ui
