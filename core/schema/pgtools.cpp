#include "schema/pgtools.h"

#include "pg/version.h"

#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QHash>
#include <QMutex>
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
    // Asked once per binary and modification time: every run looks its tools up more than once.
    static QMutex mutex;
    static QHash<QString, std::pair<QDateTime, int>> known;
    const QFileInfo fi(binary);
    const QString key = fi.canonicalFilePath();
    {
        QMutexLocker l(&mutex);
        const auto it = known.constFind(key);
        if (it != known.cend() && it->first == fi.lastModified())
            return it->second;
    }
    QProcess p;
    p.start(binary, {QStringLiteral("--version")});
    if (!p.waitForFinished(10000))
        return 0;
    static const QRegularExpression re(QStringLiteral("\\(PostgreSQL\\) (\\d+)(?:\\.(\\d+))?"));
    const auto m = re.match(QString::fromUtf8(p.readAllStandardOutput()));
    if (!m.hasMatch())
        return 0;
    const int major = m.captured(1).toInt();
    const int result =
        major >= 10 ? major * 100 : major * 100 + m.captured(2).toInt(); // 9.6 -> 906, 15 -> 1500
    QMutexLocker l(&mutex);
    known.insert(key, {fi.lastModified(), result});
    return result;
}

namespace {

QStringList toolCandidates()
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
    return candidates;
}

// The newest pg_dump + pg_restore pair among the candidates, whatever its major.
PgTools newestTools(int minMajor, PgTools *newestAny)
{
    PgTools best;
    for (const QString &dir : toolCandidates()) {
        const QString dump = dir + QStringLiteral("/pg_dump");
        if (!QFileInfo(dump).isExecutable() || !QFileInfo(dir + QStringLiteral("/pg_restore")).isExecutable())
            continue;
        const int major = toolMajorVersion(dump);
        if (newestAny && major > newestAny->major())
            *newestAny = PgTools::at(dir, major);
        if (major >= minMajor && major > best.major())
            best = PgTools::at(dir, major);
    }
    return best;
}

} // namespace

PgTools PgTools::at(const QString &binDir, int major)
{
    PgTools t;
    t.m_binDir = binDir;
    t.m_major = major;
    return t;
}

PgTools PgTools::find(int minMajor)
{
    return newestTools(minMajor, nullptr);
}

QString PgTools::missingMessage(int minMajor)
{
    PgTools newest;
    newestTools(minMajor, &newest);
    const QString v = pg::majorKeyName(minMajor);
    const QString have =
        newest.isValid()
            ? QStringLiteral("the newest installed is %1 (%2)").arg(newest.majorName(), newest.binDir())
            : QStringLiteral("none is installed");
    return QStringLiteral(
               "the source runs PostgreSQL %1, which only pg_dump and pg_restore of version %1 or newer "
               "can read, and %2: install the PostgreSQL %1 client (e.g. apt-get install "
               "postgresql-client-%1, from the PostgreSQL apt repository where the distribution lacks it) "
               "or set PGFERRY_PG_BINDIR to the folder that holds them")
        .arg(v, have);
}

ToolResult PgTools::run(const QString &tool, const QStringList &args, const pg::ConnInfo &conn,
                        const std::atomic_bool *cancel, int timeoutSeconds) const
{
    ToolResult r;
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    // Connection settings from the environment only: no password on any command line.
    for (const char *k :
         {"PGHOST", "PGPORT", "PGUSER", "PGDATABASE", "PGPASSWORD", "PGSSLMODE", "PGSSLROOTCERT", "PGAPPNAME",
          "PGPASSFILE", "PGCONNECT_TIMEOUT", "PGSERVICE", "PGOPTIONS"})
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
            r.output =
                QString::fromUtf8(p.readAll()) + (cancel && cancel->load() ? QStringLiteral("\n(cancelled)")
                                                                           : QStringLiteral("\n(timed out)"));
            return r;
        }
    }
    r.output = QString::fromUtf8(p.readAll());
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    return r;
}

} // namespace pgferry::schema
