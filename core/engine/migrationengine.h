// The interface both engines implement: the local engine (core/engine/localengine.h) and Azure's
// managed migration service (core/azure/managedengine.h). Front ends (CLI, wizard) drive a run
// only through this, and read progress only as MigrationStatus values.
#pragma once

#include "engine/migrationstatus.h"

#include <QObject>
#include <optional>

namespace pgferry::engine {

class MigrationEngine : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;
    ~MigrationEngine() override = default;

    enum class Until { Ready, Done };

    // Starts or resumes the run in the background; returns at once. Progress arrives through
    // statusChanged(); the end through finished(). With Until::Ready the run finishes (state
    // Streaming) once it is ready for cutover; with Until::Done an offline run finishes when
    // complete, and an online run keeps streaming until requestCutover().
    virtual void start(Until until) = 0;
    // Cut over (after the administrator confirmed). Refused unless status().readyForCutover().
    virtual bool requestCutover(QString *whyNot = nullptr) = 0;
    // Cut over one database (by its source name) while the others keep streaming; empty: all.
    // Engines that cut over every database at once refuse a name.
    virtual bool requestCutoverOf(const QString &database, QString *whyNot = nullptr)
    {
        if (database.isEmpty())
            return requestCutover(whyNot);
        if (whyNot)
            *whyNot = QStringLiteral("this engine cuts over every database of the project at once");
        return false;
    }
    // What the administrator chose when asking for the cutover, over the project's settings.
    struct CutoverOptions
    {
        std::optional<bool> fallback; // keep the old server as a live fallback (settings.cutover.fallback)
    };
    // requestCutoverOf with choices; engines without the choice refuse one that was made.
    virtual bool requestCutoverWith(const QString &database, const CutoverOptions &options,
                                    QString *whyNot = nullptr)
    {
        if (options.fallback.value_or(false)) {
            if (whyNot)
                *whyNot =
                    QStringLiteral("this engine cannot keep the old server as a fallback after cutover");
            return false;
        }
        return requestCutoverOf(database, whyNot);
    }
    // Stops cleanly; the next start() resumes. finished() follows with state Stopped.
    virtual void stop() = 0;
    virtual MigrationStatus status() const = 0;
    // Loads one failed table again (database: source name; table: schema.name). Engines that
    // cannot refuse with a reason.
    virtual bool retryTable(const QString &database, const QString &table, QString *whyNot = nullptr)
    {
        Q_UNUSED(database);
        Q_UNUSED(table);
        if (whyNot)
            *whyNot = QStringLiteral("this engine cannot retry a single table; stop and start the run again");
        return false;
    }

    // Copies one table again from a new snapshot while changes stream, and joins it to the
    // stream there (after a table joined the stream late, or to resolve a schema change).
    virtual bool resyncTable(const QString &database, const QString &table, QString *whyNot = nullptr)
    {
        Q_UNUSED(database);
        Q_UNUSED(table);
        if (whyNot)
            *whyNot = QStringLiteral("this engine cannot copy a single table again while streaming");
        return false;
    }

    // After a cutover with fallback (settings.cutover.fallback): return to the old server (drain
    // the new one into it, make the new one read-only and the old one writable, verify), or end
    // the fallback (the new server stays; the old stays read-only). `database` empty: every
    // database in fallback. Refused, with the reason, when no named database is in fallback.
    enum class FallbackAction { FailBack, End };
    virtual bool requestFallback(FallbackAction action, const QString &database, QString *whyNot = nullptr)
    {
        Q_UNUSED(action);
        Q_UNUSED(database);
        if (whyNot)
            *whyNot = QStringLiteral("this engine keeps no fallback after the cutover");
        return false;
    }

Q_SIGNALS:
    // At most a few times a second, queued to the receiver's thread.
    void statusChanged(const pgferry::engine::MigrationStatus &status);
    void logLine(const QString &line);
    void finished(bool success);
};

} // namespace pgferry::engine
