#pragma once

/**
 * Every QSettings key the GUI reads or writes, in one place (they live in ~/.config/Graft/graft.conf):
 * a key renamed here is renamed everywhere, and a new one cannot collide unseen with an old one.
 */
namespace graft::ui::settingskeys {

// Recently opened models and projects, newest first (RecentFiles).
inline constexpr char recentFiles[] = "recentFiles";
inline constexpr char recentProjects[] = "recentProjects"; ///< read once: projects used to have a list of their own

// The folders the file dialogs start in.
inline constexpr char lastModelFolder[] = "lastModelFolder";
inline constexpr char lastDatasetFolder[] = "lastDatasetFolder";
inline constexpr char lastProjectFolder[] = "lastProjectFolder";
inline constexpr char lastExportFolder[] = "lastExportFolder";

// The main window's geometry and the state of its toolbars.
inline constexpr char windowGeometry[] = "window/geometry";
inline constexpr char windowState[] = "window/state";

/** The Training page's last settings (TrainingDefaults), in group "training". */
namespace training {
inline constexpr char group[] = "training";
inline constexpr char optimizer[] = "optimizer";
inline constexpr char learningRate[] = "lr";
inline constexpr char momentum[] = "momentum";
inline constexpr char nesterov[] = "nesterov";
inline constexpr char batchSize[] = "batch";
inline constexpr char epochs[] = "epochs";
inline constexpr char trainable[] = "trainable";
inline constexpr char phase1Epochs[] = "phase1";
inline constexpr char unfreezeLrMultiplier[] = "lrMult";
inline constexpr char monitor[] = "monitor";
inline constexpr char earlyStopping[] = "earlyStopping";
inline constexpr char patience[] = "patience";
inline constexpr char reduceLr[] = "reduceLr";
inline constexpr char reducePatience[] = "reducePatience";
inline constexpr char reduceFactor[] = "reduceFactor";
inline constexpr char labelSmoothing[] = "labelSmoothing";
inline constexpr char seed[] = "seed";
inline constexpr char compareScratch[] = "compareScratch";
} // namespace training

/** The Dataset page's last text settings (TextSettingsWidget), in group "text". */
namespace text {
inline constexpr char group[] = "text";
inline constexpr char tokenizer[] = "tokenizer";
inline constexpr char wordPieceVocabulary[] = "vocabulary/wordpiece";
inline constexpr char textVectorizationVocabulary[] = "vocabulary/textvectorization";
inline constexpr char maxLength[] = "maxLength";
inline constexpr char padding[] = "padding";
inline constexpr char truncating[] = "truncating";
inline constexpr char textColumn[] = "textColumn";
inline constexpr char labelColumn[] = "labelColumn";
} // namespace text

} // namespace graft::ui::settingskeys
