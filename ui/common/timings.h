#pragma once

#include <chrono>

/**
 * The GUI's timing constants in one place: how long an edit must settle before the work it
 * starts, how often live plots redraw, and how long status-bar messages stay.
 */
namespace graft::ui::timing {

using std::chrono::milliseconds;

// Debounces: an edit restarts the timer; the work runs once the edits pause.
/** A sample's preview, the head plan's row norms: cheap, shown while the user is still choosing. */
inline constexpr milliseconds previewDebounce{250};
/** A path typed into a wizard field (weights, architecture JSON) is read once the typing pauses. */
inline constexpr milliseconds typedPathDebounce{300};
/** Work that reads a whole dataset again (text settings, the wizard's dataset folder) waits longer. */
inline constexpr milliseconds datasetReloadDebounce{400};

/**
 * Live training plots and progress: what the training thread reports is buffered and handed
 * to the GUI at most this often (ten times a second is plenty to watch and keeps replots cheap).
 */
inline constexpr milliseconds liveProgressInterval{100};

// How long a status-bar message stays.
inline constexpr int statusMessageMs = 5000;   ///< opened, saved, loaded, could not…
inline constexpr int statusResultMs = 8000;    ///< a training run ended
inline constexpr int statusNextStepMs = 10000; ///< the demo is ready, the wizard finished: what to do next

} // namespace graft::ui::timing
