#include "cutover/finish.h"

#include "load/objects.h"
#include "schema/databasesettings.h"
#include "schema/reconcile.h"

#include <algorithm>

namespace pgferry::cutover {

SequencesSet carrySequences(pg::Connection &from, pg::Connection &to)
{
    const QList<load::SequenceValue> values = load::readSequences(from);
    SequencesSet out;
    out.missing = load::writeSequences(to, values);
    out.set = int(values.size() - out.missing.size());
    return out;
}

SchemaFinished finishKeysAndCompare(pg::Connection &source, pg::Connection &target,
                                    const QList<load::SourceTable> &tables)
{
    SchemaFinished out;
    out.created = schema::createMissingKeysAndTriggers(source, target, tables).created;
    out.differences = schema::compareSchemas(source, target, tables);
    return out;
}

PropertiesCarried carryDatabaseProperties(pg::Connection &source, const QString &sourceDb,
                                          pg::Connection &target, const QString &targetDb)
{
    const schema::DatabaseProperties p = schema::readDatabaseProperties(source, sourceDb, target, targetDb);
    const QStringList failed = schema::applyDatabaseProperties(target, p);
    PropertiesCarried out;
    out.statements = p.statements;
    out.notCarried = failed + p.skipped;
    QStringList refused;
    for (const QString &st : p.statements)
        if (std::any_of(failed.begin(), failed.end(),
                        [&](const QString &f) { return f.startsWith(st + u':'); }))
            refused << st;
    out.carried = int(p.statements.size() - refused.size());
    out.refused = refused.join(u'\n');
    return out;
}

QStringList databasePropertyDifferences(pg::Connection &source, const QString &sourceDb,
                                        pg::Connection &target, const QString &targetDb,
                                        const QString &refused)
{
    const QStringList skip = refused.split(u'\n', Qt::SkipEmptyParts);
    QStringList out;
    for (const QString &d : schema::compareDatabaseProperties(source, sourceDb, target, targetDb))
        if (std::none_of(skip.begin(), skip.end(), [&](const QString &st) { return d.endsWith(u": " + st); }))
            out << d;
    return out;
}

} // namespace pgferry::cutover
