#pragma once

#include <QWidget>

class QLineEdit;
class QPushButton;

namespace graft::ui {

/**
 * A path the user types or browses for: a line edit and a Browse… button. The file
 * dialog starts at the current path, else at the folder last chosen for the same
 * settings key, else at startFolder(); a chosen path is shown with native separators.
 */
class PathField final : public QWidget
{
    Q_OBJECT
public:
    enum class Kind { OpenFile, Folder, SaveFile };

    PathField(Kind kind, const QString &dialogTitle, QWidget *parent = nullptr);

    /** The dialog's file filter, e.g. "Keras files (*.h5 *.keras);;All files (*)". */
    void setNameFilter(const QString &filter) { m_filter = filter; }
    /** QSettings key that remembers the folder of the last chosen path (empty: not remembered). */
    void setRememberedFolderKey(const QString &key) { m_settingsKey = key; }
    /** Where the dialog starts when the field is empty and no folder is remembered. */
    void setStartFolder(const QString &folder) { m_startFolder = folder; }
    /** The mnemonic text of the button ("&Browse…" by default). */
    void setButtonText(const QString &text);

    QString path() const;
    void setPath(const QString &path);
    /** For placeholders, tool tips, wizard fields and label buddies. */
    QLineEdit *lineEdit() const { return m_edit; }

    /** Opens the dialog, as the button does. */
    void browse();

Q_SIGNALS:
    /** The text changed, by typing, setPath() or browse(). */
    void edited(const QString &path);
    /** A path was chosen in the dialog (after edited()). */
    void browsed(const QString &path);

private:
    QString dialogStart() const;

    Kind m_kind;
    QString m_title;
    QString m_filter;
    QString m_settingsKey;
    QString m_startFolder;
    QLineEdit *m_edit;
    QPushButton *m_button;
};

} // namespace graft::ui
