#include "ui/widgets/pathfield.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>

namespace graft::ui {

PathField::PathField(Kind kind, const QString &dialogTitle, QWidget *parent)
    : QWidget(parent), m_kind(kind), m_title(dialogTitle), m_edit(new QLineEdit(this)),
      m_button(new QPushButton(tr("&Browse…"), this))
{
    auto *row = new QHBoxLayout(this);
    row->setContentsMargins(0, 0, 0, 0);
    row->addWidget(m_edit, 1);
    row->addWidget(m_button);
    setFocusProxy(m_edit);
    connect(m_button, &QPushButton::clicked, this, &PathField::browse);
    connect(m_edit, &QLineEdit::textChanged, this, [this] { Q_EMIT edited(path()); });
}

void PathField::setButtonText(const QString &text)
{
    m_button->setText(text);
}

QString PathField::path() const
{
    return m_edit->text().trimmed();
}

void PathField::setPath(const QString &path)
{
    m_edit->setText(path);
}

QString PathField::dialogStart() const
{
    const QString current = path();
    if (!current.isEmpty())
        return m_kind == Kind::OpenFile ? QFileInfo(current).absolutePath() : current;
    const QString remembered = m_settingsKey.isEmpty() ? QString() : QSettings().value(m_settingsKey).toString();
    return remembered.isEmpty() ? m_startFolder : remembered;
}

void PathField::browse()
{
    QString chosen;
    switch (m_kind) {
    case Kind::OpenFile: chosen = QFileDialog::getOpenFileName(this, m_title, dialogStart(), m_filter); break;
    case Kind::Folder: chosen = QFileDialog::getExistingDirectory(this, m_title, dialogStart()); break;
    case Kind::SaveFile: chosen = QFileDialog::getSaveFileName(this, m_title, dialogStart(), m_filter); break;
    }
    if (chosen.isEmpty())
        return;
    if (!m_settingsKey.isEmpty())
        QSettings().setValue(m_settingsKey, m_kind == Kind::Folder ? chosen : QFileInfo(chosen).absolutePath());
    m_edit->setText(QDir::toNativeSeparators(chosen));
    Q_EMIT browsed(path());
}

} // namespace graft::ui
