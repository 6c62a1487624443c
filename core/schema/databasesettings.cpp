#include "schema/databasesettings.h"

#include <QSet>

namespace pgferry::schema {

namespace {

// Settings whose value is a list, each element quoted on its own (as pg_dump does).
bool isListSetting(const QString &name)
{
    static const QSet<QString> lists{QStringLiteral("search_path"),
                                     QStringLiteral("temp_tablespaces"),
                                     QStringLiteral("session_preload_libraries"),
                                     QStringLiteral("shared_preload_libraries"),
                                     QStringLiteral("local_preload_libraries"),
                                     QStringLiteral("unix_socket_directories")};
    return lists.contains(name.toLower());
}

// "public, \"My Schema\", \"$user\"" -> public, My Schema, $user
QStringList splitList(const QString &value)
{
    QStringList out;
    QString cur;
    bool inQuotes = false, wasQuoted = false;
    for (qsizetype i = 0; i < value.size(); ++i) {
        const QChar ch = value[i];
        if (inQuotes) {
            if (ch != u'"')
                cur += ch;
            else if (i + 1 < value.size() && value[i + 1] == u'"')
                cur += value[++i];
            else
                inQuotes = false;
            continue;
        }
        if (ch == u'"') {
            inQuotes = wasQuoted = true;
        } else if (ch == u',') {
            out << (wasQuoted ? cur : cur.trimmed());
            cur.clear();
            wasQuoted = false;
        } else if (!(ch.isSpace() && (wasQuoted || cur.isEmpty()))) {
            cur += ch;
        }
    }
    if (!value.trimmed().isEmpty())
        out << (wasQuoted ? cur : cur.trimmed());
    return out;
}

QString literal(const pg::Connection &c, const QString &s)
{
    Q_UNUSED(c);
    QString q = s;
    q.replace(u'\'', QStringLiteral("''"));
    if (q.contains(u'\\'))
        return QStringLiteral("E'") + q.replace(u'\\', QStringLiteral("\\\\")) + u'\'';
    return u'\'' + q + u'\'';
}

} // namespace

QString settingValueSql(const pg::Connection &c, const QString &name, const QString &value)
{
    if (!isListSetting(name))
        return literal(c, value);
    QStringList parts;
    for (const QString &e : splitList(value))
        parts << literal(c, e);
    return parts.isEmpty() ? QStringLiteral("''") : parts.join(QStringLiteral(", "));
}

DatabaseProperties readDatabaseProperties(pg::Connection &source, const QString &sourceDb,
                                          pg::Connection &target, const QString &targetDb,
                                          const QSet<QString> &ignoredGrantees)
{
    DatabaseProperties p;
    const QString db = target.quoteIdent(targetDb);
    pg::Result settings = source.exec(
        QStringLiteral("SELECT coalesce(r.rolname, ''), s.setrole <> 0, unnest(s.setconfig) "
                       "FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase "
                       "LEFT JOIN pg_roles r ON r.oid = s.setrole WHERE d.datname = $1 ORDER BY 2, 1, 3"),
        {sourceDb});
    QSet<QString> targetRoles;
    {
        pg::Result r = target.exec(QStringLiteral("SELECT rolname FROM pg_roles"));
        for (int i = 0; i < r.rows(); ++i)
            targetRoles.insert(r.text(i, 0));
    }
    for (int i = 0; i < settings.rows(); ++i) {
        const QString role = settings.text(i, 0);
        const bool perRole = settings.toBool(i, 1);
        const QString entry = settings.text(i, 2);
        const qsizetype eq = entry.indexOf(u'=');
        if (eq <= 0)
            continue;
        const QString name = entry.left(eq), value = entry.mid(eq + 1);
        if (!perRole && name == u"default_transaction_read_only")
            continue; // the cutover's switch on the source, not the application's
        const QString set =
            QStringLiteral("SET %1 = %2").arg(target.quoteIdent(name), settingValueSql(target, name, value));
        if (perRole) {
            if (!targetRoles.contains(role)) {
                p.skipped << QStringLiteral(
                                 "ALTER ROLE %1 IN DATABASE %2 %3: the role does not exist on the target")
                                 .arg(target.quoteIdent(role), db, set);
                continue;
            }
            p.statements
                << QStringLiteral("ALTER ROLE %1 IN DATABASE %2 %3").arg(target.quoteIdent(role), db, set);
        } else {
            p.statements << QStringLiteral("ALTER DATABASE %1 %2").arg(db, set);
        }
    }
    // Privileges on the database (CONNECT, CREATE, TEMPORARY), one statement each. The owner's are
    // its by ownership (the target database has an owner of its own); PUBLIC's are compared with
    // what a new database gives it (CONNECT and TEMPORARY): a REVOKE for what it lacks, a GRANT
    // for what it has beyond.
    pg::Result acl = source.exec(
        QStringLiteral("SELECT a.grantee = 0, coalesce(r.rolname, ''), a.privilege_type, a.is_grantable "
                       "FROM pg_database d, aclexplode(coalesce(d.datacl, acldefault('d', d.datdba))) a "
                       "LEFT JOIN pg_roles r ON r.oid = a.grantee "
                       "WHERE d.datname = $1 AND a.grantee <> d.datdba ORDER BY 1 DESC, 2, 3, 4"),
        {sourceDb});
    QSet<QString> publicHas;
    QStringList grants;
    for (int i = 0; i < acl.rows(); ++i) {
        const bool isPublic = acl.toBool(i, 0);
        const QString role = acl.text(i, 1), privilege = acl.text(i, 2);
        if (isPublic) {
            publicHas.insert(privilege);
            continue;
        }
        if (ignoredGrantees.contains(role))
            continue;
        const QString grant = QStringLiteral("GRANT %1 ON DATABASE %2 TO %3%4")
                                  .arg(privilege, db, target.quoteIdent(role),
                                       acl.toBool(i, 3) ? QStringLiteral(" WITH GRANT OPTION") : QString());
        if (!targetRoles.contains(role)) {
            p.skipped << grant + QStringLiteral(": the role does not exist on the target");
            continue;
        }
        if (!grants.contains(grant))
            grants << grant;
    }
    for (const QString &privilege : {QStringLiteral("CONNECT"), QStringLiteral("TEMPORARY")})
        if (!publicHas.contains(privilege))
            p.statements << QStringLiteral("REVOKE %1 ON DATABASE %2 FROM PUBLIC").arg(privilege, db);
    if (publicHas.contains(QStringLiteral("CREATE")))
        p.statements << QStringLiteral("GRANT CREATE ON DATABASE %1 TO PUBLIC").arg(db);
    p.statements += grants;
    pg::Result d = source.exec(QStringLiteral("SELECT datconnlimit, shobj_description(oid, 'pg_database') "
                                              "FROM pg_database WHERE datname = $1"),
                               {sourceDb});
    if (d.rows() == 1) {
        if (d.toInt(0, 0) != -1)
            p.statements
                << QStringLiteral("ALTER DATABASE %1 CONNECTION LIMIT %2").arg(db).arg(d.toInt(0, 0));
        if (!d.isNull(0, 1))
            p.statements
                << QStringLiteral("COMMENT ON DATABASE %1 IS %2").arg(db, literal(target, d.text(0, 1)));
    }
    return p;
}

QStringList compareDatabaseProperties(pg::Connection &source, const QString &sourceDb, pg::Connection &target,
                                      const QString &targetDb)
{
    const auto ownerOf = [](pg::Connection &c, const QString &db) {
        pg::Result r = c.exec(
            QStringLiteral("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = $1"), {db});
        return r.rows() == 1 ? r.text(0, 0) : QString();
    };
    // Each side as the statements that would give the target database the same; the other side's
    // owner is left out of each (it holds every privilege by ownership there).
    const DatabaseProperties want =
        readDatabaseProperties(source, sourceDb, target, targetDb, {ownerOf(target, targetDb)});
    const DatabaseProperties have =
        readDatabaseProperties(target, targetDb, target, targetDb, {ownerOf(source, sourceDb)});
    QStringList out;
    for (const QString &st : want.statements)
        if (!have.statements.contains(st))
            out << QStringLiteral("missing on the target: ") + st;
    for (const QString &st : have.statements)
        if (!want.statements.contains(st))
            out << QStringLiteral("only on the target: ") + st;
    return out;
}

QStringList applyDatabaseProperties(pg::Connection &target, const DatabaseProperties &p)
{
    QStringList failed;
    for (const QString &st : p.statements)
        if (auto err = target.tryExec(st))
            failed << QStringLiteral("%1: %2").arg(st, err->toString());
    return failed;
}

} // namespace pgferry::schema
