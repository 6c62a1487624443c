// The local engine: migrates each selected database on this machine, step by step (DESIGN.md,
// "The local engine"): prepare, schema pre-data, parallel full load from one snapshot, post-data,
// then (offline) sequences, foreign keys, triggers and verification, or (online) change capture
// until cutover. Every step is journaled so a rerun resumes. Work runs on its own threads; the
// object lives in the caller's thread and publishes MigrationStatus a few times a second.
#pragma once

#include "engine/journal.h"
#include "engine/migrationengine.h"
#include "engine/runfiles.h"
#include "pg/conninfo.h"
#include "project/project.h"

#include <QElapsedTimer>
#include <QHash>
#include <QMutex>
#include <QSet>
#include <QTimer>
#include <atomic>
#include <memory>
#include <thread>

namespace pgferry::engine {

struct LocalEngineConfig
{
    project::Project project;
    pg::ConnInfo source; // password resolved; database = maintenance database
    pg::ConnInfo target;
    QString stateDir; // run state: journal, archives, status, report
    QString decoder;  // "pgoutput" or "test_decoding"; empty: pgoutput from PostgreSQL 10 on
};

class LocalEngine : public MigrationEngine
{
    Q_OBJECT
public:
    explicit LocalEngine(LocalEngineConfig config, QObject *parent = nullptr);
    ~LocalEngine() override;

    void start(Until until) override;
    bool requestCutover(QString *whyNot = nullptr) override;
    // One database (the others keep streaming), or every one not cut over yet when empty.
    bool requestCutoverOf(const QString &database, QString *whyNot = nullptr) override;
    // A fallback chosen here (or turned off) overrides settings.cutover.fallback for this cutover.
    bool requestCutoverWith(const QString &database, const CutoverOptions &options,
                            QString *whyNot = nullptr) override;
    void stop() override;
    MigrationStatus status() const override;
    // A failed table loads again: during the load its failed ranges go back into the queue; after a
    // failed run, the run starts again and loads only what is missing.
    bool retryTable(const QString &database, const QString &table, QString *whyNot = nullptr) override;
    bool resyncTable(const QString &database, const QString &table, QString *whyNot = nullptr) override;
    bool requestFallback(FallbackAction action, const QString &database, QString *whyNot = nullptr) override;

    // Files in the state folder that other processes read.
    static QString statusFile(const QString &stateDir) { return RunFiles::statusFile(stateDir); }
    static QString reportFile(const QString &stateDir) { return stateDir + QStringLiteral("/report.json"); }
    static QString cutoverRequestFile(const QString &stateDir)
    {
        return RunFiles::cutoverRequestFile(stateDir);
    }

private:
    class Run;
    void publish();
    void runAll(Until until);

    LocalEngineConfig m_config;
    Journal m_journal;
    mutable QMutex m_mutex;
    QMutex m_reportMutex;
    MigrationStatus m_status;
    quint64 m_version = 0;
    quint64 m_published = 0;
    std::atomic_bool m_stop{false};
    QSet<int> m_cutoverAsked;           // databases asked to cut over (by index); m_mutex
    QHash<int, bool> m_cutoverFallback; // per database index: the fallback chosen with the request; m_mutex
    std::thread m_thread;
    QTimer m_timer;
    QElapsedTimer m_clock;
    QHash<QString, std::pair<qint64, qint64>> m_lastCopied; // per database: rows and bytes at m_lastMs
    qint64 m_lastMs = 0;
    bool m_running = false;
    Until m_lastUntil = Until::Done;
    QSet<std::pair<QString, QString>> m_retry;     // (database, schema.table) asked to load again; m_mutex
    QHash<int, class ChangeStream *> m_streams;    // per database index, while it streams; m_mutex
    QHash<int, FallbackAction> m_fallbackRequests; // per database index, asked and not yet taken; m_mutex

    friend class Run;
};

} // namespace pgferry::engine
