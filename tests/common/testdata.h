#pragma once

// Where a test's data is. Redistributable data lives in the repository (tests/data/, provenance
// beside it); the rest stays in the shared fixtures folder beside the checkout. A path is looked
// up in tests/data/ first, then in the fixtures folder ($GRAFT_FIXTURES_DIR at run time, else the
// folder CMake named), so both keep the same relative layout ("keras/keras2/act_relu.h5").
//
// Data in neither place: GRAFT_REQUIRE_DATA() prints one line naming what is missing and skips,
// or fails when GRAFT_REQUIRE_FIXTURES=1 (CI), so a clone alone passes and CI still runs
// everything. A test that skipped for missing data exits with 77 when it otherwise passed, and
// CTest (SKIP_RETURN_CODE 77) lists it by name among the skipped tests.

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QString>
#include <QTest>

#include <atomic>

namespace graft::testing {

inline QString repositoryDataDir()
{
    return QStringLiteral(GRAFT_SOURCE_DIR "/tests/data");
}

inline QString fixturesDir()
{
    const QString fromEnvironment = qEnvironmentVariable("GRAFT_FIXTURES_DIR");
    return QDir::cleanPath(fromEnvironment.isEmpty() ? QStringLiteral(GRAFT_FIXTURES_DIR) : fromEnvironment);
}

inline bool fixturesRequired()
{
    return qEnvironmentVariableIntValue("GRAFT_REQUIRE_FIXTURES") == 1;
}

/** tests/data/<relative> when the repository carries it, else <fixtures>/<relative> (which may not exist). */
inline QString dataPath(const QString &relative)
{
    const QString inRepository = QDir(repositoryDataDir()).filePath(relative);
    if (QFileInfo::exists(inRepository))
        return inRepository;
    return QDir(fixturesDir()).filePath(relative);
}

inline bool hasData(const QString &relative)
{
    return QFileInfo::exists(dataPath(relative));
}

/** Counts skips for missing data, so that main() can tell CTest the test was skipped. */
inline std::atomic<int> &missingDataSkips()
{
    static std::atomic<int> count{0};
    return count;
}

inline QByteArray missingDataMessage(const QString &path)
{
    return QStringLiteral("missing test data: %1 (not in the repository's %2; the shared fixtures folder is %3, set "
                          "GRAFT_FIXTURES_DIR)")
        .arg(path, repositoryDataDir(), fixturesDir())
        .toLocal8Bit();
}

/** qExec's result, or 77 (CTest's SKIP_RETURN_CODE) when the test passed but skipped for missing data. */
inline int testExitCode(int qExecResult)
{
    return qExecResult == 0 && missingDataSkips().load() > 0 ? 77 : qExecResult;
}

} // namespace graft::testing

/** Skips the current test function (or data row) when the file or folder `path` does not exist; fails in CI. */
#define GRAFT_REQUIRE_PATH(path)                                                                                       \
    do {                                                                                                               \
        const QString graftPath_ = (path);                                                                             \
        if (!QFileInfo::exists(graftPath_)) {                                                                          \
            if (graft::testing::fixturesRequired())                                                                    \
                QFAIL(graft::testing::missingDataMessage(graftPath_).constData());                                     \
            ++graft::testing::missingDataSkips();                                                                      \
            QSKIP(graft::testing::missingDataMessage(graftPath_).constData());                                         \
        }                                                                                                              \
    } while (false)

/** GRAFT_REQUIRE_PATH for a path relative to the data folders ("keras/keras2/act_relu.h5"). */
#define GRAFT_REQUIRE_DATA(relative) GRAFT_REQUIRE_PATH(graft::testing::dataPath(relative))

// Qt's QTEST_APPLESS_MAIN / QTEST_MAIN / QTEST_GUILESS_MAIN, built the same way (Qt's own setup
// macros), but reporting missing-data skips to CTest.
#define GRAFT_TEST_MAIN_WRAPPER(TestObject, ...)                                                                       \
    int main(int argc, char *argv[])                                                                                   \
    {                                                                                                                  \
        QT_PREPEND_NAMESPACE(QTest::Internal::callInitMain)<TestObject>();                                             \
        __VA_ARGS__                                                                                                    \
        TestObject tc;                                                                                                 \
        QTEST_SET_MAIN_SOURCE_PATH                                                                                     \
        return graft::testing::testExitCode(QTest::qExec(&tc, argc, argv));                                            \
    }
#define GRAFT_TEST_APPLESS_MAIN(TestObject) GRAFT_TEST_MAIN_WRAPPER(TestObject)
#define GRAFT_TEST_MAIN(TestObject) GRAFT_TEST_MAIN_WRAPPER(TestObject, QTEST_MAIN_SETUP())
#define GRAFT_TEST_GUILESS_MAIN(TestObject) GRAFT_TEST_MAIN_WRAPPER(TestObject, QTEST_QAPP_SETUP(QCoreApplication))
