#include "schema/toc.h"

#include <QRegularExpression>
#include <QStringList>

namespace pgferry::schema {

namespace {
// Every desc pg_dump writes that has a space in it, longest first, so that prefixes match right.
const QStringList kMultiWordDescs{
    QStringLiteral("MATERIALIZED VIEW DATA"),
    QStringLiteral("FOREIGN DATA WRAPPER"),
    QStringLiteral("TEXT SEARCH CONFIGURATION"),
    QStringLiteral("TEXT SEARCH DICTIONARY"),
    QStringLiteral("TEXT SEARCH TEMPLATE"),
    QStringLiteral("TEXT SEARCH PARSER"),
    QStringLiteral("PUBLICATION TABLES IN SCHEMA"),
    QStringLiteral("PUBLICATION TABLE"),
    QStringLiteral("MATERIALIZED VIEW"),
    QStringLiteral("CHECK CONSTRAINT"),
    QStringLiteral("DEFAULT ACL"),
    QStringLiteral("EVENT TRIGGER"),
    QStringLiteral("FK CONSTRAINT"),
    QStringLiteral("FOREIGN TABLE"),
    QStringLiteral("INDEX ATTACH"),
    QStringLiteral("LARGE OBJECT"),
    QStringLiteral("OPERATOR CLASS"),
    QStringLiteral("OPERATOR FAMILY"),
    QStringLiteral("ROW SECURITY"),
    QStringLiteral("SEQUENCE OWNED BY"),
    QStringLiteral("SEQUENCE SET"),
    QStringLiteral("SERVER"),
    QStringLiteral("TABLE ATTACH"),
    QStringLiteral("TABLE DATA"),
    QStringLiteral("USER MAPPING"),
    QStringLiteral("PROCEDURAL LANGUAGE"),
    QStringLiteral("SHELL TYPE"),
    QStringLiteral("ACCESS METHOD"),
    QStringLiteral("BLOB METADATA"),
};
} // namespace

QList<TocEntry> parseToc(const QString &listing)
{
    // "215; 1259 16386 TABLE public actor postgres"
    static const QRegularExpression re(QStringLiteral("^(\\d+);\\s+(\\d+)\\s+(\\d+)\\s+(.*)$"));
    QList<TocEntry> out;
    for (const QString &line : listing.split(u'\n')) {
        if (line.startsWith(u';') || line.trimmed().isEmpty())
            continue;
        const auto m = re.match(line);
        if (!m.hasMatch())
            continue;
        TocEntry e;
        e.line = line;
        e.dumpId = m.captured(1).toInt();
        e.catalogOid = m.captured(2).toUInt();
        e.objectOid = m.captured(3).toUInt();
        const QString tail = m.captured(4);
        QString desc;
        for (const QString &d : kMultiWordDescs) {
            if (tail.startsWith(d + u' ') || tail == d) {
                desc = d;
                break;
            }
        }
        if (desc.isEmpty())
            desc = tail.section(u' ', 0, 0);
        e.desc = desc;
        e.rest = tail.mid(desc.size()).trimmed();
        out.append(e);
    }
    return out;
}

TocGroup classifyPostData(const TocEntry &e)
{
    const QString &d = e.desc;
    // pgferry's own schema-change capture on the source (its functions are in _pgferry, not dumped).
    if (d == u"EVENT TRIGGER" && e.rest.section(u' ', 1, 1).startsWith(u"pgferry_"))
        return TocGroup::Skip;
    // Foreign keys and triggers would fire or fail while rows arrive out of order; rules would
    // rewrite the streamed DML; row security would filter it. All of them come at cutover.
    if (d == u"FK CONSTRAINT" || d == u"TRIGGER" || d == u"EVENT TRIGGER" || d == u"MATERIALIZED VIEW DATA" ||
        d == u"RULE" || d == u"POLICY" || d == u"ROW SECURITY")
        return TocGroup::Cutover;
    if (d == u"COMMENT" || d == u"SECURITY" || d == u"ACL") {
        // Comments on triggers and constraints need them to exist: last.
        return TocGroup::Cutover;
    }
    if (d == u"PUBLICATION" || d == u"PUBLICATION TABLE" || d == u"PUBLICATION TABLES IN SCHEMA" ||
        d == u"SUBSCRIPTION") {
        // pgferry's own publication must never reach the target; others are reported, not copied.
        return TocGroup::Skip;
    }
    // INDEX, INDEX ATTACH, CONSTRAINT, CHECK CONSTRAINT, STATISTICS, ...
    return TocGroup::PostLoad;
}

QString tocListing(const QList<TocEntry> &entries)
{
    QString s;
    for (const TocEntry &e : entries)
        s += e.line + u'\n';
    return s;
}

} // namespace pgferry::schema
