// The Dataset page with text datasets: a generated CSV and TextVectorization vocabulary
// (columns, classes, counts, bad rows, the tokenized preview against core's tokenizer and
// pad_sequences), a folder of .txt class folders with a WordPiece vocabulary, remembered
// settings, a large table that must not freeze the window, and MainWindow handing the
// text settings to the training data.

#include "core/model/modelspec.h"
#include "core/project/projectfile.h"
#include "core/text/sequencepadding.h"
#include "core/text/texttokenizer.h"
#include "core/training/trainingdata.h"
#include "tests/core/training/trainingtestmodels.h"
#include "ui/document/datasetsource.h"
#include "ui/document/workbench.h"
#include "ui/mainwindow.h"
#include "ui/models/classcountmodel.h"
#include "ui/models/tokenpreviewmodel.h"
#include "ui/pages/datasetpage.h"
#include "ui/pages/featuresettingsform.h"
#include "ui/pages/textpreviewpanel.h"
#include "ui/pages/textsettingswidget.h"
#include "ui/plots/samplepreview.h"

#include <qcustomplot.h>

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QElapsedTimer>
#include <QFile>
#include <QLineEdit>
#include <QListWidget>
#include <QMimeData>
#include <QUrl>
#include <QApplication>
#include <QDropEvent>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>
#include <QTimer>

using namespace graft;
using namespace graft::ui;
using namespace graft::testmodels;

namespace {

// TextVectorization vocabulary as Keras accepts it for `vocabulary=path`: ids start at 2.
const QStringList vocabularyTokens{QStringLiteral("the"),  QStringLiteral("cat"), QStringLiteral("dog"),
                                   QStringLiteral("sat"),  QStringLiteral("on"),  QStringLiteral("mat"),
                                   QStringLiteral("rain"), QStringLiteral("sun"), QStringLiteral("goal"),
                                   QStringLiteral("team"), QStringLiteral("won")};

void writeFile(const QString &path, const QByteArray &content)
{
    QFile file(path);
    QVERIFY2(file.open(QIODevice::WriteOnly), qPrintable(path));
    file.write(content);
}

QList<int> list(const QVector<int> &v)
{
    return QList<int>(v.cbegin(), v.cend());
}

} // namespace

class TestTextDatasetPage : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_vocabulary;
    QString m_csv;

    static void openAndWait(DatasetPage &page, const QString &path)
    {
        QSignalSpy changed(&page, &DatasetPage::datasetChanged);
        QSignalSpy failed(page.source(), &DatasetSource::scanFailed);
        page.source()->open(path);
        QVERIFY(page.source()->isScanning());
        QVERIFY2(changed.wait(30000), failed.isEmpty() ? "no signal" : qPrintable(failed.front().front().toString()));
    }

    static void waitForPreview(DatasetPage &page)
    {
        TextPreviewPanel *panel = page.textPreview();
        QTRY_VERIFY_WITH_TIMEOUT(!panel->isBusy(), 20000);
        QVERIFY2(panel->model()->rowCount() > 0, qPrintable(panel->statusText()));
    }

    /** Every preview row equals what core's tokenizer and padSequence give for the sample's text. */
    static void compareWithCore(const TokenPreviewModel *model, const TextDataset &dataset, const QString &spec,
                                int maxLength, const PaddingOptions &padding)
    {
        auto tokenizer = TextTokenizer::fromSpec(spec);
        QVERIFY2(tokenizer, qPrintable(tokenizer.errorString()));
        for (int row = 0; row < model->rowCount(); ++row) {
            const int sample = model->index(row, TokenPreviewModel::SampleColumn).data().toInt();
            QVERIFY(sample >= 0 && sample < dataset.texts.size());
            const TokenizedText expected = (*tokenizer)->tokenize(dataset.texts.at(sample));
            QCOMPARE(
                model->index(row, TokenPreviewModel::TokensColumn).data(TokenPreviewModel::TokensRole).toStringList(),
                expected.tokens);
            QCOMPARE(
                model->index(row, TokenPreviewModel::IdsColumn).data(TokenPreviewModel::IdsRole).value<QList<int>>(),
                list(expected.ids));
            QCOMPARE(model->index(row, TokenPreviewModel::ModelInputColumn)
                         .data(TokenPreviewModel::IdsRole)
                         .value<QList<int>>(),
                     list(padSequence(expected.ids, maxLength, padding)));
            QCOMPARE(model->index(row, TokenPreviewModel::ClassColumn).data().toString(),
                     dataset.classNames.value(dataset.labels.value(sample)));
        }
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true); // QSettings go to a test location
        QSettings().remove(QStringLiteral("text"));
        QVERIFY(m_dir.isValid());
        m_vocabulary = m_dir.filePath(QStringLiteral("vocab.txt"));
        writeFile(m_vocabulary, vocabularyTokens.join(QLatin1Char('\n')).toUtf8() + '\n');
        // The text column is not the first, one text holds a quoted comma and a line break,
        // "Zebra" is not in the vocabulary, line 10 has a field too many and line 11 no label.
        m_csv = m_dir.filePath(QStringLiteral("tickets.csv"));
        writeFile(m_csv, "id,label,text\n"
                         "1,animals,The cat sat on the mat\n"
                         "2,weather,Rain rain\n"
                         "3,sports,\"The team won, goal!\"\n"
                         "4,animals,The Zebra sat\n"
                         "5,weather,\"sun\non the mat\"\n"
                         "6,animals,dog\n"
                         "7,sports,goal goal goal goal goal goal goal the team\n"
                         "8,oops,too,many\n"
                         "9,,no label here\n"
                         "10,animals,the dog and the cat\n"
                         "11,weather,sun\n");
    }

    void init() { QSettings().remove(QStringLiteral("text")); } // every test starts from the defaults

    void csvWithTextVectorizationVocabulary()
    {
        Workbench pageWorkbench;
        DatasetPage page(&pageWorkbench);
        page.setShowErrorDialogs(false);
        page.resize(1400, 900);
        page.show();
        page.setModelInputShape({6});
        TextSettingsWidget *settings = page.textSettingsWidget();
        QVERIFY(!settings->isVisibleTo(&page)); // neither a text dataset nor an Embedding model yet
        QVERIFY(page.featureSettings()->isVisibleTo(&page));
        settings->setTokenizerKind(TextSettingsWidget::TokenizerKind::TextVectorization);
        settings->setVocabularyPath(m_vocabulary);
        QCOMPARE(settings->maxLengthSpin()->value(), 0);
        QCOMPARE(settings->maxLengthSpin()->text(), QStringLiteral("model input (6)"));
        QCOMPARE(settings->effectiveMaxLength(), 6);

        openAndWait(page, m_csv);
        QVERIFY(page.dataset()->isText());
        QVERIFY(settings->isVisibleTo(&page));
        QVERIFY(page.textPreview()->isVisibleTo(&page));
        QVERIFY(!page.preview()->isVisibleTo(&page));
        QVERIFY(!page.featureSettings()->isVisibleTo(&page)); // no audio or image settings for texts

        // The columns come from the header; text and label are found by name.
        for (QComboBox *combo : {settings->textColumnCombo(), settings->labelColumnCombo()}) {
            QVERIFY(combo->isVisibleTo(&page));
            QCOMPARE(combo->count(), 3);
            QCOMPARE(combo->itemText(0), QStringLiteral("id"));
            QCOMPARE(combo->itemText(2), QStringLiteral("text"));
        }
        QCOMPARE(settings->textColumnCombo()->currentText(), QStringLiteral("text"));
        QCOMPARE(settings->labelColumnCombo()->currentText(), QStringLiteral("label"));

        // Classes (sorted) and counts, in the class table and the chart; the bad rows listed.
        QCOMPARE(page.classNames(),
                 (QStringList{QStringLiteral("animals"), QStringLiteral("sports"), QStringLiteral("weather")}));
        QCOMPARE(page.classCounts(), (QVector<int>{4, 2, 3}));
        QAbstractItemModelTester classTester(page.classModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(page.classModel()->index(0, ClassCountModel::TrainColumn).data(ClassCountModel::ValueRole).toInt(), 4);
        auto *bars = qobject_cast<QCPBars *>(page.countsChart()->plottable(0));
        QVERIFY(bars);
        QCOMPARE(bars->dataCount(), 3);
        QCOMPARE(bars->data()->at(2)->value, 3.0);
        QCOMPARE(page.issuesTable()->rowCount(), 2);
        QVERIFY2(page.issuesTable()->item(0, 1)->text().contains(QStringLiteral("line 10")),
                 qPrintable(page.issuesTable()->item(0, 1)->text()));
        QVERIFY(page.issuesTable()->item(0, 1)->text().contains(QStringLiteral("fields")));
        QVERIFY(page.issuesTable()->item(1, 1)->text().contains(QStringLiteral("empty label")));
        QCOMPARE(page.issuesTable()->item(0, 0)->text(), QStringLiteral("tickets.csv"));

        // The preview: the first samples, tokens and ids as core gives them, padded to the model's 6.
        waitForPreview(page);
        TokenPreviewModel *preview = page.textPreview()->model();
        QAbstractItemModelTester previewTester(preview, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(preview->rowCount(), TextPreviewPanel::firstSamples);
        const TextDataset &texts = page.dataset()->text->train;
        QCOMPARE(texts.texts.size(), 9);
        const QString spec = QStringLiteral("textvectorization:") + m_vocabulary;
        compareWithCore(preview, texts, spec, 6, PaddingOptions{});
        // Written out by hand for the first rows (vocabulary ids start at 2; pad 'pre', truncate 'pre').
        QCOMPARE(preview->index(0, TokenPreviewModel::IdsColumn).data(TokenPreviewModel::IdsRole).value<QList<int>>(),
                 (QList<int>{2, 3, 5, 6, 2, 7}));
        QCOMPARE(
            preview->index(1, TokenPreviewModel::ModelInputColumn).data(TokenPreviewModel::IdsRole).value<QList<int>>(),
            (QList<int>{0, 0, 0, 0, 8, 8}));
        QCOMPARE(preview->index(2, TokenPreviewModel::TokensColumn).data(TokenPreviewModel::TokensRole).toStringList(),
                 (QStringList{QStringLiteral("the"), QStringLiteral("team"), QStringLiteral("won"),
                              QStringLiteral("goal")}));
        QCOMPARE(
            preview->index(6, TokenPreviewModel::ModelInputColumn).data(TokenPreviewModel::IdsRole).value<QList<int>>(),
            (QList<int>{10, 10, 10, 10, 2, 11})); // 9 ids, the first 3 cut
        // "zebra" is out of vocabulary: id 1, counted and highlighted.
        QCOMPARE(preview->index(3, TokenPreviewModel::IdsColumn).data(TokenPreviewModel::IdsRole).value<QList<int>>(),
                 (QList<int>{2, 1, 5}));
        QCOMPARE(preview->index(3, 0).data(TokenPreviewModel::UnknownCountRole).toInt(), 1);
        QVERIFY(preview->index(3, TokenPreviewModel::TokensColumn).data(Qt::BackgroundRole).isValid());
        QCOMPARE(preview->index(0, 0).data(TokenPreviewModel::UnknownCountRole).toInt(), 0);
        QVERIFY(!preview->index(0, TokenPreviewModel::TokensColumn).data(Qt::BackgroundRole).isValid());
        page.textPreview()->view()->selectRow(3);
        const QString html = page.textPreview()->detail()->toHtml();
        QVERIFY2(html.contains(QStringLiteral("zebra")) && html.contains(QStringLiteral("#ffd6d6")), qPrintable(html));

        // A sample beyond the first ones, selected in the list, is added to the preview and shown in detail:
        // weather's samples are 1, 4 and 8.
        page.classView()->setCurrentIndex(page.classModel()->index(2, 0));
        QCOMPARE(page.sampleList()->count(), 3);
        QVERIFY(page.sampleList()->item(2)->text().startsWith(QStringLiteral("8: sun")));
        page.sampleList()->setCurrentRow(2);
        waitForPreview(page);
        QTest::qWait(400); // a pending re-preview (feature settings timer) must keep the same sample
        QCOMPARE(preview->rowCount(), TextPreviewPanel::firstSamples + 1);
        QCOMPARE(preview->rowOfSample(8), TextPreviewPanel::firstSamples);
        QVERIFY(page.textPreview()->detail()->toPlainText().contains(QStringLiteral("Sample 8")));
        compareWithCore(preview, texts, spec, 6, PaddingOptions{});

        // 'post' padding and truncating at length 4 change the model input as pad_sequences does.
        settings->paddingCombo()->setCurrentIndex(settings->paddingCombo()->findText(QStringLiteral("post")));
        settings->truncatingCombo()->setCurrentIndex(settings->truncatingCombo()->findText(QStringLiteral("post")));
        settings->maxLengthSpin()->setValue(4);
        waitForPreview(page);
        const PaddingOptions post{PaddingSide::Post, PaddingSide::Post, 0};
        compareWithCore(preview, texts, spec, 4, post);
        QCOMPARE(
            preview->index(1, TokenPreviewModel::ModelInputColumn).data(TokenPreviewModel::IdsRole).value<QList<int>>(),
            (QList<int>{8, 8, 0, 0}));
        QCOMPARE(
            preview->index(0, TokenPreviewModel::ModelInputColumn).data(TokenPreviewModel::IdsRole).value<QList<int>>(),
            (QList<int>{2, 3, 5, 6}));

        // The settings flow into the training source.
        const TextSourceSettings text = page.source()->trainingDataSource().text;
        QVERIFY(text.isActive());
        QCOMPARE(text.tokenizer, spec);
        QCOMPARE(text.textColumn, QStringLiteral("text"));
        QCOMPARE(text.labelColumn, QStringLiteral("label"));
        QCOMPARE(text.maxLength, 4);
        QCOMPARE(text.padding.padding, PaddingSide::Post);
        QCOMPARE(text.padding.truncating, PaddingSide::Post);
        QVERIFY(page.source()->problem().isEmpty());
        const TrainingDataSource source = page.source()->trainingDataSource();
        QCOMPARE(source.dataPath, QFileInfo(m_csv).absoluteFilePath());
        QCOMPARE(source.text.tokenizer, spec);
        QCOMPARE(source.text.maxLength, 4);
        QCOMPARE(source.validationSplit, page.validationFraction());

        // Another label column reads the table again: now the ids are the classes.
        QSignalSpy changed(&page, &DatasetPage::datasetChanged);
        QComboBox *label = settings->labelColumnCombo();
        label->setCurrentIndex(0);
        Q_EMIT label->activated(0);
        QVERIFY(changed.wait(20000));
        QCOMPARE(page.source()->trainingDataSource().text.labelColumn, QStringLiteral("id"));
        QCOMPARE(page.source()->settings().text.labelColumn, QStringLiteral("id"));
        QCOMPARE(page.classNames().size(), 10); // "8" is still a row with too many fields
        QCOMPARE(page.issuesTable()->rowCount(), 1);
    }

    void settingsAreRemembered()
    {
        {
            Workbench pageWorkbench;
            DatasetPage page(&pageWorkbench);
            page.setShowErrorDialogs(false);
            TextSettingsWidget *chosen = page.textSettingsWidget();
            QCOMPARE(chosen->tokenizerKind(), TextSettingsWidget::TokenizerKind::WordPiece); // the default
            chosen->setTokenizerKind(TextSettingsWidget::TokenizerKind::TextVectorization);
            chosen->setVocabularyPath(m_vocabulary);
            chosen->maxLengthSpin()->setValue(4);
            chosen->paddingCombo()->setCurrentIndex(chosen->paddingCombo()->findText(QStringLiteral("post")));
            chosen->truncatingCombo()->setCurrentIndex(chosen->truncatingCombo()->findText(QStringLiteral("post")));
            openAndWait(page, m_csv);
            QComboBox *label = chosen->labelColumnCombo();
            label->setCurrentIndex(0);
            Q_EMIT label->activated(0);
        }
        // A new widget starts with the last choices.
        TextSettingsWidget widget;
        widget.loadDefaults();
        QCOMPARE(widget.tokenizerKind(), TextSettingsWidget::TokenizerKind::TextVectorization);
        QCOMPARE(widget.vocabularyPath(), m_vocabulary);
        QCOMPARE(widget.maxLengthSpin()->value(), 4);
        QCOMPARE(widget.settings().padding.padding, PaddingSide::Post);
        QCOMPARE(widget.settings().padding.truncating, PaddingSide::Post);
        QCOMPARE(widget.preferredLabelColumn(), QStringLiteral("id"));
        // Each tokenizer kind keeps its own vocabulary.
        widget.setTokenizerKind(TextSettingsWidget::TokenizerKind::WordPiece);
        QVERIFY(widget.vocabularyPath().isEmpty());
        QVERIFY(!widget.problem().isEmpty());
        QVERIFY(!widget.settings().isActive());
        widget.setTokenizerKind(TextSettingsWidget::TokenizerKind::TextVectorization);
        QCOMPARE(widget.vocabularyPath(), m_vocabulary);
        widget.setTokenizerKind(TextSettingsWidget::TokenizerKind::PreTokenized);
        QVERIFY(!widget.vocabularyEdit()->isVisibleTo(&widget));
        QVERIFY(!widget.settings().isActive());
    }

    void projectKeepsTheTextSettings()
    {
        Project project;
        QStringList classNames;
        {
            Workbench pageWorkbench;
            DatasetPage page(&pageWorkbench);
            page.setShowErrorDialogs(false);
            TextSettingsWidget *chosen = page.textSettingsWidget();
            chosen->setTokenizerKind(TextSettingsWidget::TokenizerKind::TextVectorization);
            chosen->setVocabularyPath(m_vocabulary);
            chosen->maxLengthSpin()->setValue(5);
            chosen->paddingCombo()->setCurrentIndex(chosen->paddingCombo()->findText(QStringLiteral("post")));
            openAndWait(page, m_csv);
            QComboBox *label = chosen->labelColumnCombo();
            label->setCurrentIndex(label->findText(QStringLiteral("id")));
            Q_EMIT label->activated(label->currentIndex());
            QTRY_COMPARE_WITH_TIMEOUT(page.dataset()->text->labelColumn, QStringLiteral("id"), 30000);
            classNames = page.classNames();
            page.source()->saveTo(project);
        }
        QVERIFY(project.text.has_value());
        QCOMPARE(project.text->tokenizer, QStringLiteral("textvectorization"));
        QCOMPARE(project.text->vocabularyPath, m_vocabulary);
        QCOMPARE(project.text->labelColumn, QStringLiteral("id"));
        QCOMPARE(project.text->textColumn, QStringLiteral("text"));
        // Through the file, and without the remembered defaults, so only the project can restore them.
        const QString path = m_dir.filePath(QStringLiteral("tickets.graft"));
        QVERIFY(ProjectFile::write(project, path));
        auto reopened = ProjectFile::read(path);
        QVERIFY2(reopened, qPrintable(reopened.errorString()));
        QSettings().remove(QStringLiteral("text"));

        Workbench otherWorkbench;
        DatasetPage other(&otherWorkbench);
        other.setShowErrorDialogs(false);
        QCOMPARE(other.textSettingsWidget()->tokenizerKind(), TextSettingsWidget::TokenizerKind::WordPiece);
        QSignalSpy changed(&other, &DatasetPage::datasetChanged);
        other.source()->loadFrom(*reopened);
        QVERIFY(changed.wait(30000));
        QVERIFY(other.dataset()->isText());
        QCOMPARE(other.dataset()->text->labelColumn, QStringLiteral("id"));
        QCOMPARE(other.classNames(), classNames);
        const TextSourceSettings restored = other.source()->trainingDataSource().text;
        QCOMPARE(restored.tokenizer, QStringLiteral("textvectorization:") + m_vocabulary);
        QCOMPARE(restored.textColumn, QStringLiteral("text"));
        QCOMPARE(restored.labelColumn, QStringLiteral("id"));
        QCOMPARE(restored.maxLength, 5);
        QCOMPARE(restored.padding.padding, PaddingSide::Post);
        QCOMPARE(restored.padding.truncating, PaddingSide::Pre);

        // A project of another kind of dataset leaves the text settings out.
        Project audio;
        Workbench emptyWorkbench;
        DatasetPage empty(&emptyWorkbench);
        empty.source()->saveTo(audio);
        QVERIFY(!audio.text);
    }

    void textFoldersWithWordPiece()
    {
        const QString root = m_dir.filePath(QStringLiteral("folders"));
        const QStringList vocabulary{QStringLiteral("[PAD]"), QStringLiteral("[UNK]"), QStringLiteral("[CLS]"),
                                     QStringLiteral("[SEP]"), QStringLiteral("the"),   QStringLiteral("cat"),
                                     QStringLiteral("##s"),   QStringLiteral("sleep"), QStringLiteral("!"),
                                     QStringLiteral("rain"),  QStringLiteral("##y")};
        const QString vocab = m_dir.filePath(QStringLiteral("bert-vocab.txt"));
        writeFile(vocab, vocabulary.join(QLatin1Char('\n')).toUtf8() + '\n');
        QVERIFY(QDir().mkpath(root + QStringLiteral("/pets")));
        QVERIFY(QDir().mkpath(root + QStringLiteral("/weather")));
        writeFile(root + QStringLiteral("/pets/a.txt"), "The CATS sleep!");
        writeFile(root + QStringLiteral("/pets/b.txt"), "Café cats");
        writeFile(root + QStringLiteral("/pets/c.txt"), "   ");
        writeFile(root + QStringLiteral("/weather/a.txt"), "rainy");

        Workbench pageWorkbench;
        DatasetPage page(&pageWorkbench);
        page.setShowErrorDialogs(false);
        page.show();
        page.setModelInputShape({5});
        TextSettingsWidget *settings = page.textSettingsWidget();
        settings->setTokenizerKind(TextSettingsWidget::TokenizerKind::WordPiece);
        settings->setVocabularyPath(vocab);
        openAndWait(page, root);
        QVERIFY(page.dataset()->isText());
        QVERIFY(!page.dataset()->text->isTable);
        QVERIFY(!settings->textColumnCombo()->isVisibleTo(&page)); // no columns in folders
        QCOMPARE(page.classNames(), (QStringList{QStringLiteral("pets"), QStringLiteral("weather")}));
        QCOMPARE(page.classCounts(), (QVector<int>{2, 1}));
        QCOMPARE(page.issuesTable()->rowCount(), 1); // the empty c.txt
        QVERIFY(page.issuesTable()->item(0, 0)->text().endsWith(QStringLiteral("c.txt")));
        QCOMPARE(page.sampleList()->count(), 2);

        waitForPreview(page);
        TokenPreviewModel *preview = page.textPreview()->model();
        QAbstractItemModelTester tester(preview, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(preview->rowCount(), 3);
        compareWithCore(preview, page.dataset()->text->train, QStringLiteral("wordpiece:") + vocab, 5,
                        PaddingOptions{});
        QCOMPARE(preview->index(0, TokenPreviewModel::TokensColumn).data(TokenPreviewModel::TokensRole).toStringList(),
                 (QStringList{QStringLiteral("the"), QStringLiteral("cat"), QStringLiteral("##s"),
                              QStringLiteral("sleep"), QStringLiteral("!")}));
        QCOMPARE(
            preview->index(0, TokenPreviewModel::ModelInputColumn).data(TokenPreviewModel::IdsRole).value<QList<int>>(),
            (QList<int>{4, 5, 6, 7, 8}));
        // "café" is lower-cased and stripped of its accent, and still unknown: [UNK] = 1.
        QCOMPARE(preview->index(1, TokenPreviewModel::IdsColumn).data(TokenPreviewModel::IdsRole).value<QList<int>>(),
                 (QList<int>{1, 5, 6}));
        QCOMPARE(preview->index(1, 0).data(TokenPreviewModel::UnknownCountRole).toInt(), 1);
        QCOMPARE(
            preview->index(2, TokenPreviewModel::ModelInputColumn).data(TokenPreviewModel::IdsRole).value<QList<int>>(),
            (QList<int>{0, 0, 0, 9, 10}));
        QCOMPARE(page.source()->trainingDataSource().text.tokenizer, QStringLiteral("wordpiece:") + vocab);

        // Without a vocabulary the preview and the load say what to choose.
        settings->setVocabularyPath(QString());
        QVERIFY(page.source()->problem().contains(QStringLiteral("vocabulary")));
        QCOMPARE(page.textPreview()->model()->rowCount(), 0);
        QVERIFY(page.textPreview()->statusText().contains(QStringLiteral("vocabulary")));
    }

    void droppedTableOpensAsText()
    {
        Workbench pageWorkbench;
        DatasetPage page(&pageWorkbench);
        page.setShowErrorDialogs(false);
        page.show();
        const QPoint pos = page.rect().center();
        QMimeData vocabulary; // a .txt file is no dataset
        vocabulary.setUrls({QUrl::fromLocalFile(m_vocabulary)});
        QDragEnterEvent refused(pos, Qt::CopyAction, &vocabulary, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&page, &refused);
        QVERIFY(!refused.isAccepted());

        QMimeData table;
        table.setUrls({QUrl::fromLocalFile(m_csv)});
        QDragEnterEvent enter(pos, Qt::CopyAction, &table, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&page, &enter);
        QVERIFY(enter.isAccepted());
        QSignalSpy changed(&page, &DatasetPage::datasetChanged);
        QDropEvent drop(QPointF(pos), Qt::CopyAction, &table, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&page, &drop);
        QVERIFY(changed.wait(20000));
        QVERIFY(page.dataset()->isText());
        QCOMPARE(page.classCounts(), (QVector<int>{4, 2, 3}));

        // Dropped on the window, a table goes to the Dataset page, not to the model loader.
        Workbench workbench;
        MainWindow window(&workbench);
        window.setShowErrorDialogs(false);
        window.show();
        QSignalSpy started(workbench.dataset(), &DatasetSource::scanStarted);
        QDragEnterEvent windowEnter(window.rect().center(), Qt::CopyAction, &table, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&window, &windowEnter);
        QVERIFY(windowEnter.isAccepted());
        QDropEvent windowDrop(QPointF(window.rect().center()), Qt::CopyAction, &table, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&window, &windowDrop);
        QVERIFY(windowDrop.isAccepted());
        QCOMPARE(started.count(), 1);
        QVERIFY(!workbench.isLoadingModel());
        QCOMPARE(window.currentPage(), int(MainWindow::DatasetPageIndex));
        QSignalSpy windowChanged(window.datasetPage(), &DatasetPage::datasetChanged);
        QVERIFY(windowChanged.wait(20000));
        QVERIFY(window.datasetPage()->dataset()->isText());
    }

    void largeTableKeepsTheWindowResponsive()
    {
        const QString path = m_dir.filePath(QStringLiteral("large.tsv"));
        {
            QByteArray content("label\ttext\n");
            for (int i = 0; i < 100000; ++i)
                content += "c" + QByteArray::number(i % 7) + "\tthe cat sat on the mat number " + QByteArray::number(i)
                           + " with a few more words to read\n";
            writeFile(path, content);
        }
        Workbench pageWorkbench;
        DatasetPage page(&pageWorkbench);
        page.setShowErrorDialogs(false);
        page.show();
        page.textSettingsWidget()->setTokenizerKind(TextSettingsWidget::TokenizerKind::TextVectorization);
        page.textSettingsWidget()->setVocabularyPath(m_vocabulary);

        QElapsedTimer sinceTick;
        qint64 worst = 0;
        int ticks = 0;
        QTimer probe;
        probe.setInterval(10);
        connect(&probe, &QTimer::timeout, this, [&] {
            if (sinceTick.isValid())
                worst = std::max(worst, sinceTick.elapsed());
            sinceTick.start();
            ++ticks;
        });
        probe.start();
        QElapsedTimer clock;
        clock.start();
        openAndWait(page, path);
        waitForPreview(page);
        probe.stop();
        qInfo("100000-row table opened and previewed in %lld ms; %d probe ticks, longest gap %lld ms", clock.elapsed(),
              ticks, worst);
        QCOMPARE(page.classCounts().size(), 7);
        QCOMPARE(page.dataset()->text->train.texts.size(), 100000);
        QCOMPARE(page.textPreview()->model()->rowCount(), TextPreviewPanel::firstSamples);
        // Listing the samples of one class is bounded; everything else ran off the GUI thread.
        QVERIFY2(worst < 1000, qPrintable(QStringLiteral("the GUI thread stalled %1 ms").arg(worst)));
    }

    void mainWindowLoadsTextWithTheseSettings()
    {
        // Input(6) → Embedding(13, 4) → Flatten → Dense(3): a text classifier over the vocabulary above.
        const QJsonObject embedding{{QStringLiteral("name"), QStringLiteral("embedding")},
                                    {QStringLiteral("input_dim"), vocabularyTokens.size() + 2},
                                    {QStringLiteral("output_dim"), 4},
                                    {QStringLiteral("input_length"), 6}};
        QString error;
        auto model = std::make_shared<LoadedModel>();
        model->sourcePath = QStringLiteral("/nonexistent/text.keras");
        model->format = QStringLiteral("test");
        model->hasArchitecture = true;
        model->model = buildModel(
            chainModelJson(
                {6}, {{QStringLiteral("Embedding"), embedding},
                      {QStringLiteral("Flatten"), QJsonObject{{QStringLiteral("name"), QStringLiteral("flatten")}}},
                      {QStringLiteral("Dense"), denseConfig(QStringLiteral("dense"), 3, QStringLiteral("softmax"))}}),
            7, &error);
        QVERIFY2(!model->model.layers.isEmpty(), qPrintable(error));

        Workbench workbench;
        MainWindow window(&workbench);
        window.setShowErrorDialogs(false);
        window.show();
        workbench.setModel(model);
        DatasetPage *page = window.datasetPage();
        // An Embedding model shows the Text settings before any dataset, proposing its input length.
        QVERIFY(page->textSettingsWidget()->isVisibleTo(page));
        QVERIFY(!page->featureSettings()->isVisibleTo(page));
        QCOMPARE(page->textSettingsWidget()->maxLengthSpin()->text(), QStringLiteral("model input (6)"));
        page->textSettingsWidget()->setTokenizerKind(TextSettingsWidget::TokenizerKind::TextVectorization);
        page->textSettingsWidget()->setVocabularyPath(QString());

        // No vocabulary yet: the load is not attempted, the window says what is missing.
        QSignalSpy failed(workbench.dataset(), &DatasetSource::samplesRefused);
        QSignalSpy loaded(workbench.dataset(), &DatasetSource::samplesLoaded);
        openAndWait(*page, m_csv);
        QCOMPARE(failed.count(), 1);
        QVERIFY(failed.front().front().toString().contains(QStringLiteral("vocabulary")));
        QVERIFY(!workbench.dataset()->isLoadingSamples());

        // Choosing it makes the samples: token ids of the model's length, the CSV's classes.
        page->textSettingsWidget()->setVocabularyPath(m_vocabulary);
        QVERIFY2(loaded.wait(30000), failed.size() > 1 ? qPrintable(failed.back().front().toString()) : "no signal");
        const auto data = workbench.dataset()->samples();
        QVERIFY(data);
        QCOMPARE(data->classNames,
                 (QStringList{QStringLiteral("animals"), QStringLiteral("sports"), QStringLiteral("weather")}));
        QCOMPARE(data->train.count() + data->validation.count(), 9);
        QCOMPARE(data->train.shape.size(), std::size_t(2));
        QCOMPARE(data->train.shape.at(1), std::int64_t(6));
    }
};

QTEST_MAIN(TestTextDatasetPage)
#include "tst_textdatasetpage.moc"
