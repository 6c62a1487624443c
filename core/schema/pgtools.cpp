#include "schema/pgtools.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QThread>
#include <csignal>
#ifdef Q_OS_LINUX
#include <sys/prctl.h>
#endif

namespace pgferry::schema {

int toolMajorVersion(const QString &binary)
{
    QProcess p;
    p.start(binary, {QStringLiteral("--version")});
    if (!p.waitForFinished(10000))
        return 0;
    static const QRegularExpression re(QStringLiteral("\\(PostgreSQL\\) (\\d+)(?:\\.(\\d+))?"));
    const auto m = re.match(QString::fromUtf8(p.readAllStandardOutput()));
    if (!m.hasMatch())
        return 0;
    const int major = m.captured(1).toInt();
    return major >= 10 ? major : major * 100 + m.captured(2).toInt(); // 9.6 -> 906
}

PgTools PgTools::find(int minMajor)
{
    QStringList candidates;
    const QString env = qEnvironmentVariable("PGFERRY_PG_BINDIR");
    if (!env.isEmpty())
        candidates << env;
    QDir root(QStringLiteral("/usr/lib/postgresql"));
    for (const QString &v : root.entryList(QDir::Dirs | QDir::NoDotAndDotDot))
        candidates << root.filePath(v + QStringLiteral("/bin"));
    const QString onPath = QStandardPaths::findExecutable(QStringLiteral("pg_dump"));
    if (!onPath.isEmpty())
        candidates << QFileInfo(onPath).canonicalPath();

    PgTools best;
    for (const QString &dir : candidates) {
        const QString dump = dir + QStringLiteral("/pg_dump");
        if (!QFileInfo(dump).isExecutable() || !QFileInfo(dir + QStringLiteral("/pg_restore")).isExecutable())
            continue;
        const int major = toolMajorVersion(dump);
        if (major >= minMajor && major > best.m_major) {
            best.m_binDir = dir;
            best.m_major = major;
        }
    }
    return best;
}

QString PgTools::missingMessage(int minMajor)
{
    const QString v = minMajor >= 10 ? QString::number(minMajor)
                                     : QStringLiteral("%1.%2").arg(minMajor / 100).arg(minMajor % 100);
    return QStringLiteral("no pg_dump/pg_restore of version %1 or newer is installed; install the PostgreSQL %1 "
                          "client (e.g. apt-get install postgresql-client-%1) or set PGFERRY_PG_BINDIR")
        .arg(v);
}

ToolResult PgTools::run(const QString &tool, const QStringList &args, const pg::ConnInfo &conn,
                        const std::atomic_bool *cancel, int timeoutSeconds) const
{
    ToolResult r;
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    // Connection settings from the environment only: no password on any command line.
    for (const char *k : {"PGHOST", "PGPORT", "PGUSER", "PGDATABASE", "PGPASSWORD", "PGSSLMODE", "PGSSLROOTCERT",
                          "PGAPPNAME", "PGPASSFILE", "PGCONNECT_TIMEOUT", "PGSERVICE", "PGOPTIONS"})
        env.remove(QString::fromLatin1(k));
    const auto vars = conn.childEnvironment();
    for (auto it = vars.cbegin(); it != vars.cend(); ++it)
        env.insert(it.key(), it.value());
    p.setProcessEnvironment(env);
    p.setProcessChannelMode(QProcess::MergedChannels);
#ifdef Q_OS_LINUX
    // A pg_restore that outlives a killed pgferry would keep changing the target while the next
    // run resumes: the child dies with the thread that started it.
    p.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
#endif
    p.start(m_binDir + u'/' + tool, args);
    if (!p.waitForStarted(10000)) {
        r.output = QStringLiteral("cannot start %1: %2").arg(tool, p.errorString());
        return r;
    }
    p.closeWriteChannel();
    QElapsedTimer t;
    t.start();
    while (!p.waitForFinished(200)) {
        if ((cancel && cancel->load()) || t.elapsed() > qint64(timeoutSeconds) * 1000) {
            p.terminate();
            if (!p.waitForFinished(5000))
                p.kill();
            p.waitForFinished(5000);
            r.output = QString::fromUtf8(p.readAll()) +
                       (cancel && cancel->load() ? QStringLiteral("\n(cancelled)") : QStringLiteral("\n(timed out)"));
            return r;
        }
    }
    r.output = QString::fromUtf8(p.readAll());
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    return r;
}

} // namespace pgferry::schema
