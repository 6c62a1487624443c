// Test doubles for the wizard's GUI tests: an engine driven by the test (statuses, finish), and
// sample services that hand it out. Real servers are used where a test is about them.
#pragma once

#include "engine/migrationengine.h"
#include "sampleservices.h"

#include <QPointer>

namespace pgferry::test {

class FakeEngine : public engine::MigrationEngine
{
    Q_OBJECT
public:
    using MigrationEngine::MigrationEngine;
    void start(Until) override
    {
        ++starts;
        m_status.state = engine::RunState::Running;
    }
    bool requestCutover(QString *whyNot) override
    {
        if (!m_status.readyForCutover()) {
            if (whyNot)
                *whyNot = QStringLiteral("not ready");
            return false;
        }
        cutoverRequested = true;
        return true;
    }
    // Records the database; refuses with refuseCutoverOf when set.
    bool requestCutoverOf(const QString &database, QString *whyNot) override
    {
        if (database.isEmpty())
            return requestCutover(whyNot);
        if (!refuseCutoverOf.isEmpty()) {
            if (whyNot)
                *whyNot = refuseCutoverOf;
            return false;
        }
        cutOverDatabases << database;
        return true;
    }
    // Records the choice made with the request (the cutover page's fallback box).
    bool requestCutoverWith(const QString &database, const CutoverOptions &options, QString *whyNot) override
    {
        lastCutoverOptions = options;
        return requestCutoverOf(database, whyNot);
    }
    void stop() override
    {
        ++stops;
        QMetaObject::invokeMethod(
            this,
            [this] {
                m_status.state = engine::RunState::Stopped;
                Q_EMIT statusChanged(m_status);
                Q_EMIT finished(false);
            },
            Qt::QueuedConnection);
    }
    // Accepts unless refuseRetry holds a reason; an accepted table is queued again in the status.
    bool retryTable(const QString &database, const QString &table, QString *whyNot) override
    {
        if (!refuseRetry.isEmpty()) {
            if (whyNot)
                *whyNot = refuseRetry;
            return false;
        }
        retried << database + u'/' + table;
        for (engine::DatabaseStatus &d : m_status.databases)
            if (d.name == database)
                for (engine::TableStatus &t : d.tables)
                    if (t.qualifiedName() == table) {
                        t.state = engine::TableState::Queued;
                        t.error.clear();
                    }
        return true;
    }
    // Records the call; accepts unless refuseResync holds a reason.
    bool resyncTable(const QString &database, const QString &table, QString *whyNot) override
    {
        resynced << database + u'/' + table;
        if (!refuseResync.isEmpty()) {
            if (whyNot)
                *whyNot = refuseResync;
            return false;
        }
        return true;
    }
    engine::MigrationStatus status() const override { return m_status; }
    void publish(const engine::MigrationStatus &s)
    {
        m_status = s;
        Q_EMIT statusChanged(s);
    }
    int starts = 0;
    int stops = 0;
    QStringList cutOverDatabases;
    QString refuseCutoverOf;
    bool cutoverRequested = false;
    CutoverOptions lastCutoverOptions;
    QString refuseRetry;
    QStringList retried;
    QString refuseResync;
    QStringList resynced; // database/schema.table, accepted or not

private:
    engine::MigrationStatus m_status;
};

class FakeEngineServices : public wizard::SampleServices
{
public:
    std::unique_ptr<engine::MigrationEngine> createEngine(const project::Project &,
                                                          const wizard::Credentials &, QString *) override
    {
        auto e = std::make_unique<FakeEngine>();
        engine = e.get();
        return e;
    }
    std::optional<engine::MigrationStatus> lastRunStatus(const project::Project &) override { return last; }
    QPointer<FakeEngine> engine;
    std::optional<engine::MigrationStatus> last;
};

} // namespace pgferry::test
