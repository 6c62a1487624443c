// The final backup of a source database (`pgferry-cli backup-source`), the last step of Azure's
// migration guide: "back up the on-premises database for retention". A pg_dump custom-format
// archive (-Fc) of each source database, by the client tools of at least its major, whose size
// and SHA-256 go into the run's report so that the archive kept years later can be checked.
#pragma once

#include "pg/conninfo.h"

#include <QJsonObject>
#include <QString>
#include <atomic>
#include <functional>

namespace pgferry::engine {

struct BackupResult
{
    bool ok = false;
    QString database;
    QString path; // the archive
    qint64 bytes = 0;
    QString sha256; // hex
    QString pgDump; // the pg_dump's major ("15")
    double seconds = 0;
    QString error; // what went wrong, what to do
    QJsonObject toJson() const;
};

// Writes DIR/<database>.dump (refusing to overwrite one). `progress` is called now and then with
// the bytes written so far. Never throws.
BackupResult backupDatabase(const pg::ConnInfo &source, const QString &database, const QString &dir,
                            const std::function<void(qint64)> &progress = {},
                            const std::atomic_bool *stop = nullptr);

// Adds the result under databases.<database>.final_backup of the run's report.json in stateDir.
bool recordBackup(const QString &stateDir, const BackupResult &r, QString *error = nullptr);

} // namespace pgferry::engine
