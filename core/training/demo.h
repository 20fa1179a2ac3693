#pragma once

#include "core/common/expected.h"

#include <QString>
#include <QStringList>

namespace graft {

/**
 * The bundled transfer-learning demo (resources/demo, installed as share/graft/demo):
 * a speaker-identification CNN trained on the base speakers, saved as a Keras 2
 * weights-only .h5 with its architecture JSON and class names, and a dataset of new speakers.
 */
struct DemoFiles
{
    QString folder;       ///< the demo folder itself
    QString weights;      ///< base-speakers.h5 (Keras 2 save_weights)
    QString architecture; ///< base-speakers.json (model.to_json())
    QString labels;       ///< base-speakers.labels.txt (the old classes, one per line)
    QString dataset;      ///< new-speakers/ with train/ and val/ class folders
    QString readme;       ///< README.md: how the demo was made
};

/** The demo files in `folder`; fails naming the first missing file. */
Expected<DemoFiles> demoFilesIn(const QString &folder);

/**
 * Where demoFiles() looks, in order: $GRAFT_DEMO_DIR, <executable dir>/../share/graft/demo
 * (an installed copy), then this build's source tree (resources/demo).
 */
QStringList demoSearchPaths();

/** The first complete demo of demoSearchPaths(); fails listing the places searched. */
Expected<DemoFiles> demoFiles();

} // namespace graft
