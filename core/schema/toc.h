// The table of contents of a pg_dump custom-format archive (`pg_restore -l`), and the split that
// Azure's migration guide asks administrators to make by hand: everything but foreign keys and
// triggers before the data, indexes and keys after it, foreign keys and triggers at cutover.
#pragma once

#include <QList>
#include <QString>

namespace pgferry::schema {

struct TocEntry
{
    QString line; // the original line, for pg_restore -L
    int dumpId = 0;
    QString desc; // "TABLE", "FK CONSTRAINT", "MATERIALIZED VIEW DATA", ...
    QString rest; // what follows desc: schema, name, owner
    quint32 catalogOid =
        0; // the object's catalog on the source (1259 pg_class, 2606 pg_constraint), 0 if none
    quint32 objectOid = 0; // the object's oid on the source
};

enum class TocGroup {
    PreData,  // restored before the load
    PostLoad, // indexes, primary/unique/exclusion constraints, policies, statistics: after the load
    Cutover,  // foreign keys, triggers, materialized view refreshes, their comments: at cutover
    Skip,     // never restored (our own objects)
};

QList<TocEntry> parseToc(const QString &listing);
// Classifies an entry of a --section=post-data archive.
TocGroup classifyPostData(const TocEntry &e);
// A list file for pg_restore -L containing only `entries`.
QString tocListing(const QList<TocEntry> &entries);

} // namespace pgferry::schema
