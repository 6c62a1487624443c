#include "engine/runfiles.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSaveFile>
#include <QSysInfo>

#include <csignal>
#include <sys/types.h>

namespace pgferry::engine {

namespace {

bool writePrivateFile(const QString &path, const QByteArray &content, QString *error)
{
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly)) {
        if (error)
            *error = QStringLiteral("cannot write %1: %2").arg(path, f.errorString());
        return false;
    }
    f.setPermissions(QFile::ReadOwner | QFile::WriteOwner);
    if (f.write(content) != content.size() || !f.commit()) {
        if (error)
            *error = QStringLiteral("cannot write %1: %2").arg(path, f.errorString());
        return false;
    }
    return true;
}

} // namespace

void RunFiles::writeStatus(const QString &stateDir, const MigrationStatus &status)
{
    if (stateDir.isEmpty())
        return;
    writePrivateFile(statusFile(stateDir), QJsonDocument(status.toJson()).toJson(QJsonDocument::Compact),
                     nullptr);
}

QJsonObject RunFiles::readStatus(const QString &stateDir)
{
    QFile f(statusFile(stateDir));
    if (stateDir.isEmpty() || !f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

namespace {

// When the process started, in clock ticks since boot (/proc/PID/stat, field 22): with the pid it
// names one process, whatever pids are recycled. Empty when it cannot be read.
QByteArray processStartTime(qint64 pid)
{
    QFile f(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    const QByteArray stat = f.readAll();
    const qsizetype close = stat.lastIndexOf(')'); // the command name may hold spaces and brackets
    if (close < 0)
        return {};
    const QList<QByteArray> fields = stat.mid(close + 2).split(' '); // from field 3 (state) on
    return fields.size() > 19 ? fields[19] : QByteArray();
}

QByteArray lockContent()
{
    const qint64 pid = QCoreApplication::applicationPid();
    QByteArray content = QByteArray::number(pid) + '\n' + QSysInfo::machineHostName().toUtf8() + '\n';
    if (const QByteArray start = processStartTime(pid); !start.isEmpty())
        content += "started " + start + '\n';
    return content;
}

} // namespace

bool RunFiles::writeLock(const QString &stateDir, QString *error)
{
    QFile f(lockFile(stateDir));
    const QByteArray content = lockContent();
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(content) != content.size() ||
        !f.flush()) {
        if (error)
            *error =
                QStringLiteral("cannot write the run's lock file %1: %2").arg(f.fileName(), f.errorString());
        return false;
    }
    return true;
}

bool RunFiles::claimLock(const QString &stateDir, LiveRun *holder, QString *error)
{
    // Created only if absent, so of two runs started at once one gets it; a lock whose run is gone
    // is removed and the claim tried again.
    for (int attempt = 0; attempt < 3; ++attempt) {
        QFile f(lockFile(stateDir));
        if (f.open(QIODevice::WriteOnly | QIODevice::NewOnly)) {
            f.setPermissions(QFile::ReadOwner | QFile::WriteOwner);
            const QByteArray content = lockContent();
            if (f.write(content) == content.size() && f.flush())
                return true;
            if (error)
                *error = QStringLiteral("cannot write the run's lock file %1: %2")
                             .arg(f.fileName(), f.errorString());
            f.close();
            f.remove();
            return false;
        }
        if (!f.exists()) {
            if (error)
                *error = QStringLiteral("cannot write the run's lock file %1: %2")
                             .arg(f.fileName(), f.errorString());
            return false;
        }
        const LiveRun live = liveRun(stateDir);
        if (live.pid != 0) { // this process's own too: one run of a project at a time, window or not
            if (holder)
                *holder = live;
            if (error)
                *error = QStringLiteral(
                             "a run of this project is already in progress (pid %1 on %2); use `pgferry-cli "
                             "status` or `pgferry-cli cutover` to talk to it, or open the project in the "
                             "wizard to follow it")
                             .arg(live.pid)
                             .arg(live.host);
            return false;
        }
        QFile::remove(lockFile(stateDir));
    }
    if (error)
        *error = QStringLiteral("could not take the run's lock file %1: other processes keep writing it")
                     .arg(lockFile(stateDir));
    return false;
}

void RunFiles::releaseLock(const QString &stateDir)
{
    // Only this process's own lock: a lock another run took meanwhile stays.
    const LiveRun live = liveRun(stateDir);
    if (live.pid == 0 || (live.thisHost && live.pid == QCoreApplication::applicationPid()))
        QFile::remove(lockFile(stateDir));
}

RunFiles::LiveRun RunFiles::liveRun(const QString &stateDir)
{
    if (stateDir.isEmpty())
        return {};
    QFile f(lockFile(stateDir));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    const QList<QByteArray> lines = f.readAll().split('\n');
    LiveRun run;
    run.pid = lines.value(0).trimmed().toLongLong();
    run.host = QString::fromUtf8(lines.value(1).trimmed());
    const QString here = QSysInfo::machineHostName();
    run.thisHost = run.host.isEmpty() || run.host == here;
    if (run.host.isEmpty())
        run.host = here;
    if (run.pid <= 0)
        return {};
    if (!run.thisHost) {
        const QDateTime written = QFileInfo(statusFile(stateDir)).lastModified();
        return written.isValid() && written.secsTo(QDateTime::currentDateTime()) < 60 ? run : LiveRun{};
    }
    if (::kill(pid_t(run.pid), 0) != 0)
        return {};
    // A lock that names the process's start time says for sure whether this pid is that run.
    const QByteArray started = lines.value(2).trimmed();
    if (started.startsWith("started ")) {
        const QByteArray now = processStartTime(run.pid);
        if (!now.isEmpty())
            return now == started.mid(8) ? run : LiveRun{};
    }
    // Make sure it is a pgferry process and not a recycled pid. Under load a read of cmdline
    // comes back empty now and then: that says nothing either way.
    QFile cmd(QStringLiteral("/proc/%1/cmdline").arg(run.pid));
    if (cmd.open(QIODevice::ReadOnly)) {
        const QByteArray line = cmd.readAll();
        if (!line.isEmpty() && !line.contains("pgferry"))
            return {};
    }
    return run;
}

bool RunFiles::writeRequest(const QString &requestFile, const QString &responseFile,
                            const QJsonObject &request, QString *error)
{
    QFile::remove(responseFile);
    return writePrivateFile(requestFile, QJsonDocument(request).toJson(QJsonDocument::Compact), error);
}

QJsonObject RunFiles::readResponse(const QString &responseFile)
{
    QFile f(responseFile);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

std::optional<QJsonObject> RunFiles::takeRequest(const QString &requestFile)
{
    QFile f(requestFile);
    if (!f.open(QIODevice::ReadOnly))
        return std::nullopt;
    const QJsonObject o = QJsonDocument::fromJson(f.readAll()).object(); // an empty file: {}
    f.close();
    f.remove();
    return o;
}

void RunFiles::writeResponse(const QString &responseFile, bool accepted, const QString &reason)
{
    writePrivateFile(
        responseFile,
        QJsonDocument(QJsonObject{{QStringLiteral("accepted"), accepted}, {QStringLiteral("reason"), reason}})
            .toJson(QJsonDocument::Compact),
        nullptr);
}

QJsonObject RunFiles::cutoverRequest(const QString &database, std::optional<bool> fallback)
{
    QJsonObject o;
    if (!database.isEmpty())
        o.insert(QStringLiteral("database"), database);
    if (fallback)
        o.insert(QStringLiteral("fallback"), *fallback);
    return o;
}

QJsonObject RunFiles::tableRequest(const QString &database, const QString &table)
{
    return QJsonObject{{QStringLiteral("database"), database}, {QStringLiteral("table"), table}};
}

QJsonObject RunFiles::fallbackRequest(bool failBack, const QString &database)
{
    return QJsonObject{
        {QStringLiteral("action"), failBack ? QStringLiteral("fail-back") : QStringLiteral("end")},
        {QStringLiteral("database"), database}};
}

} // namespace pgferry::engine
