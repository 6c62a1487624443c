// The run's side of the run files, for whichever process runs the engine (`pgferry-cli run` or
// the wizard): while the run is in progress its lock file says so (pid, host, process start
// time), so that a second `run` refuses and `status`, `cutover` or another wizard find it; and
// the requests other processes leave in the state folder (cutover, resync, fail-back, fallback
// end, retry, stop) are taken and answered through the engine.
#pragma once

#include "engine/runfiles.h"

#include <QObject>
#include <QPointer>
#include <QTimer>
#include <functional>

namespace pgferry::engine {

class MigrationEngine;

class RunHost : public QObject
{
    Q_OBJECT
public:
    // `engine` must outlive the host, or be its parent.
    RunHost(MigrationEngine *engine, QString stateDir, QObject *parent = nullptr);
    ~RunHost() override;

    // Takes the lock (false and *error, naming the run that holds it, when another run of this
    // project is in progress or the file cannot be written), drops requests an earlier run left,
    // and answers requests from then on. The lock goes when the engine finishes or the host is
    // destroyed.
    bool claim(QString *error);
    void release();
    bool holdsLock() const { return m_held; }

    // Told when a stop is asked through the state folder, before the engine is stopped.
    void setStopNotice(std::function<void(const QString &requestFile)> notice)
    {
        m_stopNotice = std::move(notice);
    }

    // Takes and answers the requests waiting now (the timer does it every 300 ms).
    void answerRequests();

private:
    QPointer<MigrationEngine> m_engine;
    QString m_stateDir;
    QTimer m_poll;
    bool m_held = false;
    std::function<void(const QString &)> m_stopNotice;
};

} // namespace pgferry::engine
