#include "sandbox/sandbox.h"

#include <QDir>
#include <QFile>
#include <QStandardPaths>
#include <QUrl>
#include <stdexcept>

namespace pgferry::sandbox {

namespace {
ClusterOptions sandboxOptions()
{
    ClusterOptions o;
    o.stopWhenProcessExits = false;
    o.fastUnsafe = false;
    return o;
}

QString uriFor(const LocalCluster &c, const QString &db, const QString &passfile)
{
    return QStringLiteral("postgresql://%1@127.0.0.1:%2/%3?passfile=%4")
        .arg(c.superuser())
        .arg(c.port())
        .arg(db, QString::fromUtf8(QUrl::toPercentEncoding(passfile, "/")));
}
} // namespace

Sandbox::Sandbox(QString dir)
    : m_dir(QDir(dir).absolutePath()),
      m_source(std::make_unique<LocalCluster>(m_dir + QStringLiteral("/source"), sandboxOptions())),
      m_target(std::make_unique<LocalCluster>(m_dir + QStringLiteral("/target"), sandboxOptions()))
{
    m_source->setKeepRunning(true);
    m_target->setKeepRunning(true);
}

Sandbox::~Sandbox() = default;

QString Sandbox::defaultDir()
{
    const QString env = qEnvironmentVariable("PGFERRY_SANDBOX_DIR");
    if (!env.isEmpty())
        return env;
    if (LocalCluster::runningAsRoot()) // root's home is private to the postgres user
        return QStringLiteral("/var/tmp/pgferry-sandbox");
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) +
           QStringLiteral("/pgferry/sandbox");
}

QString Sandbox::passfile() const
{
    return m_dir + QStringLiteral("/pgpass");
}

QString Sandbox::sourceUri(const QString &db) const
{
    return uriFor(*m_source, db, passfile());
}
QString Sandbox::targetUri(const QString &db) const
{
    return uriFor(*m_target, db, passfile());
}

void Sandbox::writePassfile() const
{
    QFile f(passfile());
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        throw std::runtime_error(QStringLiteral("cannot write %1").arg(f.fileName()).toStdString());
    f.setPermissions(QFile::ReadOwner | QFile::WriteOwner);
    auto esc = [](QString s) {
        return s.replace(u'\\', QStringLiteral("\\\\")).replace(u':', QStringLiteral("\\:"));
    };
    for (const LocalCluster *c : {m_source.get(), m_target.get()})
        f.write(QStringLiteral("127.0.0.1:%1:*:%2:%3\n")
                    .arg(c->port())
                    .arg(esc(c->superuser()), esc(c->password()))
                    .toUtf8());
}

void Sandbox::up(const std::function<void(const QString &)> &progress)
{
    auto say = [&progress](const QString &s) {
        if (progress)
            progress(s);
    };
    if (!QDir().mkpath(m_dir))
        throw std::runtime_error(QStringLiteral("cannot create %1").arg(m_dir).toStdString());
    QFile::setPermissions(m_dir, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner | QFile::ReadGroup |
                                     QFile::ExeGroup | QFile::ReadOther | QFile::ExeOther);
    bool fresh = false;
    for (LocalCluster *c : {m_source.get(), m_target.get()}) {
        if (!c->isInitialised()) {
            say(QStringLiteral("creating a PostgreSQL cluster in %1").arg(c->dir()));
            c->init();
            fresh = fresh || c == m_source.get();
        }
        if (!c->isRunning()) {
            say(QStringLiteral("starting the server on 127.0.0.1:%1").arg(c->port()));
            c->start();
        }
    }
    writePassfile();
    if (fresh) {
        say(QStringLiteral("loading the sample database \"%1\" on the source")
                .arg(QLatin1String(sampleDatabase)));
        m_source->psql(QStringLiteral("postgres"),
                       QStringLiteral("CREATE DATABASE %1").arg(QLatin1String(sampleDatabase)));
        m_source->psql(QLatin1String(sampleDatabase), sampleSql());
    }
    say(QStringLiteral("sandbox ready: source %1, target %2")
            .arg(sourceUri(QLatin1String(sampleDatabase)), targetUri()));
}

void Sandbox::down(bool removeFiles)
{
    for (LocalCluster *c : {m_source.get(), m_target.get()})
        if (c->isRunning())
            c->stop(false);
    if (removeFiles)
        QDir(m_dir).removeRecursively();
}

QJsonObject Sandbox::status() const
{
    QJsonObject o{{QStringLiteral("dir"), m_dir}, {QStringLiteral("passfile"), passfile()}};
    auto one = [](const LocalCluster &c, const QString &uri) {
        return QJsonObject{{QStringLiteral("initialised"), c.isInitialised()},
                           {QStringLiteral("running"), c.isRunning()},
                           {QStringLiteral("port"), c.port()},
                           {QStringLiteral("uri"), uri}};
    };
    o.insert(QStringLiteral("source"), one(*m_source, sourceUri(QLatin1String(sampleDatabase))));
    o.insert(QStringLiteral("target"), one(*m_target, targetUri()));
    return o;
}

QString sampleSql()
{
    QFile f(QStringLiteral(":/pgferry/sandbox/sample.sql"));
    if (!f.open(QIODevice::ReadOnly))
        throw std::runtime_error("the sample database script is missing from this build");
    return QString::fromUtf8(f.readAll());
}

} // namespace pgferry::sandbox
