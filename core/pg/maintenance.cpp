#include "pg/maintenance.h"

#include <QStringList>

namespace pgferry::pg {

Connection openMaintenance(const ConnInfo &info, const std::function<Connection(const ConnInfo &)> &open,
                           ConnInfo *used)
{
    try {
        Connection c = open(info);
        if (used)
            *used = info;
        return c;
    } catch (const Exception &first) {
        if (first.error().sqlstate != u"3D000")
            throw;
        QStringList others;
        for (const QString &db : {QStringLiteral("postgres"), QStringLiteral("template1")}) {
            if (db == info.database)
                continue;
            const ConnInfo fallback = info.withDatabase(db);
            try {
                Connection c = open(fallback);
                if (used)
                    *used = fallback;
                return c;
            } catch (const Exception &e) {
                // Only a missing database sends us on to the next one, as createdb does.
                others << QStringLiteral("%1: %2").arg(db, e.error().message);
                if (e.error().sqlstate != u"3D000")
                    break;
            }
        }
        Error e = first.error();
        if (!others.isEmpty())
            e.hint = (e.hint.isEmpty() ? QString() : e.hint + u' ') +
                     QStringLiteral(
                         "The maintenance databases could not be used either (%1); name a database that "
                         "exists in the connection URI.")
                         .arg(others.join(QStringLiteral("; ")));
        throw Exception(e);
    }
}

} // namespace pgferry::pg
