#include "engine/backup.h"

#include "pg/connection.h"
#include "pg/version.h"
#include "schema/pgtools.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSaveFile>
#include <future>
#include <thread>

namespace pgferry::engine {

using namespace std::chrono_literals;

QJsonObject BackupResult::toJson() const
{
    QJsonObject o{{QStringLiteral("path"), path},
                  {QStringLiteral("bytes"), double(bytes)},
                  {QStringLiteral("sha256"), sha256},
                  {QStringLiteral("pg_dump"), pgDump},
                  {QStringLiteral("seconds"), seconds},
                  {QStringLiteral("at"), QDateTime::currentDateTimeUtc().toString(Qt::ISODate)}};
    if (!error.isEmpty())
        o.insert(QStringLiteral("error"), error);
    return o;
}

BackupResult backupDatabase(const pg::ConnInfo &source, const QString &database, const QString &dir,
                            const std::function<void(qint64)> &progress, const std::atomic_bool *stop)
{
    BackupResult r;
    r.database = database;
    QElapsedTimer clock;
    clock.start();
    // A file name from a database name: no path separators, nothing hidden.
    QString base = database;
    for (QChar &ch : base)
        if (ch == u'/' || ch == u'\\' || ch.unicode() < 32)
            ch = u'_';
    if (base.startsWith(u'.'))
        base.prepend(u'_');
    if (!QDir().mkpath(dir)) {
        r.error = QStringLiteral("cannot create the folder %1").arg(dir);
        return r;
    }
    r.path = QDir(dir).absoluteFilePath(base + QStringLiteral(".dump"));
    if (QFileInfo::exists(r.path)) {
        r.error =
            QStringLiteral(
                "%1 exists already: pgferry does not overwrite a backup. Choose another folder, or move "
                "the old archive away")
                .arg(r.path);
        return r;
    }
    int major = 0;
    try {
        pg::Connection c = pg::Connection::open(source.withDatabase(database), {.timeout = 15s});
        major = pg::majorKey(c.serverVersion());
    } catch (const pg::Exception &ex) {
        r.error =
            QStringLiteral("cannot connect to source database %1: %2").arg(database, ex.error().toString());
        return r;
    }
    const schema::PgTools tools = schema::PgTools::find(major);
    if (!tools.isValid()) {
        r.error = schema::PgTools::missingMessage(major);
        return r;
    }
    r.pgDump = tools.majorName();
    // Written under a temporary name, renamed once complete: a half archive never looks like one.
    const QString partial = r.path + QStringLiteral(".partial");
    QFile::remove(partial);
    auto dump = std::async(std::launch::async, [&] {
        return tools.run(
            QStringLiteral("pg_dump"),
            {QStringLiteral("-Fc"), QStringLiteral("--no-password"), QStringLiteral("-f"), partial},
            source.withDatabase(database), stop);
    });
    while (dump.wait_for(500ms) != std::future_status::ready)
        if (progress)
            progress(QFileInfo(partial).size());
    const schema::ToolResult res = dump.get();
    if (!res.ok()) {
        QFile::remove(partial);
        r.error = QStringLiteral("pg_dump %1 of database %2 failed (exit %3): %4")
                      .arg(tools.majorName(), database)
                      .arg(res.exitCode)
                      .arg(res.output.trimmed().left(2000));
        return r;
    }
    QFile f(partial);
    if (!f.open(QIODevice::ReadOnly)) {
        r.error = QStringLiteral("cannot read back %1: %2").arg(partial, f.errorString());
        return r;
    }
    QCryptographicHash hash(QCryptographicHash::Sha256);
    if (!hash.addData(&f)) {
        r.error = QStringLiteral("cannot read back %1: %2").arg(partial, f.errorString());
        return r;
    }
    r.bytes = f.size();
    f.close();
    r.sha256 = QString::fromLatin1(hash.result().toHex());
    if (!QFile::rename(partial, r.path)) {
        r.error = QStringLiteral("cannot rename %1 to %2").arg(partial, r.path);
        return r;
    }
    QFile::setPermissions(r.path, QFile::ReadOwner | QFile::WriteOwner);
    if (progress)
        progress(r.bytes);
    r.seconds = clock.elapsed() / 1000.0;
    r.ok = true;
    return r;
}

bool recordBackup(const QString &stateDir, const BackupResult &r, QString *error)
{
    const QString path = stateDir + QStringLiteral("/report.json");
    QFile in(path);
    QJsonObject rep =
        in.open(QIODevice::ReadOnly) ? QJsonDocument::fromJson(in.readAll()).object() : QJsonObject();
    in.close();
    QJsonObject dbs = rep.value(u"databases").toObject();
    QJsonObject mine = dbs.value(r.database).toObject();
    mine.insert(QStringLiteral("final_backup"), r.toJson());
    dbs.insert(r.database, mine);
    rep.insert(QStringLiteral("databases"), dbs);
    QSaveFile out(path);
    if (!out.open(QIODevice::WriteOnly) || out.write(QJsonDocument(rep).toJson()) < 0 || !out.commit()) {
        if (error)
            *error = QStringLiteral("cannot write %1: %2").arg(path, out.errorString());
        return false;
    }
    return true;
}

} // namespace pgferry::engine
