// The migration project: what a *.pgferry file holds. Never a password, token or key.
// Loading, validation, upgrade and saving live in projectfile.h.
#pragma once

#include "pg/conninfo.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <QUuid>

namespace pgferry::project {

enum class Mode { Online, Offline };
enum class Engine { Local, Azure };
// What verification compares on both sides: row counts and a checksum of every row, or row counts only.
enum class VerifyLevel { Full, Count };
// How pgferry signs in to a server: a password (environment, keychain or passfile), or a Microsoft
// Entra ID access token from the project's Azure sign-in (the target only; azure/entrapasswordsource.h).
enum class Auth { Password, Entra };

QString modeName(Mode m);
QString engineName(Engine e);
QString verifyLevelName(VerifyLevel v);
QString authName(Auth a); // "password" or "entra"

struct ConnectionProfile
{
    QString host;
    int port = 5432;
    QString user;
    QString database = QStringLiteral("postgres"); // maintenance database used to connect
    QString sslmode;                               // empty: prefer (verify-full for Azure targets)
    QString sslrootcert;
    QString applicationName = QStringLiteral("pgferry");
    QString passfile;
    QString azureResourceId; // target only: /subscriptions/.../flexibleServers/NAME
    // Target only. Entra: `user` is the Entra principal's name, the password a token fetched for
    // every connection; no password is stored or looked up.
    Auth auth = Auth::Password;

    // Connection parameters, without a password (the secret store adds it).
    pg::ConnInfo connInfo(const QString &database = {}) const;
    static ConnectionProfile fromConnInfo(const pg::ConnInfo &ci);
    bool operator==(const ConnectionProfile &) const = default;
};

struct DatabaseSelection
{
    QString name;              // on the source
    QString targetName;        // empty: the same name
    QStringList includeTables; // patterns schema.table with * and ?; empty: all
    QStringList excludeTables;
    QJsonObject unknownFields; // fields of this entry this version does not know: kept on save

    QString effectiveTarget() const { return targetName.isEmpty() ? name : targetName; }
    // Whether the table schema.name is migrated: it matches an include pattern (or there is none)
    // and no exclude pattern.
    bool selects(const QString &schema, const QString &name) const;
    bool filtered() const { return !includeTables.isEmpty() || !excludeTables.isEmpty(); }
    bool operator==(const DatabaseSelection &) const = default;
};

// A table pattern as an anchored regular expression over "schema.table" that both Qt and
// PostgreSQL read alike. `*` and `?` are wildcards; a `.` outside double quotes separates the
// schema from the table (without one, any schema); inside double quotes everything is literal
// (`""` is a quote), as in `"Sales Dept"."Order Lines"`.
QString tablePatternRegex(const QString &pattern);

struct SchemaOptions
{
    bool overwrite = false; // drop and recreate objects in a non-empty target database
    bool noOwner = false;   // do not restore ownership
    bool noAcl = false;     // do not restore grants
    bool createRoles = true;
    // Online: carry schema changes made on the source while changes stream, in stream order, by an
    // event trigger on the source (needs a superuser source role; without one, changes are only
    // detected and must be resolved before cutover). Off: detect only.
    bool captureDdl = true;
    bool operator==(const SchemaOptions &) const = default;
};

struct CutoverOptions
{
    bool makeSourceReadOnly = true; // default_transaction_read_only on the source database (reversible)
    qint64 maxLagBytesForReady = 16 * 1024 * 1024;
    int drainTimeoutSeconds = 600;
    // Online: after the drain the cutover streams the new server's writes back into the old one
    // (a slot and publication on the target, an origin on the source), so that `fail-back` can
    // return to the old server without losing a write. Off by default.
    bool fallback = false;
    bool operator==(const CutoverOptions &) const = default;
};

struct AdvancedSettings
{
    int jobs = 4;      // parallel table copies
    int indexJobs = 2; // parallel index builds
    // Tables larger than this are split in ranges copied in parallel. A range cannot use COPY FREEZE
    // (only a transaction that truncated the table can), so its rows are later rewritten for hint
    // bits and the visibility map: on the issue-9 data set (a 400 MB table) splitting cost more CPU
    // than its parallelism won back. Worth it for tables that dwarf the rest of the work.
    qint64 splitThresholdBytes = 1024LL * 1024 * 1024;
    bool verify = true;                          // row counts and checksums at the end
    VerifyLevel verifyLevel = VerifyLevel::Full; // with verify: "full" (counts and checksums) or "count"
    SchemaOptions schema;
    CutoverOptions cutover;
    bool operator==(const AdvancedSettings &) const = default;
};

struct AzureContext
{
    QString cloud = QStringLiteral("AzureCloud");
    QString cloudConfigFile;
    QString tenantId;
    QString subscriptionId;
    QString resourceGroup;
    QString serverName;
    QString migrationName;
    // The "azure" engine's runtime server (migrationInstanceResourceId): a flexible server in a network
    // that reaches a private source, for private endpoint scenarios. Empty: the target runs it.
    QString runtimeServer;
    bool operator==(const AzureContext &) const = default;
};

struct Project
{
    static constexpr int CurrentVersion = 1;

    QString id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    QString name;
    ConnectionProfile source;
    ConnectionProfile target;
    Mode mode = Mode::Online;
    Engine engine = Engine::Local;
    QList<DatabaseSelection> databases;
    AdvancedSettings settings;
    AzureContext azure;
    // Fields this version does not know, kept on save. Top-level unknown keys are stored as they are;
    // unknown keys inside a known object (source, target, settings, settings.schema, settings.cutover,
    // azure) are stored under that object's key, e.g. {"source": {"future_option": 1}}.
    QJsonObject unknownFields;

    bool operator==(const Project &) const = default;
};

// The names of what a local online migration makes on the servers (replication slot, publication,
// replication origin, DDL-capture objects): "pgferry_<first 12 of the id, no dashes>_<index of the
// database in the project>". a-z, 0-9 and _ only, so they need no quoting.
QString migrationObjectPrefix(const QString &projectId); // "pgferry_0123456789ab_"
QString migrationObjectName(const QString &projectId, int databaseIndex);

} // namespace pgferry::project
