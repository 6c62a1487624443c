#include "sandbox/localcluster.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTcpServer>
#include <QThread>
#include <QVersionNumber>
#include <csignal>
#include <pwd.h>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace pgferry::sandbox {

namespace {

[[noreturn]] void fail(const QString &message)
{
    throw std::runtime_error(message.toStdString());
}

QString randomPassword()
{
    static const char alphabet[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    QString s;
    for (int i = 0; i < 24; ++i)
        s += QChar::fromLatin1(alphabet[QRandomGenerator::system()->bounded(int(sizeof alphabet - 1))]);
    return s;
}

bool chownTree(const QString &path, uid_t uid, gid_t gid)
{
    if (::chown(QFile::encodeName(path).constData(), uid, gid) != 0)
        return false;
    QDir d(path);
    for (const QFileInfo &fi :
         d.entryInfoList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System)) {
        if (fi.isDir() && !fi.isSymLink()) {
            if (!chownTree(fi.filePath(), uid, gid))
                return false;
        } else if (::lchown(QFile::encodeName(fi.filePath()).constData(), uid, gid) != 0) {
            return false;
        }
    }
    return true;
}

} // namespace

int freeLoopbackPort()
{
    QTcpServer s;
    if (!s.listen(QHostAddress::LocalHost, 0))
        fail(QStringLiteral("cannot find a free port on 127.0.0.1: %1").arg(s.errorString()));
    const int port = s.serverPort();
    s.close();
    return port;
}

bool LocalCluster::runningAsRoot()
{
    return ::geteuid() == 0;
}

QString LocalCluster::binDir()
{
    const QString env = qEnvironmentVariable("PGFERRY_PG_BINDIR");
    if (!env.isEmpty())
        return env;
    QDir root(QStringLiteral("/usr/lib/postgresql"));
    QVersionNumber best;
    QString bestDir;
    for (const QString &v : root.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        const QVersionNumber n = QVersionNumber::fromString(v);
        if (QFileInfo::exists(root.filePath(v + QStringLiteral("/bin/initdb"))) && n > best) {
            best = n;
            bestDir = root.filePath(v + QStringLiteral("/bin"));
        }
    }
    return bestDir;
}

QString LocalCluster::serverBinDir() const
{
    return m_options.binDir.isEmpty() ? binDir() : m_options.binDir;
}

QString LocalCluster::toolPath(const QString &tool) const
{
    if (tool.contains(u'/'))
        return tool;
    // psql comes from the default installation (Debian's 15): it talks to every server major, has
    // \if (9.6's has not), and builds without client tools (the npm registry's) need it anyway.
    if (tool == u"psql" && !binDir().isEmpty() &&
        QFileInfo(binDir() + QStringLiteral("/psql")).isExecutable())
        return binDir() + QStringLiteral("/psql");
    return serverBinDir() + u'/' + tool;
}

int LocalCluster::serverVersion() const
{
    if (m_serverVersion > 0)
        return m_serverVersion;
    QProcess p;
    p.start(serverBinDir() + QStringLiteral("/postgres"), {QStringLiteral("--version")});
    if (!p.waitForFinished(10000))
        fail(QStringLiteral("cannot run %1/postgres --version").arg(serverBinDir()));
    static const QRegularExpression re(QStringLiteral("\\(PostgreSQL\\) (\\d+)\\.(\\d+)(?:\\.(\\d+))?"));
    const auto m = re.match(QString::fromUtf8(p.readAllStandardOutput()));
    if (!m.hasMatch())
        fail(QStringLiteral("cannot read the version of %1/postgres").arg(serverBinDir()));
    const int a = m.captured(1).toInt(), b = m.captured(2).toInt(), c = m.captured(3).toInt();
    m_serverVersion = a >= 10 ? a * 10000 + b : a * 10000 + b * 100 + c;
    return m_serverVersion;
}

LocalCluster::LocalCluster(QString dir, ClusterOptions options)
    : m_dir(QDir(dir).absolutePath()), m_options(std::move(options))
{
    if (auto saved = loadSettings(m_dir)) {
        m_options.port = saved->port;
        m_options.superuser = saved->superuser;
        m_options.password = saved->password;
        if (!saved->binDir.isEmpty())
            m_options.binDir = saved->binDir;
    }
    if (m_options.password.isEmpty())
        m_options.password = randomPassword();
}

LocalCluster::~LocalCluster()
{
    if (!m_keepRunning) {
        try {
            if (isRunning())
                stop(true);
        } catch (...) {
        }
    }
}

QString LocalCluster::dataDir() const
{
    return m_dir + QStringLiteral("/data");
}
QString LocalCluster::logFile() const
{
    return m_dir + QStringLiteral("/server.log");
}
bool LocalCluster::isInitialised() const
{
    return QFileInfo::exists(dataDir() + QStringLiteral("/PG_VERSION"));
}

std::optional<ClusterOptions> LocalCluster::loadSettings(const QString &dir)
{
    QFile f(QDir(dir).absolutePath() + QStringLiteral("/cluster.json"));
    if (!f.open(QIODevice::ReadOnly))
        return std::nullopt;
    const QJsonObject o = QJsonDocument::fromJson(f.readAll()).object();
    if (o.isEmpty())
        return std::nullopt;
    ClusterOptions c;
    c.port = o.value(u"port").toInt();
    c.superuser = o.value(u"superuser").toString(QStringLiteral("postgres"));
    c.password = o.value(u"password").toString();
    c.binDir = o.value(u"bin_dir").toString();
    return c;
}

void LocalCluster::saveSettings() const
{
    // The password of a throw-away local cluster, readable by its owner only.
    QFile f(m_dir + QStringLiteral("/cluster.json"));
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        fail(QStringLiteral("cannot write %1: %2").arg(f.fileName(), f.errorString()));
    f.setPermissions(QFile::ReadOwner | QFile::WriteOwner);
    QJsonObject o{{QStringLiteral("port"), m_options.port},
                  {QStringLiteral("superuser"), m_options.superuser},
                  {QStringLiteral("password"), m_options.password}};
    f.write(QJsonDocument(o).toJson());
}

int LocalCluster::runTool(const QString &tool, const QStringList &args, QString *output, int timeoutMs,
                          const QMap<QString, QString> &env, const QByteArray &stdinData) const
{
    QProcess p;
    QString program = toolPath(tool);
    QStringList fullArgs = args;
    if (runningAsRoot()) {
        fullArgs.prepend(program);
        fullArgs.prepend(QStringLiteral("--"));
        fullArgs.prepend(QStringLiteral("postgres"));
        fullArgs.prepend(QStringLiteral("-u"));
        program = QStringLiteral("/usr/sbin/runuser");
        if (!QFileInfo::exists(program))
            program = QStringLiteral("/sbin/runuser");
    }
    QProcessEnvironment pe = QProcessEnvironment::systemEnvironment();
    pe.insert(QStringLiteral("LC_ALL"), QStringLiteral("C.UTF-8"));
    for (auto it = env.cbegin(); it != env.cend(); ++it)
        pe.insert(it.key(), it.value());
    p.setProcessEnvironment(pe);
    p.setWorkingDirectory(m_dir);
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(program, fullArgs);
    if (!p.waitForStarted(10000))
        fail(QStringLiteral("cannot start %1: %2").arg(program, p.errorString()));
    if (!stdinData.isEmpty())
        p.write(stdinData);
    p.closeWriteChannel();
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished(2000);
        fail(QStringLiteral("%1 did not finish within %2 s").arg(tool).arg(timeoutMs / 1000));
    }
    if (output)
        *output = QString::fromUtf8(p.readAll());
    return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
}

void LocalCluster::init()
{
    if (serverBinDir().isEmpty())
        fail(QStringLiteral(
            "no PostgreSQL server binaries found under /usr/lib/postgresql: run scripts/install-deps"));
    if (!QDir().mkpath(m_dir))
        fail(QStringLiteral("cannot create the cluster folder %1").arg(m_dir));
    if (isInitialised())
        fail(QStringLiteral("%1 already holds a cluster").arg(dataDir()));
    if (runningAsRoot()) {
        const passwd *pw = ::getpwnam("postgres");
        if (!pw)
            fail(QStringLiteral("running as root, but there is no 'postgres' user to run the server as"));
        if (!chownTree(m_dir, pw->pw_uid, pw->pw_gid))
            fail(QStringLiteral("cannot hand %1 to the postgres user").arg(m_dir));
        // Every parent must be traversable by that user.
        QString out;
        if (runTool(QStringLiteral("/usr/bin/test"), {QStringLiteral("-w"), m_dir}, &out, 10000) != 0)
            fail(QStringLiteral("the postgres user cannot write to %1 (a parent folder is private?): choose "
                                "another folder, e.g. under /tmp")
                     .arg(m_dir));
    }
    if (m_options.port == 0)
        m_options.port = freeLoopbackPort();

    const QString pwfile = m_dir + QStringLiteral("/.pwfile");
    {
        QFile f(pwfile);
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
            fail(QStringLiteral("cannot write %1").arg(pwfile));
        f.setPermissions(QFile::ReadOwner | QFile::WriteOwner);
        f.write(m_options.password.toUtf8() + '\n');
    }
    if (runningAsRoot()) {
        const passwd *pw = ::getpwnam("postgres");
        ::chown(QFile::encodeName(pwfile).constData(), pw->pw_uid, pw->pw_gid);
    }
    QString out;
    // SCRAM from 10 on; 9.6 knows md5 only. -N (no fsync during initdb) is spelled alike in both.
    const QString hostAuth =
        serverVersion() >= 100000 ? QStringLiteral("scram-sha-256") : QStringLiteral("md5");
    const int rc = runTool(QStringLiteral("initdb"),
                           {QStringLiteral("-D"), dataDir(), QStringLiteral("-U"), m_options.superuser,
                            QStringLiteral("--pwfile=") + pwfile, QStringLiteral("--auth-local=trust"),
                            QStringLiteral("--auth-host=") + hostAuth, QStringLiteral("-E"),
                            QStringLiteral("UTF8"), QStringLiteral("--locale=C.UTF-8"), QStringLiteral("-N")},
                           &out, 180000);
    QFile::remove(pwfile);
    if (rc != 0)
        fail(QStringLiteral("initdb failed in %1: %2").arg(dataDir(), out.trimmed()));

    QStringList conf{
        QStringLiteral("port = %1").arg(m_options.port),
        QStringLiteral("listen_addresses = '127.0.0.1'"),
        QStringLiteral("unix_socket_directories = '%1'").arg(m_dir),
        QStringLiteral("max_connections = 100"),
        QStringLiteral("shared_buffers = 128MB"),
        QStringLiteral("logging_collector = off"),
        QStringLiteral("log_min_messages = warning"),
    };
    if (m_options.logical) {
        conf << QStringLiteral("wal_level = logical") << QStringLiteral("max_replication_slots = 20")
             << QStringLiteral("max_wal_senders = 20");
    }
    if (m_options.fastUnsafe)
        conf << QStringLiteral("fsync = off") << QStringLiteral("full_page_writes = off");
    conf << m_options.extraConfig;
    QFile pc(dataDir() + QStringLiteral("/postgresql.conf"));
    if (!pc.open(QIODevice::Append))
        fail(QStringLiteral("cannot write %1").arg(pc.fileName()));
    pc.write("\n# pgferry cluster settings\n" + conf.join(u'\n').toUtf8() + '\n');
    pc.close();

    writeHba({QStringLiteral("local all all trust"), QStringLiteral("local replication all trust"),
              QStringLiteral("host all all 127.0.0.1/32 ") + hostAuth,
              QStringLiteral("host replication all 127.0.0.1/32 ") + hostAuth});
    saveSettings();
}

void LocalCluster::writeHba(const QStringList &lines)
{
    // Written through the server user when root, so ownership stays right.
    const QByteArray content = lines.join(u'\n').toUtf8() + '\n';
    QFile f(dataDir() + QStringLiteral("/pg_hba.conf"));
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        fail(QStringLiteral("cannot write %1").arg(f.fileName()));
    f.write(content);
    f.close();
    if (runningAsRoot()) {
        const passwd *pw = ::getpwnam("postgres");
        ::chown(QFile::encodeName(f.fileName()).constData(), pw->pw_uid, pw->pw_gid);
    }
    if (isRunning())
        runTool(QStringLiteral("pg_ctl"), {QStringLiteral("-D"), dataDir(), QStringLiteral("reload")});
}

void LocalCluster::configure(const QStringList &lines, bool restartServer)
{
    QFile pc(dataDir() + QStringLiteral("/postgresql.auto.conf"));
    if (!pc.open(QIODevice::Append))
        fail(QStringLiteral("cannot write %1").arg(pc.fileName()));
    pc.write(lines.join(u'\n').toUtf8() + '\n');
    pc.close();
    if (restartServer && isRunning())
        restart();
    else if (isRunning())
        runTool(QStringLiteral("pg_ctl"), {QStringLiteral("-D"), dataDir(), QStringLiteral("reload")});
}

bool LocalCluster::isRunning() const
{
    QFile pidFile(dataDir() + QStringLiteral("/postmaster.pid"));
    if (!pidFile.open(QIODevice::ReadOnly))
        return false;
    const qint64 pid = pidFile.readLine().trimmed().toLongLong();
    return pid > 0 && ::kill(pid_t(pid), 0) == 0;
}

void LocalCluster::start()
{
    if (!isInitialised())
        fail(QStringLiteral("no cluster in %1: initialise it first").arg(m_dir));
    if (isRunning())
        return;
    QString out;
    const int rc =
        runTool(QStringLiteral("pg_ctl"),
                {QStringLiteral("-D"), dataDir(), QStringLiteral("-l"), logFile(), QStringLiteral("-w"),
                 QStringLiteral("-t"), QStringLiteral("60"), QStringLiteral("start")},
                &out, 90000);
    if (rc != 0) {
        QFile log(logFile());
        QString tail;
        if (log.open(QIODevice::ReadOnly)) {
            const QByteArray all = log.readAll();
            tail = QString::fromUtf8(all.right(1500));
        }
        if (tail.contains(u"could not bind") || tail.contains(u"Address already in use"))
            fail(QStringLiteral(
                     "cannot start the server in %1: port %2 is already in use. Stop what uses it or "
                     "choose another port.")
                     .arg(m_dir)
                     .arg(m_options.port));
        fail(QStringLiteral("cannot start the server in %1: %2\n%3")
                 .arg(m_dir, out.trimmed(), tail.trimmed()));
    }
    if (m_options.stopWhenProcessExits && !m_keepRunning)
        startWatchdog();
}

void LocalCluster::startWatchdog()
{
    // A detached shell that stops the server as soon as this process is gone, even after kill -9.
    const QString script = QStringLiteral("while [ -d /proc/%1 ]; do sleep 0.5; done; "
                                          "'%2/pg_ctl' -D '%3' stop -m immediate >/dev/null 2>&1")
                               .arg(QCoreApplication::applicationPid())
                               .arg(serverBinDir(), dataDir());
    QStringList args;
    QString program = QStringLiteral("/bin/sh");
    if (runningAsRoot()) {
        program = QStringLiteral("/usr/sbin/runuser");
        args << QStringLiteral("-u") << QStringLiteral("postgres") << QStringLiteral("--")
             << QStringLiteral("/bin/sh");
    }
    args << QStringLiteral("-c") << script;
    QProcess::startDetached(program, args);
}

void LocalCluster::stop(bool immediate)
{
    if (!isRunning())
        return;
    QString out;
    const int rc =
        runTool(QStringLiteral("pg_ctl"),
                {QStringLiteral("-D"), dataDir(), QStringLiteral("-w"), QStringLiteral("-t"),
                 QStringLiteral("60"), QStringLiteral("-m"),
                 immediate ? QStringLiteral("immediate") : QStringLiteral("fast"), QStringLiteral("stop")},
                &out, 90000);
    if (rc != 0 && isRunning())
        fail(QStringLiteral("cannot stop the server in %1: %2").arg(m_dir, out.trimmed()));
}

void LocalCluster::restart()
{
    stop(false);
    start();
}

void LocalCluster::kill9()
{
    QFile pidFile(dataDir() + QStringLiteral("/postmaster.pid"));
    if (!pidFile.open(QIODevice::ReadOnly))
        return;
    const qint64 pid = pidFile.readLine().trimmed().toLongLong();
    pidFile.close();
    if (pid <= 0)
        return;
    ::kill(pid_t(pid), SIGKILL);
    for (int i = 0; i < 100 && ::kill(pid_t(pid), 0) == 0; ++i)
        QThread::msleep(50);
    // Children notice the postmaster's death and exit; wait until the port is free again.
    for (int i = 0; i < 100; ++i) {
        QTcpServer probe;
        if (probe.listen(QHostAddress::LocalHost, quint16(m_options.port)))
            break;
        QThread::msleep(50);
    }
}

pg::ConnInfo LocalCluster::connInfo(const QString &database) const
{
    pg::ConnInfo ci;
    ci.host = QStringLiteral("127.0.0.1");
    ci.port = m_options.port;
    ci.user = m_options.superuser;
    ci.database = database;
    ci.password = m_options.password;
    ci.connectTimeoutSeconds = 10;
    return ci;
}

void LocalCluster::psql(const QString &database, const QString &sql) const
{
    QString out;
    const int rc =
        runTool(QStringLiteral("psql"),
                {QStringLiteral("-X"), QStringLiteral("-q"), QStringLiteral("-v"),
                 QStringLiteral("ON_ERROR_STOP=1"), QStringLiteral("-h"), m_dir, QStringLiteral("-p"),
                 QString::number(m_options.port), QStringLiteral("-U"), m_options.superuser,
                 QStringLiteral("-d"), database, QStringLiteral("-f"), QStringLiteral("-")},
                &out, 600000, {}, sql.toUtf8());
    if (rc != 0)
        fail(QStringLiteral("psql in database %1 failed: %2").arg(database, out.trimmed()));
}

void LocalCluster::psqlFile(const QString &database, const QString &file) const
{
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly))
        fail(QStringLiteral("cannot read %1").arg(file));
    psql(database, QString::fromUtf8(f.readAll()));
}

} // namespace pgferry::sandbox
