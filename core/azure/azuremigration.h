// A Microsoft.DBforPostgreSQL/flexibleServers/migrations resource as Azure reports it (2025-08-01):
// state, substate, per-database counters and validation results, parsed leniently from JSON.
#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace pgferry::azure {

struct DatabaseMigrationState
{
    QString databaseName;
    QString
        migrationState; // InProgress | WaitingForCutoverTrigger | Failed | Canceled | Succeeded | Canceling
    QString migrationOperation;
    QString startedOn, endedOn;
    qint64 fullLoadQueuedTables = 0, fullLoadErroredTables = 0, fullLoadLoadingTables = 0,
           fullLoadCompletedTables = 0;
    qint64 cdcUpdateCounter = 0, cdcDeleteCounter = 0, cdcInsertCounter = 0;
    qint64 appliedChanges = 0, incomingChanges = 0;
    double latency = 0; // seconds
    QString message;
};

// One failed or warning validation item, with what to do about it.
struct ValidationIssue
{
    QString database; // empty: server level
    QString type;     // e.g. ExtensionsValidation
    QString state;    // Failed | Warning
    QString message;
    QString remedy;
    QString toString() const;
};

struct AzureMigration
{
    QString id, name, migrationId;
    QString state; // InProgress | WaitingForUserAction | Canceled | Failed | Succeeded | ValidationFailed |
                   // CleaningUp
    QString subState; // e.g. MigratingData, WaitingForCutoverTrigger
    QString error;
    QString migrationMode, migrationOption;
    QStringList dbsToMigrate;
    QString triggerCutover;
    QList<DatabaseMigrationState> databases;
    QString validationStatus; // Succeeded | Failed | Warning
    QList<ValidationIssue> validationIssues;

    bool isTerminal() const;
    static AzureMigration fromJson(const QJsonObject &o);
    // What to do about a failed validation of this type (ExtensionsValidation, ...).
    static QString remedyFor(const QString &validationType);
    // What the user must do in a WaitingFor... substate, or empty.
    static QString actionFor(const QString &subState);
};

} // namespace pgferry::azure
