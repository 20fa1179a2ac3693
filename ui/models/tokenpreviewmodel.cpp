#include "ui/models/tokenpreviewmodel.h"

#include <QColor>
#include <QList>

namespace graft::ui {

namespace {

// A cell is a glance, the full text is in the tooltip and the detail view.
constexpr int maxCellChars = 160;

QString elided(const QString &text)
{
    QString flat = text.simplified();
    if (flat.size() > maxCellChars)
        flat = flat.left(maxCellChars - 1) + QChar(0x2026);
    return flat;
}

} // namespace

TokenPreviewModel::TokenPreviewModel(QObject *parent) : QAbstractTableModel(parent)
{ }

void TokenPreviewModel::setRows(const QVector<TokenPreviewRow> &rows)
{
    beginResetModel();
    m_rows = rows;
    endResetModel();
}

int TokenPreviewModel::rowOfSample(int index) const
{
    for (int row = 0; row < m_rows.size(); ++row)
        if (m_rows.at(row).index == index)
            return row;
    return -1;
}

int TokenPreviewModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int TokenPreviewModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString TokenPreviewModel::idsText(const QVector<int> &ids)
{
    QStringList parts;
    parts.reserve(ids.size());
    for (int id : ids)
        parts << QString::number(id);
    return parts.join(QLatin1Char(' '));
}

QVariant TokenPreviewModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const TokenPreviewRow &row = m_rows.at(index.row());
    const int column = index.column();
    switch (role) {
    case Qt::DisplayRole:
        switch (column) {
        case SampleColumn: return row.index;
        case ClassColumn: return row.className;
        case TextColumn: return elided(row.text);
        case TokensColumn: return elided(row.tokens.join(QStringLiteral(" · ")));
        case IdsColumn: return elided(idsText(row.ids));
        case ModelInputColumn: return elided(idsText(row.modelInput));
        default: return {};
        }
    case Qt::ToolTipRole:
        switch (column) {
        case TextColumn: return row.text;
        case TokensColumn:
            return row.unknownCount > 0 ? tr("%n token(s) unknown to the vocabulary (shown in the detail below).",
                                             nullptr, row.unknownCount)
                                        : tr("Every token is in the vocabulary.");
        case IdsColumn: return tr("%n id(s) from the tokenizer, before padding.", nullptr, int(row.ids.size()));
        case ModelInputColumn:
            return tr("The %n ids the model receives (pad_sequences: zeros added or ids cut).", nullptr,
                      int(row.modelInput.size()));
        default: return {};
        }
    case Qt::ForegroundRole:
        if (column == TokensColumn && row.unknownCount > 0)
            return QColor(176, 0, 32);
        return {};
    case Qt::BackgroundRole:
        if (column == TokensColumn && row.unknownCount > 0)
            return QColor(255, 228, 228);
        return {};
    case TokensRole: return row.tokens;
    case IdsRole: {
        const QVector<int> &ids = column == ModelInputColumn ? row.modelInput : row.ids;
        return QVariant::fromValue(QList<int>(ids.cbegin(), ids.cend()));
    }
    case UnknownCountRole: return row.unknownCount;
    default: return {};
    }
}

QVariant TokenPreviewModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case SampleColumn: return tr("#");
    case ClassColumn: return tr("Class");
    case TextColumn: return tr("Text");
    case TokensColumn: return tr("Tokens");
    case IdsColumn: return tr("Ids");
    case ModelInputColumn: return tr("Model input");
    default: return {};
    }
}

} // namespace graft::ui
