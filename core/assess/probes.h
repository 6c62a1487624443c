// Internal to the assessment: what the source and target probes learn, and the helpers the checks
// share. Each probe runs on its own thread with its own connections.
#pragma once

#include "assess/assessment.h"
#include "assess/check.h"
#include "pg/connection.h"
#include "pg/version.h"

#include <QMap>
#include <QSet>
#include <QString>
#include <QStringList>
#include <functional>

namespace pgferry::assess::detail {

// Every identifier in a remediation goes through libpq's quoting (always quoted).
QString ident(const QString &name);
QString qualifiedName(const QString &schema, const QString &name); // "schema"."name"
QString displayName(const QString &schema, const QString &name);   // schema.name, for object lists
QString literal(const QString &value);                             // 'value' with quotes doubled
QString hbaName(const QString &name);                              // a pg_hba.conf field, quoted when needed

// Whether schema.table is in the selection's include/exclude patterns (* and ?).

using pg::majorKey;  // comparable major: 904, 1000, 1500
using pg::majorName; // "9.4", "15"

Check makeCheck(const QString &id, Severity severity, const QString &database, const QStringList &objects,
                const QString &message, const QList<Fix> &fixes = {});
// source.connectivity / target.connectivity from a failed connection attempt.
Check connectivityCheck(const QString &id, const pg::Error &error, const pg::ConnInfo &info,
                        const QString &database);
bool isCancelled(const AssessmentInput &in);

struct SuperuserObject
{
    QString kind;    // "event trigger", "C function", "function in untrusted language plpython3u", ...
    QString display; // schema.name(args)
    QString dropSql; // DROP ... on the source, quoted
};

struct SourceDatabaseFacts
{
    QString name;
    bool reachable = false;
    bool catalogKnown = false; // encoding and collation read
    QString encoding, collate, ctype;
    QList<std::pair<QString, QString>> extensions; // name, version
    QMap<QString, bool> roles;                     // referenced roles -> can log in
    QList<SuperuserObject> superuserObjects;
};

struct SourceFacts
{
    bool reachable = false;
    int version = 0;
    QString user;
    bool superuser = false;
    QList<SourceDatabaseFacts> databases;
};

struct TargetDatabaseFacts
{
    bool exists = false;
    QString encoding, collate, ctype;
};

struct TargetFacts
{
    bool reachable = false;
    int version = 0;
    QString user;
    bool superuser = false;
    QSet<QString> roles;
    QSet<QString> extensions;                        // pg_available_extensions
    QMap<QString, QString> extensionDefaultVersions; // name -> the version CREATE EXTENSION makes there
    bool azureAllowListKnown = false;
    QSet<QString> azureAllowList;                 // azure.extensions, lower case
    QMap<QString, TargetDatabaseFacts> databases; // every database on the target
    QSet<QString> collations; // libc locales known to the target (pg_collation.collcollate)
    QString templateEncoding, templateCollate, templateCtype;
};

// The frame both probes share: open the maintenance connection (the connectivity check: passed,
// or why not), record reachability and version, then run `body`; what `body` throws becomes a
// connectivity blocker, a cancel is silent. `side` is "source" or "target". Never throws.
void runProbe(const AssessmentInput &in, const QString &side, const pg::ConnInfo &info, QList<Check> &checks,
              bool &reachable, int &version, const std::function<pg::Connection()> &open,
              const std::function<void(pg::Connection &)> &body);

class SourceProbe
{
public:
    explicit SourceProbe(const AssessmentInput &in) : m_in(in) {}
    void run(); // never throws
    QList<Check> checks;
    SourceFacts facts;

private:
    void probe(pg::Connection &c);
    void probeServer(pg::Connection &c);
    void probeDatabase(const project::DatabaseSelection &sel, SourceDatabaseFacts &dbFacts);
    void checkReplicationConnection(pg::Connection &c);
    // Runs one check; an error other than a lost connection or a cancel becomes an "could not check" info.
    void guarded(const QString &id, const QString &database, const std::function<void()> &fn);
    pg::Connection open(const QString &database, bool replication = false) const;

    const AssessmentInput &m_in;
    QMap<QString, QString> m_settings;
    bool m_replicationPrivilege = false;
    bool m_replicationReady = false; // wal_level, slots and senders allow a slot
};

class TargetProbe
{
public:
    explicit TargetProbe(const AssessmentInput &in) : m_in(in) {}
    void run(); // never throws
    QList<Check> checks;
    TargetFacts facts;

private:
    void probe(pg::Connection &c);
    void checkFallback(pg::Connection &c, bool replicationRight);
    void guarded(const QString &id, const QString &database, const std::function<void()> &fn);
    pg::Connection open(const QString &database) const;
    const AssessmentInput &m_in;
};

} // namespace pgferry::assess::detail
