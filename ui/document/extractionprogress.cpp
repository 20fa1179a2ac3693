#include "ui/document/extractionprogress.h"

#include <QCoreApplication>
#include <QPointer>
#include <QProgressBar>

namespace graft::ui {

std::function<void(int done, int total)> extractionProgressOn(QProgressBar *bar)
{
    QPointer<QProgressBar> progress = bar;
    return [progress](int done, int total) {
        QMetaObject::invokeMethod(
            qApp,
            [progress, done, total] {
                if (progress) {
                    progress->setRange(0, total);
                    progress->setValue(done);
                }
            },
            Qt::QueuedConnection);
    };
}

} // namespace graft::ui
