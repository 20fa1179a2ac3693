#include "ui/pages/textsettingswidget.h"

#include "ui/common/settingskeys.h"
#include "ui/document/datasetsettings.h"
#include "ui/document/textdatasetscan.h"

#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QScopedValueRollback>
#include <QSpinBox>

namespace graft::ui {

namespace {

namespace keys = settingskeys::text;

const QString wordPiecePrefix = QStringLiteral("wordpiece:");
const QString textVectorizationPrefix = QStringLiteral("textvectorization:");

QString sideName(PaddingSide side)
{
    return side == PaddingSide::Pre ? QStringLiteral("pre") : QStringLiteral("post");
}

void fillSides(QComboBox *combo)
{
    combo->addItem(QStringLiteral("pre"), int(PaddingSide::Pre));
    combo->addItem(QStringLiteral("post"), int(PaddingSide::Post));
}

PaddingSide sideOf(const QComboBox *combo)
{
    return combo->currentData().toInt() == int(PaddingSide::Post) ? PaddingSide::Post : PaddingSide::Pre;
}

void setSide(QComboBox *combo, PaddingSide side)
{
    combo->setCurrentIndex(std::max(0, combo->findData(int(side))));
}

} // namespace

TextSettingsWidget::TextSettingsWidget(QWidget *parent)
    : QGroupBox(tr("Text"), parent), m_tokenizer(new QComboBox(this)), m_vocabulary(new QLineEdit(this)),
      m_browse(new QPushButton(tr("Browse…"), this)), m_vocabularyLabel(new QLabel(tr("Vocabulary"), this)),
      m_textColumnLabel(new QLabel(tr("Text column"), this)), m_labelColumnLabel(new QLabel(tr("Label column"), this)),
      m_textColumn(new QComboBox(this)), m_labelColumn(new QComboBox(this)), m_maxLength(new QSpinBox(this)),
      m_padding(new QComboBox(this)), m_truncating(new QComboBox(this))
{
    m_tokenizer->addItem(tr("WordPiece (BERT vocab.txt)"), int(TokenizerKind::WordPiece));
    m_tokenizer->addItem(tr("Keras TextVectorization vocabulary"), int(TokenizerKind::TextVectorization));
    m_tokenizer->addItem(tr("Already tokenized (integer ids)"), int(TokenizerKind::PreTokenized));
    m_tokenizer->setToolTip(
        tr("<p>How texts become the Embedding layer's ids; choose what the model was trained with.</p>"
           "<p><b>WordPiece</b>: a BERT vocab.txt (30522 lines for bert-base-uncased), as Hugging Face's "
           "BertTokenizer: lower-casing, accent stripping, punctuation split, greedy longest-match "
           "subwords, unknown words become [UNK]. No [CLS]/[SEP] is added.</p>"
           "<p><b>TextVectorization</b>: the vocabulary of a Keras <tt>TextVectorization</tt> layer "
           "(one token per line, as <tt>get_vocabulary()</tt> gives it): standardize "
           "<tt>lower_and_strip_punctuation</tt>, split on whitespace, id 0 is padding and 1 the OOV "
           "token [UNK].</p>"
           "<p><b>Already tokenized</b>: the ids are in X.npy arrays (Open arrays…); they reach the "
           "model unchanged.</p>"));
    m_vocabulary->setPlaceholderText(tr("vocab.txt"));
    m_vocabulary->setToolTip(tr("The vocabulary file, one token per line; the line number gives the id "
                                "(TextVectorization: after '' and '[UNK]')."));
    m_browse->setToolTip(m_vocabulary->toolTip());
    m_textColumn->setToolTip(tr("The CSV/TSV column holding each sample's text."));
    m_labelColumn->setToolTip(tr("The CSV/TSV column holding each sample's class name; the classes are the sorted "
                                 "distinct labels, as in Keras."));
    m_maxLength->setRange(0, 1000000);
    m_maxLength->setToolTip(tr("<p>Keras <tt>pad_sequences(maxlen=…)</tt>: every id sequence is padded with 0 or "
                               "truncated to this length.</p><p>Proposed: the model's input length (the Embedding's "
                               "<tt>input_length</tt>).</p>"));
    fillSides(m_padding);
    m_padding->setToolTip(tr("Keras <tt>pad_sequences(padding=…)</tt>: 'pre' puts the padding zeros before a short "
                             "sequence (Keras's default), 'post' after it."));
    fillSides(m_truncating);
    m_truncating->setToolTip(tr("Keras <tt>pad_sequences(truncating=…)</tt>: 'pre' drops the first ids of a long "
                                "sequence (Keras's default), 'post' the last ones."));

    auto *vocabularyRow = new QHBoxLayout;
    vocabularyRow->setContentsMargins(0, 0, 0, 0);
    vocabularyRow->addWidget(m_vocabulary, 1);
    vocabularyRow->addWidget(m_browse);
    auto *form = new QFormLayout(this);
    form->addRow(tr("Tokenizer"), m_tokenizer);
    form->addRow(m_vocabularyLabel, vocabularyRow);
    form->addRow(m_textColumnLabel, m_textColumn);
    form->addRow(m_labelColumnLabel, m_labelColumn);
    form->addRow(tr("Max length"), m_maxLength);
    form->addRow(tr("Padding"), m_padding);
    form->addRow(tr("Truncating"), m_truncating);

    connect(m_tokenizer, &QComboBox::currentIndexChanged, this, [this] {
        if (m_updating)
            return;
        const int kind = m_tokenizer->currentData().toInt();
        if (kind != int(TokenizerKind::PreTokenized)) {
            // Each tokenizer kind gets back the vocabulary last used with it.
            const QScopedValueRollback<bool> guard(m_updating, true);
            m_vocabulary->setText(m_vocabularies[kind]);
        }
        updateVisibility();
        edited();
    });
    connect(m_vocabulary, &QLineEdit::editingFinished, this, [this] {
        if (tokenizerKind() != TokenizerKind::PreTokenized
            && m_vocabularies[int(tokenizerKind())] != vocabularyPath()) {
            m_vocabularies[int(tokenizerKind())] = vocabularyPath();
            edited();
        }
    });
    connect(m_browse, &QPushButton::clicked, this, &TextSettingsWidget::chooseVocabulary);
    connect(m_maxLength, &QSpinBox::valueChanged, this, &TextSettingsWidget::edited);
    connect(m_padding, &QComboBox::currentIndexChanged, this, &TextSettingsWidget::edited);
    connect(m_truncating, &QComboBox::currentIndexChanged, this, &TextSettingsWidget::edited);
    for (QComboBox *column : {m_textColumn, m_labelColumn}) {
        connect(column, &QComboBox::activated, this, [this] {
            saveDefaults();
            Q_EMIT columnsChanged();
        });
    }
    setModelInputLength(0);
    setColumns({}, {}, {});
}

TextSourceSettings TextSettingsWidget::settings() const
{
    DatasetSettings dataset;
    dataset.text = projectText();
    return dataset.textSource();
}

ProjectText TextSettingsWidget::projectText() const
{
    ProjectText text;
    switch (tokenizerKind()) {
    case TokenizerKind::WordPiece: text.tokenizer = QStringLiteral("wordpiece"); break;
    case TokenizerKind::TextVectorization: text.tokenizer = QStringLiteral("textvectorization"); break;
    case TokenizerKind::PreTokenized: text.tokenizer = QStringLiteral("none"); break;
    }
    if (tokenizerKind() != TokenizerKind::PreTokenized)
        text.vocabularyPath = vocabularyPath();
    // Without a table or a remembered choice the project's defaults ("text", "label") are what a table is read with.
    if (!preferredTextColumn().isEmpty())
        text.textColumn = preferredTextColumn();
    if (!preferredLabelColumn().isEmpty())
        text.labelColumn = preferredLabelColumn();
    text.maxLength = m_maxLength->value();
    text.padding.padding = sideOf(m_padding);
    text.padding.truncating = sideOf(m_truncating);
    return text;
}

void TextSettingsWidget::setProjectText(const ProjectText &text)
{
    TextSourceSettings settings;
    if (text.tokenizer != QLatin1String("none"))
        settings.tokenizer = text.tokenizer + QLatin1Char(':') + text.vocabularyPath;
    settings.maxLength = text.maxLength;
    settings.padding = text.padding;
    setSettings(settings);
    setPreferredColumns(text.textColumn, text.labelColumn);
}

void TextSettingsWidget::setSettings(const TextSourceSettings &settings)
{
    {
        const QScopedValueRollback<bool> guard(m_updating, true);
        if (settings.tokenizer.startsWith(wordPiecePrefix)) {
            m_vocabularies[int(TokenizerKind::WordPiece)] = settings.tokenizer.mid(wordPiecePrefix.size());
            setTokenizerKind(TokenizerKind::WordPiece);
        } else if (settings.tokenizer.startsWith(textVectorizationPrefix)) {
            m_vocabularies[int(TokenizerKind::TextVectorization)] =
                settings.tokenizer.mid(textVectorizationPrefix.size());
            setTokenizerKind(TokenizerKind::TextVectorization);
        } else {
            setTokenizerKind(TokenizerKind::PreTokenized);
        }
        if (tokenizerKind() != TokenizerKind::PreTokenized)
            m_vocabulary->setText(m_vocabularies[int(tokenizerKind())]);
        m_maxLength->setValue(settings.maxLength);
        setSide(m_padding, settings.padding.padding);
        setSide(m_truncating, settings.padding.truncating);
        updateVisibility();
    }
    edited();
}

TextSettingsWidget::TokenizerKind TextSettingsWidget::tokenizerKind() const
{
    return TokenizerKind(m_tokenizer->currentData().toInt());
}

void TextSettingsWidget::setTokenizerKind(TokenizerKind kind)
{
    m_tokenizer->setCurrentIndex(std::max(0, m_tokenizer->findData(int(kind))));
}

QString TextSettingsWidget::vocabularyPath() const
{
    return m_vocabulary->text().trimmed();
}

void TextSettingsWidget::setVocabularyPath(const QString &path)
{
    m_vocabulary->setText(path);
    if (tokenizerKind() != TokenizerKind::PreTokenized)
        m_vocabularies[int(tokenizerKind())] = vocabularyPath();
    edited();
}

void TextSettingsWidget::setColumns(const QStringList &header, const QString &textColumn, const QString &labelColumn)
{
    const QScopedValueRollback<bool> guard(m_updating, true);
    for (auto [combo, chosen] : {std::pair{m_textColumn, textColumn}, std::pair{m_labelColumn, labelColumn}}) {
        combo->clear();
        for (int i = 0; i < header.size(); ++i) {
            const QString name = header.at(i).trimmed().isEmpty() ? tr("column %1").arg(i) : header.at(i);
            combo->addItem(name, TextDatasetScanner::columnSpec(header, i));
        }
        combo->setCurrentIndex(std::max(0, combo->findData(chosen)));
    }
    const bool table = !header.isEmpty();
    for (QWidget *w :
         std::initializer_list<QWidget *>{m_textColumnLabel, m_textColumn, m_labelColumnLabel, m_labelColumn})
        w->setVisible(table);
}

QString TextSettingsWidget::columnValue(const QComboBox *combo)
{
    return combo->currentData().toString();
}

void TextSettingsWidget::setModelInputLength(int length)
{
    m_modelLength = std::max(0, length);
    m_maxLength->setSpecialValueText(m_modelLength > 0 ? tr("model input (%1)").arg(m_modelLength)
                                                       : tr("model input length"));
}

int TextSettingsWidget::effectiveMaxLength() const
{
    return m_maxLength->value() > 0 ? m_maxLength->value() : m_modelLength;
}

QString TextSettingsWidget::problem() const
{
    DatasetSettings dataset;
    dataset.text = projectText();
    return dataset.textProblem();
}

void TextSettingsWidget::chooseVocabulary()
{
    const QString path =
        QFileDialog::getOpenFileName(this, tr("Vocabulary"), QFileInfo(vocabularyPath()).absolutePath(),
                                     tr("Vocabularies (*.txt *.vocab);;All files (*)"));
    if (!path.isEmpty())
        setVocabularyPath(path);
}

void TextSettingsWidget::updateVisibility()
{
    const bool needsVocabulary = tokenizerKind() != TokenizerKind::PreTokenized;
    m_vocabularyLabel->setVisible(needsVocabulary);
    m_vocabulary->setVisible(needsVocabulary);
    m_browse->setVisible(needsVocabulary);
}

void TextSettingsWidget::edited()
{
    if (m_updating)
        return;
    saveDefaults();
    Q_EMIT settingsChanged();
}

void TextSettingsWidget::loadDefaults()
{
    QSettings s;
    s.beginGroup(keys::group);
    const QScopedValueRollback<bool> guard(m_updating, true);
    m_vocabularies[int(TokenizerKind::WordPiece)] = s.value(keys::wordPieceVocabulary).toString();
    m_vocabularies[int(TokenizerKind::TextVectorization)] = s.value(keys::textVectorizationVocabulary).toString();
    setTokenizerKind(TokenizerKind(s.value(keys::tokenizer, int(TokenizerKind::WordPiece)).toInt()));
    m_vocabulary->setText(tokenizerKind() == TokenizerKind::PreTokenized ? QString()
                                                                         : m_vocabularies[int(tokenizerKind())]);
    m_maxLength->setValue(s.value(keys::maxLength, 0).toInt());
    setSide(m_padding, parsePaddingSide(s.value(keys::padding).toString()).value_or(PaddingSide::Pre));
    setSide(m_truncating, parsePaddingSide(s.value(keys::truncating).toString()).value_or(PaddingSide::Pre));
    m_preferredText = s.value(keys::textColumn).toString();
    m_preferredLabel = s.value(keys::labelColumn).toString();
    updateVisibility();
}

void TextSettingsWidget::saveDefaults() const
{
    QSettings s;
    s.beginGroup(keys::group);
    s.setValue(keys::tokenizer, int(tokenizerKind()));
    s.setValue(keys::wordPieceVocabulary, m_vocabularies[int(TokenizerKind::WordPiece)]);
    s.setValue(keys::textVectorizationVocabulary, m_vocabularies[int(TokenizerKind::TextVectorization)]);
    s.setValue(keys::maxLength, m_maxLength->value());
    s.setValue(keys::padding, sideName(sideOf(m_padding)));
    s.setValue(keys::truncating, sideName(sideOf(m_truncating)));
    if (m_textColumn->count() > 0) {
        s.setValue(keys::textColumn, m_textColumn->currentText());
        s.setValue(keys::labelColumn, m_labelColumn->currentText());
    }
}

QString TextSettingsWidget::preferredTextColumn() const
{
    return m_textColumn->count() > 0 ? columnValue(m_textColumn) : m_preferredText;
}

void TextSettingsWidget::setPreferredColumns(const QString &textColumn, const QString &labelColumn)
{
    m_preferredText = textColumn;
    m_preferredLabel = labelColumn;
    setColumns({}, {}, {});
}

QString TextSettingsWidget::preferredLabelColumn() const
{
    return m_labelColumn->count() > 0 ? columnValue(m_labelColumn) : m_preferredLabel;
}

} // namespace graft::ui
