#include "ui/pages/samplespanel.h"

#include "core/training/trainingdata.h"
#include "ui/document/datasetsource.h"

#include <QDir>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

namespace graft::ui {

SamplesPanel::SamplesPanel(DatasetSource *source, QWidget *parent)
    : QWidget(parent), m_source(source), m_load(new QPushButton(tr("Load for &Training"), this)),
      m_progress(new QProgressBar(this)), m_cancel(new QPushButton(tr("Cancel"), this)), m_summary(new QLabel(this))
{
    m_load->setToolTip(tr("Turn the dataset into model-ready samples again with the settings shown (after changing the "
                          "feature settings, the split or the seed)"));
    m_summary->setText(tr("No dataset. Open a model first: the samples are shaped to its input."));
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_progress->hide();
    m_cancel->setToolTip(tr("Stop making the samples"));
    m_cancel->hide();
    auto *row = new QHBoxLayout;
    row->addWidget(m_load);
    row->addWidget(m_progress, 1);
    row->addWidget(m_cancel);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(row);
    layout->addWidget(m_summary);

    connect(m_load, &QPushButton::clicked, source, qOverload<>(&DatasetSource::loadSamples));
    connect(m_cancel, &QPushButton::clicked, source, &DatasetSource::cancelSamples);
    connect(source, &DatasetSource::samplesLoading, this, &SamplesPanel::loading);
    connect(source, &DatasetSource::samplesProgress, this, &SamplesPanel::progress);
    connect(source, &DatasetSource::samplesChanged, this, &SamplesPanel::samplesChanged);
    connect(source, &DatasetSource::samplesFailed, this, [this](const QString &error) {
        stopped(tr("Could not use %1:\n%2").arg(QDir::toNativeSeparators(m_loadingPath), error));
    });
    connect(source, &DatasetSource::samplesRefused, this, [this](const QString &problem) {
        stopped(m_source->path().isEmpty() ? problem
                                           : tr("%1: %2").arg(QDir::toNativeSeparators(m_source->path()), problem));
    });
    connect(source, &DatasetSource::samplesCancelled, this, [this] { stopped(tr("Dataset loading cancelled.")); });
}

QString SamplesPanel::summaryText() const
{
    return m_summary->text();
}

void SamplesPanel::loading(const QString &path)
{
    m_loadingPath = path;
    m_summary->setText(tr("Reading %1…").arg(QDir::toNativeSeparators(path)));
    m_progress->setRange(0, 0); // until extraction says how many files there are
    m_progress->show();
    m_cancel->show();
}

void SamplesPanel::progress(int done, int total)
{
    m_progress->setRange(0, total);
    m_progress->setValue(done);
}

void SamplesPanel::stopped(const QString &summary)
{
    m_progress->hide();
    m_cancel->hide();
    m_summary->setText(summary);
}

void SamplesPanel::samplesChanged()
{
    const auto data = m_source->samples();
    if (!data) {
        if (!m_source->isLoadingSamples())
            stopped(m_summary->text());
        return;
    }
    QString text = tr("%1\n%2 classes: %3\n%4 training and %5 validation samples. %6")
                       .arg(QDir::toNativeSeparators(m_source->samplesPath()))
                       .arg(data->classNames.size())
                       .arg(data->classNames.join(QStringLiteral(", ")))
                       .arg(data->train.count())
                       .arg(data->validation.count())
                       .arg(data->description);
    if (!data->skipped.isEmpty())
        text += tr("\n%n file(s) skipped.", nullptr, int(data->skipped.size()));
    stopped(text);
}

} // namespace graft::ui
