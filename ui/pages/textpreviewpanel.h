#pragma once

#include "core/training/trainingdata.h"
#include "ui/async/latestrequest.h"
#include "ui/document/tokenpreview.h"

#include <QWidget>

#include <memory>

class QLabel;
class QTableView;
class QTextBrowser;

namespace graft {
class TextTokenizer;
struct TextDataset;
} // namespace graft

namespace graft::ui {

class TokenPreviewModel;

/**
 * The tokenized preview of a text dataset: the first samples and the selected one in a
 * table (text, tokens, ids, the padded ids the model receives), and the current row in
 * detail with unknown tokens highlighted. Tokenizing runs on a worker thread; the
 * tokenizer is loaded once per vocabulary.
 */
class TextPreviewPanel final : public QWidget
{
    Q_OBJECT
public:
    static constexpr int firstSamples = 8;

    explicit TextPreviewPanel(QWidget *parent = nullptr);
    ~TextPreviewPanel() override;

    /** The samples to preview from (nullptr clears). */
    void setDataset(std::shared_ptr<const TextDataset> dataset);
    /** Tokenizer and padding; `maxLength` is the effective one (0: unknown, no padding). */
    void setSettings(const TextSourceSettings &settings, int maxLength, const QString &problem = QString());
    /** Adds dataset sample `index` to the preview (after the first ones) and shows it in detail. */
    void showSample(int index);
    int selectedSample() const { return m_selected; }
    bool isBusy() const { return m_tokenize.isRunning(); }

    TokenPreviewModel *model() const { return m_model; }
    QTableView *view() const { return m_view; }
    QTextBrowser *detail() const { return m_detail; }
    /** What the preview shows or why it cannot ("Choose the vocabulary…"). */
    QString statusText() const;

Q_SIGNALS:
    void previewReady();
    void previewFailed(const QString &message);

private:
    void refresh();
    void showPreview(const Expected<TokenPreview> &result);
    void showDetail(int row);
    static QString detailHtml(const TokenPreviewRow &row, int maxLength);

    std::shared_ptr<const TextDataset> m_dataset;
    TextSourceSettings m_settings;
    int m_maxLength = 0;
    QString m_problem;
    int m_selected = -1;
    LatestRequest<Expected<TokenPreview>> m_tokenize{this};
    std::shared_ptr<const TextTokenizer> m_tokenizer; ///< the last loaded, with its spec
    QString m_tokenizerSpec;

    QLabel *m_status;
    TokenPreviewModel *m_model;
    QTableView *m_view;
    QTextBrowser *m_detail;
};

} // namespace graft::ui
