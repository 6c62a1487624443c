// Driving the real `pgferry-cli` against a TwoClusters pair, as an administrator would from a
// shell: the passwords in the environment, the run state under a test folder, `run` as a
// background process followed through its status file.
#pragma once

#include "project/project.h"
#include "testclusters.h"

#include <QProcess>
#include <QString>
#include <QStringList>
#include <memory>

namespace pgferry::test {

class CliRunner
{
public:
    // stateBase: PGFERRY_STATE_DIR for every command.
    CliRunner(const TwoClusters &pair, QString stateBase) : m_pair(pair), m_stateBase(std::move(stateBase)) {}

    QProcessEnvironment environment() const;
    // A project migrating `db` of the pair's source to `targetDb` (empty: db + "_new") in `mode`,
    // saved as DIR/NAME.pgferry; returns it (with its file in `file`), or fails the test.
    project::Project writeProject(const QString &dir, const QString &db, project::Mode mode, QString *file,
                                  const QString &targetDb = {}) const;
    // The project's run state folder under stateBase.
    QString stateDirOf(const project::Project &p) const;
    // Runs `pgferry-cli ARGS` with no terminal; logs and returns its exit code (-1 when it did not finish).
    int run(const QStringList &args, QString *out = nullptr, QString *err = nullptr,
            int timeoutMs = 300000) const;
    // Starts `pgferry-cli ARGS` in the background, no terminal; null when it did not start.
    std::unique_ptr<QProcess> start(const QStringList &args) const;
    // Starts `pgferry-cli run FILE` and waits until its status says `state` (for "streaming": also
    // ready for cutover). Null after printing the status and stderr when it does not.
    std::unique_ptr<QProcess> startRunUntil(const QString &file, const QString &stateDir,
                                            const QString &state) const;
    static bool waitForState(QProcess &run, const QString &stateDir, const QString &state,
                             int timeoutMs = 240000);

private:
    const TwoClusters &m_pair;
    QString m_stateBase;
};

} // namespace pgferry::test
