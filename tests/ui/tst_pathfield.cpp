#include "ui/widgets/pathfield.h"

#include <QApplication>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QLineEdit>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

#include <functional>

using namespace graft::ui;

/**
 * PathField: typing and browsing both reach the page, the dialog starts where the user
 * would look, and the folder chosen last is remembered. The dialog is Qt's own widget
 * dialog here (offscreen), answered from a timer as a user would.
 */
class TestPathField final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_seenDirectory; ///< where the last dialog opened

    /** Runs `action` (which opens a dialog) and answers the dialog with `answer`. */
    void answerDialog(const std::function<void()> &action, const std::function<void(QFileDialog *)> &answer)
    {
        m_seenDirectory.clear();
        QTimer::singleShot(0, this, [this, answer] {
            auto *dialog = qobject_cast<QFileDialog *>(QApplication::activeModalWidget());
            QVERIFY(dialog);
            m_seenDirectory = dialog->directory().absolutePath();
            answer(dialog);
        });
        action();
    }

    QString makeFile(const QString &relative)
    {
        const QString path = m_dir.filePath(relative);
        QDir().mkpath(QFileInfo(path).absolutePath());
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly))
            qFatal("cannot write %s", qPrintable(path));
        return path;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true); // QSettings go to a test location
        QSettings().remove(QStringLiteral("tst_pathfield"));
    }

    void typingEmitsEditedTrimmed()
    {
        PathField field(PathField::Kind::OpenFile, QStringLiteral("Choose"));
        QSignalSpy edited(&field, &PathField::edited);
        QSignalSpy browsed(&field, &PathField::browsed);
        QTest::keyClicks(field.lineEdit(), QStringLiteral(" /a/b.h5 "));
        QCOMPARE(field.path(), QStringLiteral("/a/b.h5"));
        QCOMPARE(edited.size(), 9);
        QCOMPARE(edited.last().at(0).toString(), QStringLiteral("/a/b.h5"));
        QCOMPARE(browsed.size(), 0);
    }

    void browsingSetsThePathAndRemembersItsFolder()
    {
        const QString key = QStringLiteral("tst_pathfield/lastFolder");
        const QString chosen = makeFile(QStringLiteral("models/base.h5"));
        QSettings().setValue(key, m_dir.filePath(QStringLiteral("models")));
        PathField field(PathField::Kind::OpenFile, QStringLiteral("Choose"));
        field.setRememberedFolderKey(key);
        field.setStartFolder(m_dir.path());
        QStringList order;
        connect(&field, &PathField::edited, this, [&order] { order << QStringLiteral("edited"); });
        connect(&field, &PathField::browsed, this, [&order, &field](const QString &path) {
            order << QStringLiteral("browsed");
            QCOMPARE(path, field.path());
        });
        answerDialog([&field] { field.browse(); },
                     [chosen](QFileDialog *dialog) {
                         dialog->selectFile(chosen);
                         QMetaObject::invokeMethod(dialog, "accept"); // a slot, protected in C++
                     });
        // An empty field opens at the remembered folder, not at the start folder.
        QCOMPARE(m_seenDirectory, QFileInfo(chosen).absolutePath());
        QCOMPARE(field.path(), QDir::toNativeSeparators(chosen));
        QCOMPARE(order, (QStringList{QStringLiteral("edited"), QStringLiteral("browsed")}));
        QCOMPARE(QSettings().value(key).toString(), QFileInfo(chosen).absolutePath());
    }

    void dialogStartsAtTheCurrentPath()
    {
        const QString inner = QFileInfo(makeFile(QStringLiteral("data/train/cat/a.wav"))).absolutePath();
        PathField folder(PathField::Kind::Folder, QStringLiteral("Choose"));
        folder.setStartFolder(m_dir.path());
        folder.setPath(inner);
        answerDialog([&folder] { folder.browse(); }, [](QFileDialog *dialog) { dialog->reject(); });
        QCOMPARE(m_seenDirectory, inner);

        PathField file(PathField::Kind::OpenFile, QStringLiteral("Choose"));
        file.setPath(QDir(inner).filePath(QStringLiteral("a.wav")));
        answerDialog([&file] { file.browse(); }, [](QFileDialog *dialog) { dialog->reject(); });
        QCOMPARE(m_seenDirectory, inner); // a file's folder

        PathField fresh(PathField::Kind::OpenFile, QStringLiteral("Choose"));
        fresh.setRememberedFolderKey(QStringLiteral("tst_pathfield/neverSet"));
        fresh.setStartFolder(inner);
        answerDialog([&fresh] { fresh.browse(); }, [](QFileDialog *dialog) { dialog->reject(); });
        QCOMPARE(m_seenDirectory, inner); // nothing remembered: the start folder
    }

    void cancellingChangesNothing()
    {
        const QString key = QStringLiteral("tst_pathfield/cancelled");
        PathField field(PathField::Kind::OpenFile, QStringLiteral("Choose"));
        field.setRememberedFolderKey(key);
        field.setPath(QStringLiteral("/kept/model.h5"));
        QSignalSpy edited(&field, &PathField::edited);
        QSignalSpy browsed(&field, &PathField::browsed);
        answerDialog([&field] { field.browse(); }, [](QFileDialog *dialog) { dialog->reject(); });
        QCOMPARE(field.path(), QStringLiteral("/kept/model.h5"));
        QCOMPARE(edited.size(), 0);
        QCOMPARE(browsed.size(), 0);
        QVERIFY(!QSettings().contains(key));
    }
};

QTEST_MAIN(TestPathField)
#include "tst_pathfield.moc"
