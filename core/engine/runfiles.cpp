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

bool RunFiles::writeLock(const QString &stateDir, QString *error)
{
    QFile f(lockFile(stateDir));
    const QByteArray content = QByteArray::number(QCoreApplication::applicationPid()) + '\n' +
                               QSysInfo::machineHostName().toUtf8() + '\n';
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(content) != content.size() ||
        !f.flush()) {
        if (error)
            *error =
                QStringLiteral("cannot write the run's lock file %1: %2").arg(f.fileName(), f.errorString());
        return false;
    }
    return true;
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
