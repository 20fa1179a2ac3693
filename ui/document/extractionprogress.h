#pragma once

#include <functional>

class QProgressBar;

namespace graft::ui {

/**
 * The progress callback of a feature extraction (ExtractionOptions::progress), which core calls on
 * its extraction threads: it hands each (done, total) to the GUI thread and shows it on `bar`,
 * unless the bar is gone by then.
 */
std::function<void(int done, int total)> extractionProgressOn(QProgressBar *bar);

} // namespace graft::ui
