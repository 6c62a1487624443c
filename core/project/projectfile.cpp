#include "project/projectfile.h"

#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QSaveFile>
#include <QSet>
#include <QUrl>
#include <QUuid>
#include <cmath>
#include <initializer_list>

namespace pgferry::project {

namespace {

constexpr qint64 MaxFileBytes = 16 * 1024 * 1024; // a real project file is a few kilobytes
constexpr qint64 MaxExactInteger =
    9007199254740992LL;                // 2^53: the largest integer a JSON double holds exactly
constexpr int MaxIdentifierBytes = 63; // PostgreSQL's NAMEDATALEN - 1

// Keys of version 1 objects; anything else is an unknown field and is kept.
const std::initializer_list<QLatin1StringView> TopKeys = {
    QLatin1StringView("format"),   QLatin1StringView("version"), QLatin1StringView("id"),
    QLatin1StringView("name"),     QLatin1StringView("mode"),    QLatin1StringView("engine"),
    QLatin1StringView("source"),   QLatin1StringView("target"),  QLatin1StringView("databases"),
    QLatin1StringView("settings"), QLatin1StringView("azure")};
const std::initializer_list<QLatin1StringView> ProfileKeys = {QLatin1StringView("host"),
                                                              QLatin1StringView("port"),
                                                              QLatin1StringView("user"),
                                                              QLatin1StringView("database"),
                                                              QLatin1StringView("sslmode"),
                                                              QLatin1StringView("sslrootcert"),
                                                              QLatin1StringView("application_name"),
                                                              QLatin1StringView("passfile"),
                                                              QLatin1StringView("azure_resource_id"),
                                                              QLatin1StringView("auth")};
const std::initializer_list<QLatin1StringView> DatabaseKeys = {
    QLatin1StringView("name"), QLatin1StringView("target_name"), QLatin1StringView("include_tables"),
    QLatin1StringView("exclude_tables")};
const std::initializer_list<QLatin1StringView> SettingsKeys = {QLatin1StringView("jobs"),
                                                               QLatin1StringView("index_jobs"),
                                                               QLatin1StringView("split_threshold_bytes"),
                                                               QLatin1StringView("verify"),
                                                               QLatin1StringView("verify_level"),
                                                               QLatin1StringView("schema"),
                                                               QLatin1StringView("cutover")};
const std::initializer_list<QLatin1StringView> SchemaKeys = {
    QLatin1StringView("overwrite"), QLatin1StringView("no_owner"), QLatin1StringView("no_acl"),
    QLatin1StringView("create_roles"), QLatin1StringView("capture_ddl")};
const std::initializer_list<QLatin1StringView> CutoverKeys = {
    QLatin1StringView("make_source_read_only"), QLatin1StringView("max_lag_bytes_for_ready"),
    QLatin1StringView("drain_timeout_seconds"), QLatin1StringView("fallback")};
const std::initializer_list<QLatin1StringView> AzureKeys = {
    QLatin1StringView("cloud"),          QLatin1StringView("cloud_config_file"),
    QLatin1StringView("tenant_id"),      QLatin1StringView("subscription_id"),
    QLatin1StringView("resource_group"), QLatin1StringView("server_name"),
    QLatin1StringView("migration_name"), QLatin1StringView("runtime_server")};
// The version 0 (legacy) layout.
const std::initializer_list<QLatin1StringView> V0Keys = {QLatin1StringView("format"),
                                                         QLatin1StringView("version"),
                                                         QLatin1StringView("id"),
                                                         QLatin1StringView("name"),
                                                         QLatin1StringView("source_uri"),
                                                         QLatin1StringView("target_uri"),
                                                         QLatin1StringView("online"),
                                                         QLatin1StringView("jobs"),
                                                         QLatin1StringView("databases"),
                                                         QLatin1StringView("database_map"),
                                                         QLatin1StringView("azure_resource_id")};

bool isKnown(const QString &key, std::initializer_list<QLatin1StringView> known)
{
    for (const auto &k : known)
        if (key == k)
            return true;
    return false;
}

// Control characters and lone surrogates from a hostile file must not reach a terminal as they are.
QString printable(const QString &s, qsizetype max = 80)
{
    QString out;
    for (qsizetype i = 0; i < s.size() && out.size() < max; ++i) {
        const QChar c = s.at(i);
        if (c.unicode() < 0x20 || c.unicode() == 0x7f || c.isSurrogate() ||
            c.category() == QChar::Other_Format)
            out += QStringLiteral("\\u%1").arg(c.unicode(), 4, 16, QLatin1Char('0'));
        else
            out += c;
    }
    if (out.size() >= max)
        out += QStringLiteral("…");
    return out;
}

QString quoted(const QString &s)
{
    return u'"' + printable(s) + u'"';
}

QString numberText(double d)
{
    return QString::number(d, 'g', QLocale::FloatingPointShortest);
}

QString describe(const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Bool:
        return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Double:
        return QStringLiteral("the number ") + numberText(v.toDouble());
    case QJsonValue::String:
        return QStringLiteral("the string ") + quoted(v.toString());
    case QJsonValue::Array:
        return QStringLiteral("an array");
    case QJsonValue::Object:
        return QStringLiteral("an object");
    case QJsonValue::Undefined:
        break;
    }
    return QStringLiteral("nothing");
}

QString join(const QString &path, const QString &key)
{
    return path.isEmpty() ? printable(key) : path + u'.' + printable(key);
}
QString index(const QString &path, qsizetype i)
{
    return path + u'[' + QString::number(i) + u']';
}

// Names that mean a secret. A non-empty string under such a key is refused, never kept.
bool looksLikeSecretKey(const QString &key)
{
    const QString k = key.toLower().replace(u'-', u'_');
    static const QStringList parts = {QStringLiteral("password"), QStringLiteral("passwd"),
                                      QStringLiteral("secret"), QStringLiteral("token")};
    for (const QString &p : parts)
        if (k.contains(p))
            return true;
    static const QStringList exact = {QStringLiteral("api_key"),     QStringLiteral("apikey"),
                                      QStringLiteral("private_key"), QStringLiteral("account_key"),
                                      QStringLiteral("access_key"),  QStringLiteral("pwd")};
    return exact.contains(k);
}

bool uriHoldsPassword(const QString &s)
{
    if (!s.startsWith(u"postgres://", Qt::CaseInsensitive) &&
        !s.startsWith(u"postgresql://", Qt::CaseInsensitive))
        return false;
    return !QUrl(s).password().isEmpty() || s.contains(u"password=", Qt::CaseInsensitive);
}

class Reader
{
public:
    QStringList errors;

    void error(const QString &path, const QString &message)
    {
        errors << path + QStringLiteral(": ") + message;
    }
    void expected(const QString &path, const QString &what, const QJsonValue &found)
    {
        error(path, QStringLiteral("expected %1, found %2").arg(what, describe(found)));
    }

    // Optional fields: absent keeps the default; a wrong type is an error.
    void string(const QJsonObject &o, const QString &path, QLatin1StringView key, QString &out)
    {
        const QJsonValue v = o.value(key);
        if (v.isUndefined())
            return;
        if (!v.isString())
            return expected(join(path, key), QStringLiteral("a string"), v);
        out = v.toString();
        if (!validText(out))
            error(join(path, key), QStringLiteral("contains a NUL character or invalid Unicode"));
    }
    void boolean(const QJsonObject &o, const QString &path, QLatin1StringView key, bool &out)
    {
        const QJsonValue v = o.value(key);
        if (v.isUndefined())
            return;
        if (!v.isBool())
            return expected(join(path, key), QStringLiteral("true or false"), v);
        out = v.toBool();
    }
    template<typename T>
    void integer(const QJsonObject &o, const QString &path, QLatin1StringView key, qint64 min, qint64 max,
                 T &out)
    {
        const QJsonValue v = o.value(key);
        if (v.isUndefined())
            return;
        std::optional<qint64> n = toInteger(v, join(path, key), min, max);
        if (n)
            out = T(*n);
    }
    std::optional<qint64> toInteger(const QJsonValue &v, const QString &path, qint64 min, qint64 max)
    {
        if (!v.isDouble()) {
            expected(path, QStringLiteral("a whole number"), v);
            return std::nullopt;
        }
        const double d = v.toDouble();
        if (!std::isfinite(d) || d != std::floor(d)) {
            expected(path, QStringLiteral("a whole number"), v);
            return std::nullopt;
        }
        if (d < double(min) || d > double(max)) {
            error(path, QStringLiteral("expected a whole number from %1 to %2, found %3")
                            .arg(min)
                            .arg(max)
                            .arg(numberText(d)));
            return std::nullopt;
        }
        return qint64(d);
    }
    void stringList(const QJsonObject &o, const QString &path, QLatin1StringView key, QStringList &out)
    {
        const QJsonValue v = o.value(key);
        if (v.isUndefined())
            return;
        if (!v.isArray())
            return expected(join(path, key), QStringLiteral("an array of strings"), v);
        out.clear();
        const QJsonArray a = v.toArray();
        for (qsizetype i = 0; i < a.size(); ++i) {
            const QString p = index(join(path, key), i);
            if (!a.at(i).isString()) {
                expected(p, QStringLiteral("a string"), a.at(i));
                continue;
            }
            const QString s = a.at(i).toString();
            if (s.isEmpty())
                error(p,
                      QStringLiteral(
                          "expected a table pattern (schema.table, * and ? allowed), found an empty string"));
            else if (!validText(s))
                error(p, QStringLiteral("contains a NUL character or invalid Unicode"));
            else
                out << s;
        }
    }
    // Optional object: absent gives an empty object and *present = false.
    QJsonObject object(const QJsonObject &o, const QString &path, QLatin1StringView key, bool required,
                       bool *present = nullptr)
    {
        const QJsonValue v = o.value(key);
        if (present)
            *present = false;
        if (v.isUndefined()) {
            if (required)
                error(join(path, key), QStringLiteral("missing (expected an object)"));
            return {};
        }
        if (!v.isObject()) {
            expected(join(path, key), QStringLiteral("an object"), v);
            return {};
        }
        if (present)
            *present = true;
        return v.toObject();
    }

    // Unknown keys of `o`, checked for secrets.
    QJsonObject unknown(const QJsonObject &o, const QString &path,
                        std::initializer_list<QLatin1StringView> known)
    {
        QJsonObject u;
        for (auto it = o.constBegin(); it != o.constEnd(); ++it) {
            if (isKnown(it.key(), known))
                continue;
            if (checkNoSecrets(it.key(), it.value(), join(path, it.key()), 0))
                u.insert(it.key(), it.value());
        }
        return u;
    }

    static bool validText(const QString &s) { return !s.contains(QChar(0)) && s.isValidUtf16(); }

private:
    bool checkNoSecrets(const QString &key, const QJsonValue &v, const QString &path, int depth)
    {
        if (v.isString()) {
            const QString s = v.toString();
            if (!s.isEmpty() && looksLikeSecretKey(key)) {
                error(path,
                      QStringLiteral("project files never hold passwords, tokens or keys; remove this field "
                                     "and keep the secret in the keychain or in the environment "
                                     "(PGFERRY_SOURCE_PASSWORD, PGFERRY_TARGET_PASSWORD)"));
                return false;
            }
            if (uriHoldsPassword(s)) {
                error(path, QStringLiteral("holds a connection URI with a password; project files never hold "
                                           "passwords: remove the password from the URI"));
                return false;
            }
            if (!s.isValidUtf16() || !key.isValidUtf16()) {
                error(path, QStringLiteral("contains invalid Unicode"));
                return false;
            }
            return true;
        }
        if (!key.isValidUtf16()) {
            error(path, QStringLiteral("contains invalid Unicode"));
            return false;
        }
        if (depth > 64) {
            error(path, QStringLiteral("nested too deeply (more than 64 levels)"));
            return false;
        }
        bool ok = true;
        if (v.isObject()) {
            const QJsonObject o = v.toObject();
            for (auto it = o.constBegin(); it != o.constEnd(); ++it)
                ok = checkNoSecrets(it.key(), it.value(), join(path, it.key()), depth + 1) && ok;
        } else if (v.isArray()) {
            const QJsonArray a = v.toArray();
            for (qsizetype i = 0; i < a.size(); ++i)
                ok = checkNoSecrets(key, a.at(i), index(path, i), depth + 1) && ok;
        }
        return ok;
    }
};

} // namespace

bool isValidProjectId(const QString &id)
{
    if (id.isEmpty() || id.size() > 64 || id.startsWith(u'.'))
        return false;
    for (const QChar c : id) {
        const char16_t u = c.unicode();
        const bool ok = (u >= u'a' && u <= u'z') || (u >= u'A' && u <= u'Z') || (u >= u'0' && u <= u'9') ||
                        u == u'-' || u == u'_' || u == u'.';
        if (!ok)
            return false;
    }
    return true;
}

namespace {

// A database name PostgreSQL can hold: not empty, no NUL, at most 63 bytes (longer names are truncated).
void checkDatabaseName(Reader &rd, const QString &path, const QString &name, bool allowEmpty)
{
    if (name.isEmpty()) {
        if (!allowEmpty)
            rd.error(path, QStringLiteral("expected a database name, found an empty string"));
        return;
    }
    if (!Reader::validText(name))
        rd.error(path,
                 QStringLiteral(
                     "contains a NUL character or invalid Unicode, which PostgreSQL names cannot hold"));
    else if (name.toUtf8().size() > MaxIdentifierBytes)
        rd.error(path, QStringLiteral("%1 is longer than 63 bytes, PostgreSQL's limit for a database name")
                           .arg(quoted(name)));
}

void setIfNotEmpty(QJsonObject &into, const QString &key, const QJsonObject &value)
{
    if (!value.isEmpty())
        into.insert(key, value);
}

ConnectionProfile readProfile(Reader &rd, const QJsonObject &o, const QString &path, QJsonObject &unknownOut)
{
    ConnectionProfile p;
    rd.string(o, path, QLatin1StringView("host"), p.host);
    rd.integer(o, path, QLatin1StringView("port"), 1, 65535, p.port);
    rd.string(o, path, QLatin1StringView("user"), p.user);
    if (o.contains(u"database")) {
        rd.string(o, path, QLatin1StringView("database"), p.database);
        if (o.value(u"database").isString())
            checkDatabaseName(rd, join(path, QStringLiteral("database")), p.database, false);
    }
    rd.string(o, path, QLatin1StringView("sslmode"), p.sslmode);
    static const QStringList modes = {QStringLiteral("disable"),   QStringLiteral("allow"),
                                      QStringLiteral("prefer"),    QStringLiteral("require"),
                                      QStringLiteral("verify-ca"), QStringLiteral("verify-full")};
    if (!p.sslmode.isEmpty() && !modes.contains(p.sslmode))
        rd.error(join(path, QStringLiteral("sslmode")),
                 QStringLiteral("expected one of %1 (or leave it out), found %2")
                     .arg(modes.join(QStringLiteral(", ")), quoted(p.sslmode)));
    rd.string(o, path, QLatin1StringView("sslrootcert"), p.sslrootcert);
    rd.string(o, path, QLatin1StringView("application_name"), p.applicationName);
    rd.string(o, path, QLatin1StringView("passfile"), p.passfile);
    rd.string(o, path, QLatin1StringView("azure_resource_id"), p.azureResourceId);
    if (!p.azureResourceId.isEmpty() &&
        !p.azureResourceId.startsWith(u"/subscriptions/", Qt::CaseInsensitive))
        rd.error(
            join(path, QStringLiteral("azure_resource_id")),
            QStringLiteral("expected an Azure resource id (/subscriptions/…/flexibleServers/NAME), found %1")
                .arg(quoted(p.azureResourceId)));
    QString auth = authName(p.auth);
    rd.string(o, path, QLatin1StringView("auth"), auth);
    if (auth == u"password")
        p.auth = Auth::Password;
    else if (auth == u"entra")
        p.auth = Auth::Entra;
    else
        rd.error(join(path, QStringLiteral("auth")),
                 QStringLiteral("expected \"password\" or \"entra\", found %1").arg(quoted(auth)));
    if (p.auth == Auth::Entra && path != u"target")
        rd.error(join(path, QStringLiteral("auth")),
                 QStringLiteral("Microsoft Entra ID sign-in (\"entra\") is for the target only"));
    unknownOut = rd.unknown(o, path, ProfileKeys);
    return p;
}

QJsonObject profileToJson(const ConnectionProfile &p)
{
    QJsonObject o;
    o.insert(u"host", p.host);
    o.insert(u"port", p.port);
    o.insert(u"user", p.user);
    o.insert(u"database", p.database);
    o.insert(u"sslmode", p.sslmode);
    o.insert(u"sslrootcert", p.sslrootcert);
    o.insert(u"application_name", p.applicationName);
    o.insert(u"passfile", p.passfile);
    o.insert(u"azure_resource_id", p.azureResourceId);
    if (p.auth != Auth::Password) // files of projects with passwords stay as they were
        o.insert(u"auth", authName(p.auth));
    return o;
}

// Writes the unknown fields back without ever replacing a known one; objects merge recursively.
void mergeUnknown(QJsonObject &out, const QJsonObject &unknown, int depth = 0)
{
    for (auto it = unknown.constBegin(); it != unknown.constEnd(); ++it) {
        if (looksLikeSecretKey(it.key()) && it.value().isString() && !it.value().toString().isEmpty())
            continue; // never written, even when a caller put it there
        if (!out.contains(it.key())) {
            out.insert(it.key(), it.value());
        } else if (depth < 4 && out.value(it.key()).isObject() && it.value().isObject()) {
            QJsonObject inner = out.value(it.key()).toObject();
            mergeUnknown(inner, it.value().toObject(), depth + 1);
            out.insert(it.key(), inner);
        }
    }
}

// Version 1 layout to a Project.
std::optional<Project> readV1(Reader &rd, const QJsonObject &root)
{
    Project p;
    QJsonObject unknown = rd.unknown(root, QString(), TopKeys);

    const QJsonValue id = root.value(u"id");
    if (id.isUndefined())
        rd.error(QStringLiteral("id"),
                 QStringLiteral("missing (every project has a stable id that names its run state)"));
    else if (!id.isString())
        rd.expected(QStringLiteral("id"), QStringLiteral("a string"), id);
    else if (!isValidProjectId(id.toString()))
        rd.error(QStringLiteral("id"),
                 QStringLiteral("%1 is not a valid id: use 1 to 64 letters, digits, '-', '_' "
                                "or '.', not starting with '.'")
                     .arg(quoted(id.toString())));
    else
        p.id = id.toString();

    rd.string(root, QString(), QLatin1StringView("name"), p.name);

    QString mode = modeName(p.mode);
    rd.string(root, QString(), QLatin1StringView("mode"), mode);
    if (mode == u"online")
        p.mode = Mode::Online;
    else if (mode == u"offline")
        p.mode = Mode::Offline;
    else
        rd.error(QStringLiteral("mode"),
                 QStringLiteral("expected \"online\" or \"offline\", found %1").arg(quoted(mode)));

    QString engine = engineName(p.engine);
    rd.string(root, QString(), QLatin1StringView("engine"), engine);
    if (engine == u"local")
        p.engine = Engine::Local;
    else if (engine == u"azure")
        p.engine = Engine::Azure;
    else
        rd.error(QStringLiteral("engine"),
                 QStringLiteral("expected \"local\" or \"azure\", found %1").arg(quoted(engine)));

    bool present = false;
    QJsonObject u;
    const QJsonObject src = rd.object(root, QString(), QLatin1StringView("source"), true, &present);
    if (present) {
        p.source = readProfile(rd, src, QStringLiteral("source"), u);
        setIfNotEmpty(unknown, QStringLiteral("source"), u);
    }
    const QJsonObject tgt = rd.object(root, QString(), QLatin1StringView("target"), true, &present);
    if (present) {
        p.target = readProfile(rd, tgt, QStringLiteral("target"), u);
        setIfNotEmpty(unknown, QStringLiteral("target"), u);
    }

    const QJsonValue dbs = root.value(u"databases");
    if (!dbs.isUndefined() && !dbs.isArray()) {
        rd.expected(QStringLiteral("databases"), QStringLiteral("an array of objects"), dbs);
    } else if (dbs.isArray()) {
        const QJsonArray a = dbs.toArray();
        QHash<QString, qsizetype> seenNames, seenTargets;
        for (qsizetype i = 0; i < a.size(); ++i) {
            const QString path = index(QStringLiteral("databases"), i);
            if (!a.at(i).isObject()) {
                rd.expected(path, QStringLiteral("an object such as {\"name\": \"sales\"}"), a.at(i));
                continue;
            }
            const QJsonObject o = a.at(i).toObject();
            DatabaseSelection d;
            const QJsonValue name = o.value(u"name");
            if (name.isUndefined())
                rd.error(join(path, QStringLiteral("name")),
                         QStringLiteral("missing (expected the source database's name)"));
            else if (!name.isString())
                rd.expected(join(path, QStringLiteral("name")), QStringLiteral("a string"), name);
            else {
                d.name = name.toString();
                checkDatabaseName(rd, join(path, QStringLiteral("name")), d.name, false);
            }
            rd.string(o, path, QLatin1StringView("target_name"), d.targetName);
            if (o.value(u"target_name").isString())
                checkDatabaseName(rd, join(path, QStringLiteral("target_name")), d.targetName, true);
            rd.stringList(o, path, QLatin1StringView("include_tables"), d.includeTables);
            rd.stringList(o, path, QLatin1StringView("exclude_tables"), d.excludeTables);
            d.unknownFields = rd.unknown(o, path, DatabaseKeys);
            if (!d.name.isEmpty()) {
                if (seenNames.contains(d.name))
                    rd.error(join(path, QStringLiteral("name")),
                             QStringLiteral("%1 is listed twice (also databases[%2])")
                                 .arg(quoted(d.name))
                                 .arg(seenNames.value(d.name)));
                else
                    seenNames.insert(d.name, i);
                const QString t = d.effectiveTarget();
                if (seenTargets.contains(t))
                    rd.error(join(path, d.targetName.isEmpty() ? QStringLiteral("name")
                                                               : QStringLiteral("target_name")),
                             QStringLiteral("two databases would be migrated into %1 (also databases[%2])")
                                 .arg(quoted(t))
                                 .arg(seenTargets.value(t)));
                else
                    seenTargets.insert(t, i);
            }
            p.databases << d;
        }
    }

    const QJsonObject settings = rd.object(root, QString(), QLatin1StringView("settings"), false, &present);
    if (present) {
        const QString sp = QStringLiteral("settings");
        AdvancedSettings &s = p.settings;
        rd.integer(settings, sp, QLatin1StringView("jobs"), 1, 256, s.jobs);
        rd.integer(settings, sp, QLatin1StringView("index_jobs"), 1, 256, s.indexJobs);
        rd.integer(settings, sp, QLatin1StringView("split_threshold_bytes"), 1, MaxExactInteger,
                   s.splitThresholdBytes);
        rd.boolean(settings, sp, QLatin1StringView("verify"), s.verify);
        QString level = verifyLevelName(s.verifyLevel);
        rd.string(settings, sp, QLatin1StringView("verify_level"), level);
        if (level == u"full")
            s.verifyLevel = VerifyLevel::Full;
        else if (level == u"count")
            s.verifyLevel = VerifyLevel::Count;
        else
            rd.error(
                join(sp, QStringLiteral("verify_level")),
                QStringLiteral(
                    "expected \"full\" (row counts and checksums) or \"count\" (row counts only), found %1")
                    .arg(quoted(level)));
        QJsonObject su = rd.unknown(settings, sp, SettingsKeys);
        const QJsonObject schema = rd.object(settings, sp, QLatin1StringView("schema"), false, &present);
        if (present) {
            const QString p2 = join(sp, QStringLiteral("schema"));
            rd.boolean(schema, p2, QLatin1StringView("overwrite"), s.schema.overwrite);
            rd.boolean(schema, p2, QLatin1StringView("no_owner"), s.schema.noOwner);
            rd.boolean(schema, p2, QLatin1StringView("no_acl"), s.schema.noAcl);
            rd.boolean(schema, p2, QLatin1StringView("create_roles"), s.schema.createRoles);
            rd.boolean(schema, p2, QLatin1StringView("capture_ddl"), s.schema.captureDdl);
            setIfNotEmpty(su, QStringLiteral("schema"), rd.unknown(schema, p2, SchemaKeys));
        }
        const QJsonObject cutover = rd.object(settings, sp, QLatin1StringView("cutover"), false, &present);
        if (present) {
            const QString p2 = join(sp, QStringLiteral("cutover"));
            rd.boolean(cutover, p2, QLatin1StringView("make_source_read_only"), s.cutover.makeSourceReadOnly);
            rd.integer(cutover, p2, QLatin1StringView("max_lag_bytes_for_ready"), 0, MaxExactInteger,
                       s.cutover.maxLagBytesForReady);
            rd.integer(cutover, p2, QLatin1StringView("drain_timeout_seconds"), 1, 7 * 24 * 3600,
                       s.cutover.drainTimeoutSeconds);
            rd.boolean(cutover, p2, QLatin1StringView("fallback"), s.cutover.fallback);
            setIfNotEmpty(su, QStringLiteral("cutover"), rd.unknown(cutover, p2, CutoverKeys));
        }
        setIfNotEmpty(unknown, sp, su);
    }

    const QJsonObject azure = rd.object(root, QString(), QLatin1StringView("azure"), false, &present);
    if (present) {
        const QString ap = QStringLiteral("azure");
        AzureContext &a = p.azure;
        rd.string(azure, ap, QLatin1StringView("cloud"), a.cloud);
        rd.string(azure, ap, QLatin1StringView("cloud_config_file"), a.cloudConfigFile);
        rd.string(azure, ap, QLatin1StringView("tenant_id"), a.tenantId);
        rd.string(azure, ap, QLatin1StringView("subscription_id"), a.subscriptionId);
        rd.string(azure, ap, QLatin1StringView("resource_group"), a.resourceGroup);
        rd.string(azure, ap, QLatin1StringView("server_name"), a.serverName);
        rd.string(azure, ap, QLatin1StringView("migration_name"), a.migrationName);
        rd.string(azure, ap, QLatin1StringView("runtime_server"), a.runtimeServer);
        setIfNotEmpty(unknown, ap, rd.unknown(azure, ap, AzureKeys));
    }

    p.unknownFields = unknown;
    if (!rd.errors.isEmpty())
        return std::nullopt;
    return p;
}

// A version 0 URI to a version 1 connection object.
std::optional<QJsonObject> upgradeUri(Reader &rd, const QJsonObject &v0, QLatin1StringView key)
{
    const QJsonValue v = v0.value(key);
    const QString path = QString(key);
    if (v.isUndefined()) {
        rd.error(path, QStringLiteral(
                           "missing (expected a libpq URI such as postgresql://user@host:5432/postgres)"));
        return std::nullopt;
    }
    if (!v.isString()) {
        rd.expected(path, QStringLiteral("a libpq URI"), v);
        return std::nullopt;
    }
    if (uriHoldsPassword(v.toString())) {
        rd.error(path, QStringLiteral(
                           "holds a password; project files never hold passwords: remove it from the URI "
                           "and keep it in the keychain, in PGFERRY_SOURCE_PASSWORD / "
                           "PGFERRY_TARGET_PASSWORD, or in a passfile"));
        return std::nullopt;
    }
    QString why;
    const auto ci = pg::ConnInfo::parse(v.toString(), &why);
    if (!ci) {
        rd.error(path, QStringLiteral("not a valid libpq URI: %1").arg(printable(why, 200)));
        return std::nullopt;
    }
    if (!ci->password.isEmpty()) {
        rd.error(path, QStringLiteral("holds a password; project files never hold passwords: remove it"));
        return std::nullopt;
    }
    if (!ci->extra.isEmpty()) {
        rd.error(path, QStringLiteral("the parameter %1 is not supported in project files")
                           .arg(quoted(ci->extra.firstKey())));
        return std::nullopt;
    }
    return profileToJson(ConnectionProfile::fromConnInfo(*ci));
}

// Version 0 (legacy, flat) to the version 1 layout; unknown fields are carried over.
std::optional<QJsonObject> upgradeFrom0(Reader &rd, const QJsonObject &v0)
{
    QJsonObject v1;
    for (auto it = v0.constBegin(); it != v0.constEnd(); ++it) {
        if (isKnown(it.key(), V0Keys))
            continue;
        if (isKnown(it.key(), TopKeys))
            rd.error(printable(it.key()),
                     QStringLiteral("not part of the version 0 layout; a version 1 file needs "
                                    "\"format\": \"pgferry-project\" and \"version\": 1"));
        else
            v1.insert(it.key(), it.value()); // unknown: checked and kept by readV1
    }
    v1.insert(u"format", QString(ProjectFormat));
    v1.insert(u"version", Project::CurrentVersion);

    const QJsonValue id = v0.value(u"id");
    if (!id.isUndefined()) {
        v1.insert(u"id", id);
    } else {
        // Stable across reloads until the upgraded file is saved: derived from the file's contents.
        static const QUuid ns = QUuid::fromString(u"6f1d7c2e-3b0a-4d8e-9c55-2a7e0f4b9d31");
        v1.insert(u"id", QUuid::createUuidV5(ns, QJsonDocument(v0).toJson(QJsonDocument::Compact))
                             .toString(QUuid::WithoutBraces));
    }
    if (v0.contains(u"name"))
        v1.insert(u"name", v0.value(u"name"));

    const auto src = upgradeUri(rd, v0, QLatin1StringView("source_uri"));
    auto tgt = upgradeUri(rd, v0, QLatin1StringView("target_uri"));
    const QJsonValue rid = v0.value(u"azure_resource_id");
    if (!rid.isUndefined()) {
        if (!rid.isString())
            rd.expected(QStringLiteral("azure_resource_id"), QStringLiteral("a string"), rid);
        else if (tgt)
            tgt->insert(u"azure_resource_id", rid);
    }
    if (src)
        v1.insert(u"source", *src);
    if (tgt)
        v1.insert(u"target", *tgt);

    const QJsonValue online = v0.value(u"online");
    if (!online.isUndefined()) {
        if (!online.isBool())
            rd.expected(QStringLiteral("online"), QStringLiteral("true or false"), online);
        else
            v1.insert(u"mode", online.toBool() ? QStringLiteral("online") : QStringLiteral("offline"));
    }
    const QJsonValue jobs = v0.value(u"jobs");
    if (!jobs.isUndefined()) {
        if (const auto n = rd.toInteger(jobs, QStringLiteral("jobs"), 1, 256))
            v1.insert(u"settings", QJsonObject{{QStringLiteral("jobs"), double(*n)}});
    }

    QJsonObject map;
    const QJsonValue mv = v0.value(u"database_map");
    if (!mv.isUndefined()) {
        if (!mv.isObject())
            rd.expected(QStringLiteral("database_map"),
                        QStringLiteral("an object of \"source\": \"target\" names"), mv);
        else
            map = mv.toObject();
    }
    QJsonArray dbs;
    QSet<QString> names;
    const QJsonValue dv = v0.value(u"databases");
    if (!dv.isUndefined() && !dv.isArray()) {
        rd.expected(QStringLiteral("databases"), QStringLiteral("an array of database names"), dv);
    } else {
        const QJsonArray a = dv.toArray();
        for (qsizetype i = 0; i < a.size(); ++i) {
            if (!a.at(i).isString()) {
                rd.expected(index(QStringLiteral("databases"), i), QStringLiteral("a database name"),
                            a.at(i));
                continue;
            }
            QJsonObject d{{QStringLiteral("name"), a.at(i)}};
            const QString name = a.at(i).toString();
            names.insert(name);
            const QJsonValue t = map.value(name);
            if (!t.isUndefined()) {
                if (!t.isString())
                    rd.expected(join(QStringLiteral("database_map"), name), QStringLiteral("a database name"),
                                t);
                else
                    d.insert(u"target_name", t);
            }
            dbs.append(d);
        }
    }
    for (auto it = map.constBegin(); it != map.constEnd(); ++it)
        if (!names.contains(it.key()))
            rd.error(join(QStringLiteral("database_map"), it.key()),
                     QStringLiteral("%1 is not in \"databases\"").arg(quoted(it.key())));
    v1.insert(u"databases", dbs);

    if (!rd.errors.isEmpty())
        return std::nullopt;
    return v1;
}

QString lineAndColumn(const QByteArray &data, qsizetype offset)
{
    offset = qBound(qsizetype(0), offset, data.size());
    qsizetype line = 1, col = 1;
    for (qsizetype i = 0; i < offset; ++i) {
        if (data.at(i) == '\n') {
            ++line;
            col = 1;
        } else if ((uchar(data.at(i)) & 0xc0) != 0x80) { // count characters, not UTF-8 continuation bytes
            ++col;
        }
    }
    return QStringLiteral("line %1, column %2").arg(line).arg(col);
}

} // namespace

LoadResult parseProject(const QByteArray &json)
{
    LoadResult r;
    QByteArray data = json;
    if (data.startsWith("\xEF\xBB\xBF"))
        data.remove(0, 3); // a UTF-8 byte order mark from some editors
    if (data.trimmed().isEmpty()) {
        r.errors << QStringLiteral(
            "the file is empty; a project file is JSON with \"format\": \"pgferry-project\"");
        return r;
    }
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(data, &pe);
    if (pe.error != QJsonParseError::NoError) {
        const bool atEnd = pe.offset >= data.size() || data.mid(pe.offset).trimmed().isEmpty();
        if (atEnd)
            r.errors << QStringLiteral("the file ends unexpectedly at %1 (%2): it looks truncated")
                            .arg(lineAndColumn(data, pe.offset), pe.errorString());
        else
            r.errors << QStringLiteral("not valid JSON at %1: %2")
                            .arg(lineAndColumn(data, pe.offset), pe.errorString());
        return r;
    }
    if (!doc.isObject()) {
        r.errors << QStringLiteral("expected a JSON object at the top level, found an array");
        return r;
    }
    QJsonObject root = doc.object();
    Reader rd;

    const QJsonValue fmt = root.value(u"format");
    const QJsonValue ver = root.value(u"version");
    if (!fmt.isUndefined() && (!fmt.isString() || fmt.toString() != ProjectFormat)) {
        r.errors << QStringLiteral(
                        "format: expected \"pgferry-project\", found %1: this is not a pgferry project file")
                        .arg(describe(fmt));
        return r;
    }
    qint64 version = 0;
    if (ver.isUndefined()) {
        if (!fmt.isUndefined()) {
            r.errors << QStringLiteral("version: missing (this build reads versions 0 to %1)")
                            .arg(Project::CurrentVersion);
            return r;
        }
        if (!root.contains(u"source_uri") && !root.contains(u"target_uri")) {
            r.errors << QStringLiteral(
                "format: missing; this is not a pgferry project file (expected \"format\": "
                "\"pgferry-project\" and a \"version\")");
            return r;
        }
    } else {
        const double d = ver.toDouble(-1);
        if (!ver.isDouble() || !std::isfinite(d) || d != std::floor(d) || d < 0) {
            r.errors << QStringLiteral("version: expected a whole number, found %1").arg(describe(ver));
            return r;
        }
        if (d > Project::CurrentVersion) {
            r.errors << QStringLiteral(
                            "version: this file is version %1, written by a newer pgferry; this build reads "
                            "project files up to version %2. Open it with a newer pgferry.")
                            .arg(numberText(d))
                            .arg(Project::CurrentVersion);
            return r;
        }
        version = qint64(d);
        if (version >= 1 && fmt.isUndefined()) {
            r.errors << QStringLiteral("format: missing; a version %1 project file starts with \"format\": "
                                       "\"pgferry-project\"")
                            .arg(version);
            return r;
        }
    }
    if (version == 0) {
        const auto upgraded = upgradeFrom0(rd, root);
        if (!upgraded) {
            r.errors = rd.errors;
            return r;
        }
        root = *upgraded;
    }
    r.project = readV1(rd, root);
    r.errors = rd.errors;
    if (!r.errors.isEmpty())
        r.project.reset();
    return r;
}

LoadResult loadProjectFile(const QString &path)
{
    LoadResult r;
    const QString shown = path.isEmpty() ? QStringLiteral("(no file name)") : printable(path, 4096);
    auto fail = [&](const QString &message) {
        r.errors << shown + QStringLiteral(": ") + message;
        return r;
    };
    if (path.isEmpty())
        return fail(QStringLiteral("no project file given"));
    const QFileInfo fi(path);
    if (!fi.exists())
        return fail(QStringLiteral("no such file"));
    if (fi.isDir())
        return fail(QStringLiteral("is a folder, not a project file"));
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return fail(QStringLiteral("cannot read the file: %1").arg(f.errorString()));
    const QByteArray data = f.read(MaxFileBytes + 1);
    if (f.error() != QFileDevice::NoError)
        return fail(QStringLiteral("cannot read the file: %1").arg(f.errorString()));
    if (data.size() > MaxFileBytes)
        return fail(QStringLiteral("the file is larger than 16 MiB; a project file is a few kilobytes"));
    r = parseProject(data);
    for (QString &e : r.errors)
        e.prepend(shown + QStringLiteral(": "));
    return r;
}

QStringList checkRunnable(const Project &p)
{
    QStringList problems;
    const AzureContext &a = p.azure;
    if (p.engine == Engine::Azure && p.target.auth == Auth::Entra)
        problems << QStringLiteral("target.auth: \"entra\" is for the \"local\" engine; Azure's migration "
                                   "service signs in to the target with a password");
    if (p.engine == Engine::Azure && p.target.azureResourceId.isEmpty() &&
        (a.subscriptionId.isEmpty() || a.resourceGroup.isEmpty() || a.serverName.isEmpty()))
        problems << QStringLiteral(
            "target.azure_resource_id: missing; the \"azure\" engine runs the migration in Azure's migration "
            "service, which needs the target flexible server's resource id "
            "(/subscriptions/SUB/resourceGroups/RG/providers/Microsoft.DBforPostgreSQL/flexibleServers/NAME, "
            "listed by `pgferry-cli azure servers`). Set it (`pgferry-cli project new … --target-resource-id "
            "ID`), "
            "or set azure.subscription_id, azure.resource_group and azure.server_name, or use the \"local\" "
            "engine");
    if (p.settings.cutover.fallback && (p.mode != Mode::Online || p.engine != Engine::Local))
        problems << QStringLiteral(
            "settings.cutover.fallback: a fallback streams the new server's writes back into the old one "
            "after "
            "the cutover, which only an online migration run by the \"local\" engine does; turn it off, or "
            "use --mode online --engine local");
    else if (p.settings.cutover.fallback && !p.settings.cutover.makeSourceReadOnly)
        problems << QStringLiteral(
            "settings.cutover.fallback: the fallback applies the new server's writes to the old one, which "
            "must "
            "then take no writes of its own; set settings.cutover.make_source_read_only to true, or turn the "
            "fallback off");
    return problems;
}

QByteArray serializeProject(const Project &p)
{
    QJsonObject o;
    o.insert(u"format", QString(ProjectFormat));
    o.insert(u"version", Project::CurrentVersion);
    o.insert(u"id", p.id);
    o.insert(u"name", p.name);
    o.insert(u"mode", modeName(p.mode));
    o.insert(u"engine", engineName(p.engine));
    o.insert(u"source", profileToJson(p.source));
    o.insert(u"target", profileToJson(p.target));

    QJsonArray dbs;
    for (const DatabaseSelection &d : p.databases) {
        QJsonObject j;
        j.insert(u"name", d.name);
        j.insert(u"target_name", d.targetName);
        j.insert(u"include_tables", QJsonArray::fromStringList(d.includeTables));
        j.insert(u"exclude_tables", QJsonArray::fromStringList(d.excludeTables));
        mergeUnknown(j, d.unknownFields);
        dbs.append(j);
    }
    o.insert(u"databases", dbs);

    const AdvancedSettings &s = p.settings;
    QJsonObject settings{
        {QStringLiteral("jobs"), s.jobs},
        {QStringLiteral("index_jobs"), s.indexJobs},
        {QStringLiteral("split_threshold_bytes"), double(s.splitThresholdBytes)},
        {QStringLiteral("verify"), s.verify},
        {QStringLiteral("verify_level"), verifyLevelName(s.verifyLevel)},
        {QStringLiteral("schema"), QJsonObject{{QStringLiteral("overwrite"), s.schema.overwrite},
                                               {QStringLiteral("no_owner"), s.schema.noOwner},
                                               {QStringLiteral("no_acl"), s.schema.noAcl},
                                               {QStringLiteral("create_roles"), s.schema.createRoles},
                                               {QStringLiteral("capture_ddl"), s.schema.captureDdl}}},
        {QStringLiteral("cutover"),
         QJsonObject{{QStringLiteral("make_source_read_only"), s.cutover.makeSourceReadOnly},
                     {QStringLiteral("max_lag_bytes_for_ready"), double(s.cutover.maxLagBytesForReady)},
                     {QStringLiteral("drain_timeout_seconds"), s.cutover.drainTimeoutSeconds},
                     {QStringLiteral("fallback"), s.cutover.fallback}}}};
    o.insert(u"settings", settings);

    const AzureContext &a = p.azure;
    o.insert(u"azure", QJsonObject{{QStringLiteral("cloud"), a.cloud},
                                   {QStringLiteral("cloud_config_file"), a.cloudConfigFile},
                                   {QStringLiteral("tenant_id"), a.tenantId},
                                   {QStringLiteral("subscription_id"), a.subscriptionId},
                                   {QStringLiteral("resource_group"), a.resourceGroup},
                                   {QStringLiteral("server_name"), a.serverName},
                                   {QStringLiteral("migration_name"), a.migrationName}});
    if (!a.runtimeServer.isEmpty()) {
        QJsonObject az = o.value(u"azure").toObject();
        az.insert(QStringLiteral("runtime_server"), a.runtimeServer);
        o.insert(u"azure", az);
    }

    mergeUnknown(o, p.unknownFields);
    return QJsonDocument(o).toJson(QJsonDocument::Indented);
}

bool saveProjectFile(const Project &project, const QString &path, QString *error)
{
    auto fail = [&](const QString &message) {
        if (error)
            *error = message;
        return false;
    };
    if (path.isEmpty())
        return fail(QStringLiteral("no file name given to save the project"));
    if (QFileInfo(path).isDir())
        return fail(
            QStringLiteral("%1: is a folder; choose a file name such as migration.pgferry").arg(path));
    const QByteArray data = serializeProject(project);
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return fail(QStringLiteral("%1: cannot write: %2").arg(path, f.errorString()));
    if (f.write(data) != data.size()) {
        const QString why = f.errorString();
        f.cancelWriting();
        return fail(QStringLiteral("%1: cannot write: %2").arg(path, why));
    }
    if (!f.commit())
        return fail(QStringLiteral("%1: cannot save (the previous file, if any, is unchanged): %2")
                        .arg(path, f.errorString()));
    if (error)
        error->clear();
    return true;
}

} // namespace pgferry::project
