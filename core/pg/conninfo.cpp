#include "pg/conninfo.h"

#include <QUrl>
#include <QUrlQuery>
#include <libpq-fe.h>

namespace pgferry::pg {

std::optional<ConnInfo> ConnInfo::parse(const QString &text, QString *errorMessage)
{
    const QByteArray utf8 = text.trimmed().toUtf8();
    if (utf8.isEmpty()) {
        if (errorMessage)
            *errorMessage = QStringLiteral("empty connection string");
        return std::nullopt;
    }
    char *err = nullptr;
    PQconninfoOption *opts = PQconninfoParse(utf8.constData(), &err);
    if (!opts) {
        if (errorMessage)
            *errorMessage =
                err ? QString::fromUtf8(err).trimmed() : QStringLiteral("cannot parse the connection string");
        PQfreemem(err);
        return std::nullopt;
    }
    ConnInfo ci;
    ci.applicationName.clear();
    bool ok = true;
    for (PQconninfoOption *o = opts; o->keyword; ++o) {
        if (!o->val)
            continue;
        const QString key = QString::fromUtf8(o->keyword);
        const QString val = QString::fromUtf8(o->val);
        if (key == u"host" || key == u"hostaddr") {
            if (ci.host.isEmpty() || key == u"host")
                ci.host = val;
        } else if (key == u"port") {
            bool portOk = false;
            const int p = val.toInt(&portOk);
            if (!portOk || p <= 0 || p > 65535) {
                ok = false;
                if (errorMessage)
                    *errorMessage = QStringLiteral("invalid port \"%1\"").arg(val);
            }
            ci.port = p;
        } else if (key == u"user") {
            ci.user = val;
        } else if (key == u"dbname") {
            ci.database = val;
        } else if (key == u"password") {
            ci.password = val;
        } else if (key == u"sslmode") {
            ci.sslmode = val;
        } else if (key == u"sslrootcert") {
            ci.sslrootcert = val;
        } else if (key == u"application_name") {
            ci.applicationName = val;
        } else if (key == u"passfile") {
            ci.passfile = val;
        } else if (key == u"connect_timeout") {
            ci.connectTimeoutSeconds = val.toInt();
        } else {
            ci.extra.insert(key, val);
        }
    }
    PQconninfoFree(opts);
    if (!ok)
        return std::nullopt;
    if (ci.applicationName.isEmpty())
        ci.applicationName = QStringLiteral("pgferry");
    return ci;
}

PasswordSource::~PasswordSource() = default;

std::optional<ConnInfo> ConnInfo::withSourcedPassword(QString *error) const
{
    if (error)
        error->clear();
    if (!passwordSource || !password.isEmpty())
        return *this;
    QString why;
    ConnInfo c = *this;
    c.password = passwordSource->password(&why);
    if (c.password.isEmpty()) {
        if (error)
            *error = why.isEmpty() ? QStringLiteral("no password from %1").arg(passwordSource->description())
                                   : why;
        return std::nullopt;
    }
    return c;
}

QList<std::pair<QByteArray, QByteArray>> ConnInfo::keywords(bool replication) const
{
    if (passwordSource && password.isEmpty()) {
        // An error surfaces as the server's "password authentication failed"; Connection::open asks
        // withSourcedPassword() first to say why instead.
        if (const auto c = withSourcedPassword(nullptr))
            return c->keywords(replication);
    }
    QList<std::pair<QByteArray, QByteArray>> kv;
    auto add = [&kv](const char *k, const QString &v) {
        if (!v.isEmpty())
            kv.append({QByteArray(k), v.toUtf8()});
    };
    add("host", host);
    add("port", QString::number(port));
    add("user", user);
    add("dbname", database);
    add("password", password);
    add("sslmode", sslmode);
    add("sslrootcert", sslrootcert);
    add("application_name", applicationName);
    add("passfile", passfile);
    if (connectTimeoutSeconds > 0)
        add("connect_timeout", QString::number(connectTimeoutSeconds));
    for (auto it = extra.cbegin(); it != extra.cend(); ++it)
        add(it.key().toUtf8().constData(), it.value());
    if (replication)
        add("replication", QStringLiteral("database"));
    // A peer that vanishes (a cable pulled, a NAT dropping state) is noticed within about a minute
    // instead of never: TCP keepalives, and a bound on unacknowledged data. The user's own values win.
    const std::pair<const char *, const char *> defaults[] = {{"keepalives", "1"},
                                                              {"keepalives_idle", "30"},
                                                              {"keepalives_interval", "10"},
                                                              {"keepalives_count", "3"},
                                                              {"tcp_user_timeout", "60000"}};
    for (const auto &[k, v] : defaults)
        if (!extra.contains(QLatin1String(k)))
            kv.append({QByteArray(k), QByteArray(v)});
    return kv;
}

QString ConnInfo::toUri() const
{
    QUrl url;
    url.setScheme(QStringLiteral("postgresql"));
    if (!user.isEmpty())
        url.setUserName(user);
    const bool ipv6 = host.contains(u':');
    if (host.startsWith(u'/')) {
        // Unix socket directory: libpq accepts it as the host query parameter.
    } else if (!host.isEmpty()) {
        url.setHost(ipv6 ? host : host);
    }
    if (port != 5432 || !host.isEmpty())
        url.setPort(port);
    if (!database.isEmpty())
        url.setPath(u'/' + database);
    QUrlQuery q;
    if (host.startsWith(u'/'))
        q.addQueryItem(QStringLiteral("host"), host);
    if (!sslmode.isEmpty())
        q.addQueryItem(QStringLiteral("sslmode"), sslmode);
    if (!sslrootcert.isEmpty())
        q.addQueryItem(QStringLiteral("sslrootcert"), sslrootcert);
    if (!applicationName.isEmpty() && applicationName != u"pgferry")
        q.addQueryItem(QStringLiteral("application_name"), applicationName);
    if (!passfile.isEmpty())
        q.addQueryItem(QStringLiteral("passfile"), passfile);
    for (auto it = extra.cbegin(); it != extra.cend(); ++it)
        q.addQueryItem(it.key(), it.value());
    if (!q.isEmpty())
        url.setQuery(q);
    return url.toString(QUrl::FullyEncoded);
}

QString ConnInfo::redacted() const
{
    QString s = toUri();
    if (passwordSource)
        s += QStringLiteral(" (password: %1)").arg(passwordSource->description());
    else if (!password.isEmpty())
        s += QStringLiteral(" (password set)");
    return s;
}

ConnInfo ConnInfo::withDatabase(const QString &db) const
{
    ConnInfo c = *this;
    c.database = db;
    return c;
}

QMap<QString, QString> ConnInfo::childEnvironment() const
{
    if (passwordSource && password.isEmpty()) {
        if (const auto c = withSourcedPassword(nullptr))
            return c->childEnvironment();
    }
    QMap<QString, QString> env;
    auto add = [&env](const char *k, const QString &v) {
        if (!v.isEmpty())
            env.insert(QString::fromLatin1(k), v);
    };
    add("PGHOST", host);
    add("PGPORT", QString::number(port));
    add("PGUSER", user);
    add("PGDATABASE", database);
    add("PGPASSWORD", password);
    add("PGSSLMODE", sslmode);
    add("PGSSLROOTCERT", sslrootcert);
    add("PGAPPNAME", applicationName);
    add("PGPASSFILE", passfile);
    if (connectTimeoutSeconds > 0)
        add("PGCONNECT_TIMEOUT", QString::number(connectTimeoutSeconds));
    return env;
}

} // namespace pgferry::pg
