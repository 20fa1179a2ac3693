#include "core/dataset/classfolderscanner.h"

#include "core/audio/audioloader.h"
#include "core/io/npyfile.h"

#include <QDir>
#include <QFileInfo>
#include <QHash>
#include <QImageReader>
#include <QSet>
#include <QStringDecoder>
#include <QtConcurrent/QtConcurrentMap>

#include <algorithm>

#ifdef Q_OS_UNIX
#include <dirent.h>
#endif

namespace graft {

namespace {

struct Candidate
{
    QString path;
    int label = 0;
    SampleKind kind = SampleKind::Audio;
};

struct Probe
{
    bool ok = false;
    QString reason;
    QString format;
    int channels = 0;
    int sampleRate = 0;
    double seconds = 0.0;
    std::vector<std::int64_t> shape;
};

bool isHidden(const QString &name)
{
    return name.startsWith(QLatin1Char('.'));
}

// Qt decodes file names as UTF-8 and turns invalid bytes into U+FFFD, so such a
// name cannot be re-encoded to the bytes on disk and the file cannot be opened.
bool hasUndecodableName(const QFileInfo &info)
{
    return info.fileName().contains(QChar(QChar::ReplacementCharacter)) && !info.exists() && !info.isSymLink();
}

// Qt's directory iterators silently skip names that are not valid UTF-8, so
// they are found with readdir() and shown with their bad bytes escaped.
QStringList undecodableNames(const QString &dir)
{
    QStringList names;
#ifdef Q_OS_UNIX
    DIR *handle = ::opendir(QFile::encodeName(dir).constData());
    if (!handle)
        return names;
    while (const dirent *entry = ::readdir(handle)) {
        const QByteArray raw(entry->d_name);
        QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
        const QString decoded = decoder(raw);
        Q_UNUSED(decoded)
        if (!decoder.hasError())
            continue;
        QString escaped;
        for (const char c : raw) {
            const auto byte = uchar(c);
            escaped += byte >= 0x20 && byte < 0x7f ? QString(QLatin1Char(c))
                                                   : QStringLiteral("\\x%1").arg(byte, 2, 16, QLatin1Char('0'));
        }
        names << escaped;
    }
    ::closedir(handle);
    std::sort(names.begin(), names.end());
#else
    Q_UNUSED(dir)
#endif
    return names;
}

QFileInfoList sortedEntries(const QString &dir)
{
    QFileInfoList entries =
        QDir(dir).entryInfoList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System, QDir::NoSort);
    std::sort(entries.begin(), entries.end(),
              [](const QFileInfo &a, const QFileInfo &b) { return codePointLess(a.fileName(), b.fileName()); });
    return entries;
}

QString describeChannels(int channels)
{
    return channels == 1 ? QStringLiteral("1 channel") : QStringLiteral("%1 channels").arg(channels);
}

Probe probeFile(const Candidate &candidate)
{
    Probe probe;
    const QFileInfo info(candidate.path);
    if (info.size() == 0) {
        probe.reason = QStringLiteral("empty file (0 bytes)");
        return probe;
    }
    switch (candidate.kind) {
    case SampleKind::Audio: {
        const auto audio = probeAudio(candidate.path);
        if (!audio) {
            probe.reason = QStringLiteral("cannot be decoded: %1").arg(audio.errorString());
            return probe;
        }
        if (audio->frames <= 0) {
            probe.reason = QStringLiteral("no audio samples (0 frames)");
            return probe;
        }
        probe.format = audio->format;
        probe.channels = audio->channels;
        probe.sampleRate = audio->sampleRate;
        probe.seconds = audio->sampleRate > 0 ? double(audio->frames) / audio->sampleRate : 0.0;
        break;
    }
    case SampleKind::Image: {
        QImageReader reader(candidate.path);
        reader.setDecideFormatFromContent(true);
        if (!reader.canRead()) {
            probe.reason = QStringLiteral("cannot be decoded as an image: %1").arg(reader.errorString());
            return probe;
        }
        // The header is enough to catch most broken files; damage further in is
        // reported when the pixels are decoded for extraction.
        const QSize size = reader.size();
        if (!size.isValid()) {
            probe.reason =
                QStringLiteral("cannot be decoded as an image: unreadable header (%1)").arg(reader.errorString());
            return probe;
        }
        if (size.isEmpty()) {
            probe.reason = QStringLiteral("image has no pixels");
            return probe;
        }
        probe.format = QString::fromLatin1(reader.format()).toUpper();
        break;
    }
    case SampleKind::FeatureArray: {
        const auto array = NpyFile::read(candidate.path);
        if (!array) {
            probe.reason = QStringLiteral("cannot be read as .npy: %1").arg(array.errorString());
            return probe;
        }
        if (array->elementCount() == 0) {
            probe.reason = QStringLiteral("array has no elements, shape %1").arg(npyShapeString(array->shape()));
            return probe;
        }
        probe.format = QStringLiteral("npy %1").arg(npyDtypeName(array->dtype()));
        probe.shape = array->shape();
        break;
    }
    }
    probe.ok = true;
    return probe;
}

/** Walks one class folder; symlinks are followed once, loops and repeats are reported. */
class ClassWalker
{
public:
    ClassWalker(ClassFolderDataset &dataset, QSet<QString> &visitedDirs)
        : m_dataset(dataset), m_visited(visitedDirs) { }

    void walk(const QString &dir, int label, QStringList ancestors)
    {
        const QString canonical = QFileInfo(dir).canonicalFilePath();
        ancestors.append(canonical);
        for (const QString &name : undecodableNames(dir))
            m_dataset.badFiles.append(
                {QDir(dir).filePath(name), QStringLiteral("name is not valid UTF-8 and cannot be opened; rename it")});
        for (const QFileInfo &entry : sortedEntries(dir)) {
            const QString path = entry.filePath();
            if (hasUndecodableName(entry)) {
                m_dataset.badFiles.append(
                    {path, QStringLiteral("name is not valid UTF-8 and cannot be opened; rename it")});
                continue;
            }
            if (isHidden(entry.fileName())) {
                m_dataset.warnings.append({path, QStringLiteral("hidden entry skipped")});
                continue;
            }
            if (entry.isSymLink() && !entry.exists()) {
                m_dataset.badFiles.append(
                    {path, QStringLiteral("broken symbolic link to %1").arg(entry.symLinkTarget())});
                continue;
            }
            if (entry.isDir()) {
                const QString target = entry.canonicalFilePath();
                if (ancestors.contains(target)) {
                    m_dataset.warnings.append(
                        {path, QStringLiteral("symbolic link loop (points back to %1): not followed").arg(target)});
                    continue;
                }
                if (m_visited.contains(target)) {
                    m_dataset.warnings.append(
                        {path, QStringLiteral("folder already scanned through another path (%1): not scanned twice")
                                   .arg(target)});
                    continue;
                }
                m_visited.insert(target);
                walk(path, label, ancestors);
                continue;
            }
            if (!entry.isFile()) {
                m_dataset.warnings.append({path, QStringLiteral("not a regular file: skipped")});
                continue;
            }
            const auto kind = ClassFolderScanner::kindForFile(entry.fileName());
            if (!kind) {
                m_dataset.warnings.append({path, QStringLiteral("not a sample file (unknown extension): ignored")});
                continue;
            }
            candidates.append({path, label, *kind});
        }
    }

    QVector<Candidate> candidates;

private:
    ClassFolderDataset &m_dataset;
    QSet<QString> &m_visited;
};

bool isCancelled(const ClassFolderScanOptions &options)
{
    return options.cancel && options.cancel->load();
}

/** Opens every candidate's header, one per pool thread (they are I/O-bound and independent). */
Expected<QVector<Probe>> probeAll(const QString &path, const QVector<Candidate> &candidates,
                                  const ClassFolderScanOptions &options)
{
    QVector<Probe> probes(candidates.size());
    if (!options.probeFiles) {
        for (Probe &probe : probes)
            probe.ok = true;
        return probes;
    }
    probes = QtConcurrent::blockingMapped<QVector<Probe>>(
        candidates, [&options](const Candidate &c) { return isCancelled(options) ? Probe{} : probeFile(c); });
    if (isCancelled(options))
        return Error{QStringLiteral("Scanning %1 was cancelled").arg(path)};
    return probes;
}

SampleKind dominantKind(const QVector<Candidate> &candidates)
{
    int counts[3] = {0, 0, 0};
    for (const Candidate &c : candidates)
        ++counts[int(c.kind)];
    // Ties go to audio, then images: the order the kinds are listed in.
    int best = 0;
    for (int k = 1; k < 3; ++k) {
        if (counts[k] > counts[best])
            best = k;
    }
    return SampleKind(best);
}

template <typename Key> Key mostCommon(const QVector<Key> &values)
{
    QMap<Key, int> counts;
    for (const Key &v : values)
        ++counts[v];
    Key best{};
    int bestCount = -1;
    for (auto it = counts.cbegin(); it != counts.cend(); ++it) {
        if (it.value() > bestCount) {
            best = it.key();
            bestCount = it.value();
        }
    }
    return best;
}

void addClassWarnings(ClassFolderDataset &dataset, const ClassFolderScanOptions &options)
{
    const QVector<int> counts = dataset.classCounts();
    for (int i = 0; i < counts.size(); ++i) {
        const QString folder = QDir(dataset.rootPath).filePath(dataset.classNames[i]);
        if (counts[i] == 0)
            dataset.warnings.append({folder, QStringLiteral("class '%1' has no usable samples (empty class folder); "
                                                            "it keeps its label index, as in Keras")
                                                 .arg(dataset.classNames[i])});
        else if (counts[i] < options.fewSamplesWarning)
            dataset.warnings.append(
                {folder, QStringLiteral("class '%1' has only %2 sample(s); at least %3 are advisable")
                             .arg(dataset.classNames[i])
                             .arg(counts[i])
                             .arg(options.fewSamplesWarning)});
    }
    if (dataset.classNames.size() == 1)
        dataset.warnings.append(
            {dataset.rootPath,
             QStringLiteral("only one class ('%1'): a classifier needs at least two").arg(dataset.classNames.front())});
    if (dataset.samples.isEmpty())
        dataset.warnings.append(
            {dataset.rootPath, QStringLiteral("no usable %1 samples").arg(sampleKindName(dataset.kind))});
}

} // namespace

QStringList ClassFolderScanner::extensions(SampleKind kind)
{
    switch (kind) {
    case SampleKind::Audio:
        return {QStringLiteral("wav"), QStringLiteral("flac"), QStringLiteral("ogg"), QStringLiteral("oga")};
    case SampleKind::Image:
        return {QStringLiteral("png"), QStringLiteral("jpg"), QStringLiteral("jpeg"), QStringLiteral("bmp")};
    case SampleKind::FeatureArray: return {QStringLiteral("npy")};
    }
    return {};
}

std::optional<SampleKind> ClassFolderScanner::kindForFile(const QString &fileName)
{
    const QString suffix = QFileInfo(fileName).suffix().toLower();
    for (SampleKind kind : {SampleKind::Audio, SampleKind::Image, SampleKind::FeatureArray}) {
        if (extensions(kind).contains(suffix))
            return kind;
    }
    return std::nullopt;
}

std::optional<SplitFolderLayout> ClassFolderScanner::detectSplitLayout(const QString &path)
{
    SplitFolderLayout layout;
    for (const QFileInfo &entry : sortedEntries(path)) {
        if (!entry.isDir() || isHidden(entry.fileName()))
            continue;
        const QString name = entry.fileName().toLower();
        if (name == QLatin1String("train") || name == QLatin1String("training"))
            layout.trainPath = entry.filePath();
        else if (name == QLatin1String("val") || name == QLatin1String("validation") || name == QLatin1String("valid"))
            layout.validationPath = entry.filePath();
        else if (name != QLatin1String("test"))
            return std::nullopt; // another folder: these are class folders
    }
    if (layout.trainPath.isEmpty() || layout.validationPath.isEmpty())
        return std::nullopt;
    return layout;
}

Expected<ClassFolderDataset> ClassFolderScanner::scan(const QString &path, const ClassFolderScanOptions &options)
{
    const QFileInfo rootInfo(path);
    if (!rootInfo.exists())
        return Error{QStringLiteral("Dataset folder %1 does not exist").arg(path)};
    if (!rootInfo.isDir())
        return Error{
            QStringLiteral("%1 is not a folder; a class-folder dataset is a folder with one subfolder per class")
                .arg(path)};
    if (!rootInfo.isReadable())
        return Error{QStringLiteral("Dataset folder %1 is not readable").arg(path)};

    ClassFolderDataset dataset;
    dataset.rootPath = rootInfo.absoluteFilePath();
    const QString rootCanonical = rootInfo.canonicalFilePath();

    QStringList folderNames;
    QHash<QString, QString> folderPaths;
    for (const QString &name : undecodableNames(path))
        dataset.warnings.append({QDir(path).filePath(name),
                                 QStringLiteral("name is not valid UTF-8 and cannot be opened; rename it: skipped")});
    for (const QFileInfo &entry : sortedEntries(path)) {
        const QString entryPath = entry.filePath();
        if (hasUndecodableName(entry)) {
            dataset.warnings.append(
                {entryPath, QStringLiteral("name is not valid UTF-8 and cannot be opened; rename it: skipped")});
            continue;
        }
        if (isHidden(entry.fileName())) {
            dataset.warnings.append({entryPath, QStringLiteral("hidden entry skipped")});
            continue;
        }
        if (entry.isSymLink() && !entry.exists()) {
            dataset.warnings.append(
                {entryPath, QStringLiteral("broken symbolic link to %1: skipped").arg(entry.symLinkTarget())});
            continue;
        }
        if (!entry.isDir()) {
            dataset.warnings.append({entryPath, QStringLiteral("file outside any class folder: ignored")});
            continue;
        }
        const QString target = entry.canonicalFilePath();
        if (target == rootCanonical || rootCanonical.startsWith(target + QLatin1Char('/'))) {
            dataset.warnings.append(
                {entryPath, QStringLiteral("symbolic link loop (points back to %1): not a class").arg(target)});
            continue;
        }
        folderNames.append(entry.fileName());
        folderPaths.insert(entry.fileName(), entryPath);
    }

    if (options.classNames) {
        dataset.classNames = *options.classNames;
        for (const QString &name : folderNames) {
            if (!dataset.classNames.contains(name))
                dataset.warnings.append({folderPaths.value(name),
                                         QStringLiteral("folder '%1' is not one of the %2 training classes: skipped")
                                             .arg(name)
                                             .arg(dataset.classNames.size())});
        }
        for (const QString &name : dataset.classNames) {
            if (!folderNames.contains(name))
                dataset.warnings.append(
                    {QDir(path).filePath(name), QStringLiteral("no folder for class '%1'").arg(name)});
        }
    } else {
        dataset.classNames = folderNames; // already in code-point order
    }
    if (dataset.classNames.isEmpty())
        return Error{
            QStringLiteral(
                "%1 has no class subfolders; put the samples of each class in a subfolder named after the class")
                .arg(path)};

    QSet<QString> visited{rootCanonical};
    ClassWalker walker(dataset, visited);
    for (int label = 0; label < dataset.classNames.size(); ++label) {
        const QString folder = folderPaths.value(dataset.classNames[label]);
        if (folder.isEmpty())
            continue;
        const QString canonical = QFileInfo(folder).canonicalFilePath();
        if (visited.contains(canonical)) {
            dataset.warnings.append(
                {folder, QStringLiteral("same folder as another class (%1): skipped").arg(canonical)});
            continue;
        }
        visited.insert(canonical);
        walker.walk(folder, label, {rootCanonical});
    }

    dataset.kind = options.kind ? *options.kind : dominantKind(walker.candidates);
    QVector<Candidate> candidates;
    for (const Candidate &candidate : walker.candidates) {
        if (candidate.kind == dataset.kind)
            candidates.append(candidate);
        else
            dataset.badFiles.append(
                {candidate.path, QStringLiteral("%1 file in a dataset of %2 files: skipped")
                                     .arg(sampleKindName(candidate.kind), sampleKindName(dataset.kind))});
    }

    auto probed = probeAll(path, candidates, options);
    if (!probed)
        return probed.error();
    const QVector<Probe> &probes = *probed;

    // Mixed channel counts (or .npy shapes) cannot share one input shape: the
    // files that differ from the majority are the bad ones.
    QVector<int> channelCounts;
    QVector<QString> shapes;
    for (const Probe &probe : probes) {
        if (!probe.ok)
            continue;
        channelCounts.append(probe.channels);
        shapes.append(npyShapeString(probe.shape));
    }
    const int channels = mostCommon(channelCounts);
    const QString shape = mostCommon(shapes);

    for (int i = 0; i < candidates.size(); ++i) {
        const Probe &probe = probes[i];
        const Candidate &candidate = candidates[i];
        if (!probe.ok) {
            dataset.badFiles.append({candidate.path, probe.reason});
            continue;
        }
        if (options.probeFiles && dataset.kind == SampleKind::Audio && probe.channels != channels) {
            dataset.badFiles.append(
                {candidate.path, QStringLiteral("has %1; the other files have %2 (different channel count): skipped")
                                     .arg(describeChannels(probe.channels), describeChannels(channels))});
            continue;
        }
        if (options.probeFiles && dataset.kind == SampleKind::FeatureArray && npyShapeString(probe.shape) != shape) {
            dataset.badFiles.append(
                {candidate.path, QStringLiteral("array shape %1 differs from the other files' %2: skipped")
                                     .arg(npyShapeString(probe.shape), shape)});
            continue;
        }
        dataset.samples.append({candidate.path, candidate.label});
        if (!probe.format.isEmpty())
            ++dataset.formats[probe.format];
        if (probe.sampleRate > 0)
            ++dataset.sampleRates[probe.sampleRate];
        dataset.totalSeconds += probe.seconds;
        if (dataset.featureShape.empty())
            dataset.featureShape = probe.shape;
    }
    if (dataset.kind == SampleKind::Audio)
        dataset.channels = channels;

    addClassWarnings(dataset, options);
    return dataset;
}

} // namespace graft
