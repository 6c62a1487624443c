#include "schema/roles.h"

namespace pgferry::schema {

RoleReport migrateRoles(pg::Connection &source, pg::Connection &target, bool managedTarget)
{
    RoleReport rep;
    const bool hasPolicies = source.serverVersion() >= 90500;
    QString sql = QStringLiteral(
        "WITH used AS ("
        "  SELECT relowner AS r FROM pg_class UNION SELECT nspowner FROM pg_namespace "
        "  UNION SELECT proowner FROM pg_proc UNION SELECT typowner FROM pg_type "
        "  UNION SELECT datdba FROM pg_database WHERE datname = current_database() "
        "  UNION SELECT lomowner FROM pg_largeobject_metadata "
        "  UNION SELECT (aclexplode(relacl)).grantee FROM pg_class WHERE relacl IS NOT NULL "
        "  UNION SELECT (aclexplode(nspacl)).grantee FROM pg_namespace WHERE nspacl IS NOT NULL "
        "  UNION SELECT (aclexplode(proacl)).grantee FROM pg_proc WHERE proacl IS NOT NULL "
        "  UNION SELECT (aclexplode(typacl)).grantee FROM pg_type WHERE typacl IS NOT NULL "
        "  UNION SELECT (aclexplode(lomacl)).grantee FROM pg_largeobject_metadata WHERE lomacl IS NOT NULL %1"
        ") SELECT r.rolname, r.rolsuper, r.rolcreatedb, r.rolcreaterole, r.rolcanlogin, r.rolreplication, "
        "  r.rolbypassrls, r.rolinherit, r.rolconnlimit "
        "FROM pg_roles r JOIN used u ON u.r = r.oid WHERE r.rolname !~ '^pg_' ORDER BY 1");
    sql = sql.arg(hasPolicies ? QStringLiteral("UNION SELECT unnest(polroles) FROM pg_policy") : QString());
    pg::Result roles = source.exec(sql);

    pg::Result me = target.exec(QStringLiteral("SELECT rolsuper FROM pg_roles WHERE rolname = current_user"));
    const bool targetSuper = me.toBool(0, 0);

    for (int i = 0; i < roles.rows(); ++i) {
        const QString name = roles.text(i, 0);
        pg::Result exists = target.exec(QStringLiteral("SELECT 1 FROM pg_roles WHERE rolname = $1"), {name});
        if (exists.rows() > 0) {
            rep.existing << name;
            continue;
        }
        QStringList attrs;
        auto privileged = [&](bool has, const char *attr) {
            if (!has)
                return;
            if (targetSuper && !managedTarget)
                attrs << QString::fromLatin1(attr);
            else
                rep.droppedAttributes
                    << QStringLiteral("%1: %2 (not allowed on the target)").arg(name, QLatin1String(attr));
        };
        privileged(roles.toBool(i, 1), "SUPERUSER");
        if (roles.toBool(i, 2))
            attrs << QStringLiteral("CREATEDB");
        if (roles.toBool(i, 3))
            attrs << QStringLiteral("CREATEROLE");
        if (roles.toBool(i, 4))
            attrs << QStringLiteral("LOGIN");
        privileged(roles.toBool(i, 5), "REPLICATION");
        privileged(roles.toBool(i, 6), "BYPASSRLS");
        attrs << (roles.toBool(i, 7) ? QStringLiteral("INHERIT") : QStringLiteral("NOINHERIT"));
        const qint64 limit = roles.toInt(i, 8, -1);
        if (limit >= 0)
            attrs << QStringLiteral("CONNECTION LIMIT %1").arg(limit);
        target.exec(QStringLiteral("CREATE ROLE %1 %2").arg(target.quoteIdent(name), attrs.join(u' ')));
        rep.created << name;
        if (roles.toBool(i, 4))
            rep.needPassword << name;
    }

    // Memberships between migrated roles.
    pg::Result members = source.exec(
        QStringLiteral("SELECT g.rolname, m.rolname, am.admin_option FROM pg_auth_members am "
                       "JOIN pg_roles g ON g.oid = am.roleid JOIN pg_roles m ON m.oid = am.member "
                       "WHERE g.rolname !~ '^pg_' AND m.rolname !~ '^pg_'"));
    const QStringList known = rep.created + rep.existing;
    for (int i = 0; i < members.rows(); ++i) {
        const QString group = members.text(i, 0), member = members.text(i, 1);
        if (!rep.created.contains(group) && !rep.created.contains(member))
            continue;
        if (!known.contains(group) || !known.contains(member))
            continue;
        target.tryExec(QStringLiteral("GRANT %1 TO %2%3")
                           .arg(target.quoteIdent(group), target.quoteIdent(member),
                                members.toBool(i, 2) ? QStringLiteral(" WITH ADMIN OPTION") : QString()));
    }
    return rep;
}

} // namespace pgferry::schema
