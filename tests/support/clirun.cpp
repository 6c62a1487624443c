#include "clirun.h"

#include "engine/runfiles.h"
#include "project/projectfile.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

namespace pgferry::test {

QProcessEnvironment CliRunner::environment() const
{
    QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
    e.insert(QStringLiteral("PGFERRY_SOURCE_PASSWORD"), m_pair.source.connInfo().password);
    e.insert(QStringLiteral("PGFERRY_TARGET_PASSWORD"), m_pair.target.connInfo().password);
    e.insert(QStringLiteral("PGFERRY_STATE_DIR"), m_stateBase);
    return e;
}

project::Project CliRunner::writeProject(const QString &dir, const QString &db, project::Mode mode,
                                         QString *file, const QString &targetDb) const
{
    project::Project p;
    p.name = db;
    p.mode = mode;
    p.source = project::ConnectionProfile::fromConnInfo(m_pair.source.connInfo());
    p.target = project::ConnectionProfile::fromConnInfo(m_pair.target.connInfo());
    p.databases << project::DatabaseSelection{
        db, targetDb.isEmpty() ? db + QStringLiteral("_new") : targetDb, {}, {}};
    *file = QDir(dir).filePath(db + QStringLiteral(".pgferry"));
    QString error;
    if (!project::saveProjectFile(p, *file, &error))
        throw std::runtime_error(QStringLiteral("could not save %1: %2").arg(*file, error).toStdString());
    return p;
}

QString CliRunner::stateDirOf(const project::Project &p) const
{
    return QDir(m_stateBase).absolutePath() + QStringLiteral("/runs/") + p.id;
}

int CliRunner::run(const QStringList &args, QString *out, QString *err, int timeoutMs) const
{
    QProcess p;
    p.setProcessEnvironment(environment());
    p.start(QStringLiteral(PGFERRY_CLI_PATH), args);
    p.closeWriteChannel(); // no terminal to ask on
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        return -1;
    }
    const QString o = QString::fromUtf8(p.readAllStandardOutput()),
                  e = QString::fromUtf8(p.readAllStandardError());
    if (out)
        *out = o;
    if (err)
        *err = e;
    qInfo().noquote() << "pgferry-cli" << args.join(u' ') << "->" << p.exitCode() << "\n" << o << e;
    return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
}

std::unique_ptr<QProcess> CliRunner::start(const QStringList &args) const
{
    auto p = std::make_unique<QProcess>();
    p->setProcessEnvironment(environment());
    p->start(QStringLiteral(PGFERRY_CLI_PATH), args);
    if (!p->waitForStarted())
        return nullptr;
    p->closeWriteChannel();
    return p;
}

std::unique_ptr<QProcess> CliRunner::startRunUntil(const QString &file, const QString &stateDir,
                                                   const QString &state) const
{
    auto p = std::make_unique<QProcess>();
    p->setProcessEnvironment(environment());
    p->setStandardOutputFile(QProcess::nullDevice());
    p->start(QStringLiteral(PGFERRY_CLI_PATH), {QStringLiteral("run"), file});
    if (!p->waitForStarted())
        return nullptr;
    if (!waitForState(*p, stateDir, state)) {
        p->kill();
        p->waitForFinished();
        return nullptr;
    }
    return p;
}

bool CliRunner::waitForState(QProcess &run, const QString &stateDir, const QString &state, int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired() && run.state() == QProcess::Running) {
        const QJsonObject s = engine::RunFiles::readStatus(stateDir);
        if (s.value(u"state").toString() == state &&
            (state != u"streaming" || s.value(u"ready_for_cutover").toBool()))
            return true;
        QTest::qWait(200);
    }
    qWarning().noquote() << "the run did not reach" << state
                         << "; status:" << QJsonDocument(engine::RunFiles::readStatus(stateDir)).toJson()
                         << "stderr:" << run.readAllStandardError();
    return false;
}

} // namespace pgferry::test
