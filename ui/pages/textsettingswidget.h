#pragma once

#include "core/project/projectfile.h"
#include "core/training/trainingdata.h"

#include <QGroupBox>
#include <QStringList>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace graft::ui {

/**
 * The Dataset page's "Text" group: which tokenizer and vocabulary turn texts into the
 * Embedding's ids, the CSV text and label columns, and Keras pad_sequences' maxlen,
 * padding and truncating. The last choices are remembered in QSettings ("text/…").
 */
class TextSettingsWidget final : public QGroupBox
{
    Q_OBJECT
public:
    enum class TokenizerKind { WordPiece, TextVectorization, PreTokenized };

    explicit TextSettingsWidget(QWidget *parent = nullptr);

    /** Tokenizer spec (empty when already tokenized or no vocabulary), columns, max length, padding. */
    TextSourceSettings settings() const;
    /** Applies a spec ("wordpiece:…", "textvectorization:…", empty) and the rest. */
    void setSettings(const TextSourceSettings &settings);
    /** The settings as a project (and the Workbench) keeps them: tokenizer kind, vocabulary, columns, padding. */
    ProjectText projectText() const;
    /** Shows a project's settings; its columns are the ones the next table is read with. */
    void setProjectText(const ProjectText &text);

    TokenizerKind tokenizerKind() const;
    void setTokenizerKind(TokenizerKind kind);
    QString vocabularyPath() const;
    void setVocabularyPath(const QString &path);

    /** A table's header and the columns it was read with; an empty header hides the column choices (folders). */
    void setColumns(const QStringList &header, const QString &textColumn, const QString &labelColumn);
    /** The columns to read the next table with: the chosen ones, else the last remembered (header names or indices). */
    QString preferredTextColumn() const;
    QString preferredLabelColumn() const;
    /** The columns to read the next table with (a reopened project); the current table's choices are dropped. */
    void setPreferredColumns(const QString &textColumn, const QString &labelColumn);
    /** The Embedding's input length (0: unknown); a max length of 0 means this one. */
    void setModelInputLength(int length);
    int modelInputLength() const { return m_modelLength; }
    /** The length sequences are padded to: the chosen one, else the model's (0 when neither is known). */
    int effectiveMaxLength() const;
    /** Empty when a text dataset can be loaded with these settings; else what to choose. */
    QString problem() const;

    /** Restores and stores the last choices (vocabulary per tokenizer kind). */
    void loadDefaults();
    void saveDefaults() const;

    QComboBox *tokenizerCombo() const { return m_tokenizer; }
    QLineEdit *vocabularyEdit() const { return m_vocabulary; }
    QComboBox *textColumnCombo() const { return m_textColumn; }
    QComboBox *labelColumnCombo() const { return m_labelColumn; }
    QSpinBox *maxLengthSpin() const { return m_maxLength; }
    QComboBox *paddingCombo() const { return m_padding; }
    QComboBox *truncatingCombo() const { return m_truncating; }

Q_SIGNALS:
    /** Tokenizer, vocabulary, max length or padding changed (the preview is recomputed). */
    void settingsChanged();
    /** The user chose another text or label column (the table is read again). */
    void columnsChanged();

private:
    void chooseVocabulary();
    void updateVisibility();
    void edited();
    static QString columnValue(const QComboBox *combo);

    bool m_updating = false;
    int m_modelLength = 0;
    QString m_vocabularies[2];
    QString m_preferredText;
    QString m_preferredLabel; ///< the vocabulary last used with WordPiece and with TextVectorization

    QComboBox *m_tokenizer;
    QLineEdit *m_vocabulary;
    QPushButton *m_browse;
    QLabel *m_vocabularyLabel;
    QLabel *m_textColumnLabel;
    QLabel *m_labelColumnLabel;
    QComboBox *m_textColumn;
    QComboBox *m_labelColumn;
    QSpinBox *m_maxLength;
    QComboBox *m_padding;
    QComboBox *m_truncating;
};

} // namespace graft::ui
