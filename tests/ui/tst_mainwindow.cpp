// The first window: a fixture dropped onto the window loads, and the layers model is sound.

#include "core/model/modelspec.h"
#include "ui/mainwindow.h"
#include "ui/models/layertablemodel.h"
#include "ui/pages/modelpage.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QDropEvent>
#include <QMimeData>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>
#include <QUrl>

using namespace graft;
using namespace graft::ui;

class TestMainWindow : public QObject
{
    Q_OBJECT

private:
    static QString fixture(const QString &relative)
    {
        return QStringLiteral(GRAFT_FIXTURES_DIR "/keras/") + relative;
    }

    static void drop(QWidget *target, const QList<QUrl> &urls)
    {
        QMimeData mime;
        mime.setUrls(urls);
        const QPoint pos = target->rect().center();
        QDragEnterEvent enter(pos, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(target, &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent dropEvent(QPointF(pos), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(target, &dropEvent);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true); // QSettings go to a test location
    }

    void dropLoadsModel()
    {
        MainWindow window;
        window.setShowErrorDialogs(false);
        window.show();
        QSignalSpy loaded(&window, &MainWindow::modelLoaded);
        drop(&window, {QUrl::fromLocalFile(fixture(QStringLiteral("keras2/3layer_batch_norm.h5")))});
        QVERIFY(loaded.wait(20000));
        QVERIFY(window.currentModel());
        LayerTableModel *model = window.modelPage()->layerModel();
        QCOMPARE(model->rowCount(), 13);
        QCOMPARE(model->index(2, LayerTableModel::NameColumn).data().toString(), QStringLiteral("bn1"));
        QCOMPARE(model->totals().total, std::int64_t(4921));
        QCOMPARE(model->totals().nonTrainable, std::int64_t(266));
    }

    void freezingUpdatesTotals()
    {
        MainWindow window;
        window.setShowErrorDialogs(false);
        QSignalSpy loaded(&window, &MainWindow::modelLoaded);
        window.openModelFile(fixture(QStringLiteral("keras2/3layer_batch_norm.h5")));
        QVERIFY(loaded.wait(20000));
        LayerTableModel *model = window.modelPage()->layerModel();
        QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy totals(model, &LayerTableModel::totalsChanged);
        // fc1_relu: 1088 trainable params become non-trainable.
        QVERIFY(model->setData(model->index(1, LayerTableModel::TrainableColumn), Qt::Unchecked, Qt::CheckStateRole));
        QCOMPARE(totals.count(), 1);
        QCOMPARE(model->totals().trainable, std::int64_t(4655 - 1088));
        QCOMPARE(model->totals().nonTrainable, std::int64_t(266 + 1088));
        QCOMPARE(model->totals().total, std::int64_t(4921));
    }

    void unreadableFileSaysWhichAndWhy()
    {
        MainWindow window;
        window.setShowErrorDialogs(false);
        QSignalSpy failed(&window, &MainWindow::loadFailed);
        const QString path = fixture(QStringLiteral("PROVENANCE.md"));
        window.openModelFile(path);
        QVERIFY(failed.wait(20000));
        const QString message = failed.front().front().toString();
        QVERIFY2(message.contains(path), qPrintable(message));
        QVERIFY(!window.currentModel());
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
