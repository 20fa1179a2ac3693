#pragma once

#include "ui/document/tokenpreview.h"

#include <QAbstractTableModel>
#include <QVector>

namespace graft::ui {

/**
 * The tokenized preview as a table: sample, class, text, tokens, ids and the padded
 * ids the model receives. Rows with unknown tokens ([UNK], OOV 1) are tinted; the
 * raw lists are in custom roles. Read-only.
 */
class TokenPreviewModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { SampleColumn, ClassColumn, TextColumn, TokensColumn, IdsColumn, ModelInputColumn, ColumnCount };
    enum Role {
        TokensRole = Qt::UserRole + 1, ///< QStringList
        IdsRole,                       ///< QList<int> (ids, or model input ids in ModelInputColumn)
        UnknownCountRole,              ///< int
    };

    explicit TokenPreviewModel(QObject *parent = nullptr);

    void setRows(const QVector<TokenPreviewRow> &rows);
    void clear() { setRows({}); }
    const QVector<TokenPreviewRow> &rows() const { return m_rows; }
    /** The row showing dataset sample `index`, or -1. */
    int rowOfSample(int index) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    /** "12 7 3 …" — ids as the table shows them. */
    static QString idsText(const QVector<int> &ids);

private:
    QVector<TokenPreviewRow> m_rows;
};

} // namespace graft::ui
