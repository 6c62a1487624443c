// What a table filter (a database's include/exclude patterns) keeps of a whole-database schema
// archive. `pg_dump --table` dumps a table without the schema, types, domains, sequences and
// functions it needs, and keeps foreign keys to tables it left out; so pgferry dumps everything
// and restores only this: the selected tables with their defaults, owned sequences, indexes,
// constraints, triggers, rules, policies, statistics, comments and grants; views and materialized
// views whose every relation is kept; and every object that holds no rows (schemas, types,
// domains, functions, extensions, free-standing sequences, ...), but for a schema the filter
// empties. What a kept object referred to and the filter leaves out (a foreign key to an excluded
// table, a view over one) is named.
#pragma once

#include "pg/connection.h"
#include "project/project.h"
#include "schema/toc.h"

#include <QJsonObject>
#include <QSet>
#include <QStringList>

namespace pgferry::schema {

class TocFilter
{
public:
    // Keeps everything (no patterns).
    TocFilter() = default;
    // Reads the source's catalog in the caller's snapshot (the dump's).
    static TocFilter read(pg::Connection &source, const project::DatabaseSelection &selection);

    bool active() const { return m_active; }
    bool keep(const TocEntry &e) const;
    QList<TocEntry> kept(const QList<TocEntry> &entries) const;
    // One line per object the filter leaves out although a kept object referred to it.
    QStringList notes() const { return m_notes; }

    // Saved beside the archives, so that a resumed run filters alike without the snapshot.
    QJsonObject toJson() const;
    static TocFilter fromJson(const QJsonObject &o);

    // Leaves out the schema (oid, name, owner on the source) with its comment, grants and default
    // privileges; read() calls it for schemas the filter empties.
    void leaveOutSchema(quint32 oid, const QString &name, const QString &owner);

private:
    bool m_active = false;
    QSet<quint32> m_relations;               // pg_class oids left out (tables, views, sequences, indexes)
    QSet<QPair<quint32, quint32>> m_objects; // (catalog, oid) left out: constraints, triggers, rules, ...
    QSet<QString> m_exact;   // TOC `rest` of entries named only by text (comments, grants, attach, owned by)
    QStringList m_prefixes;  // ... and their prefixes (column comments and grants, comments on constraints)
    QSet<QString> m_schemas; // schemas left out, by name
    QStringList m_notes;
};

} // namespace pgferry::schema
