#include "cdc/change.h"

#include <QStringList>

namespace pgferry::cdc {

QString changeKindName(Change::Kind k)
{
    switch (k) {
    case Change::Begin:
        return QStringLiteral("BEGIN");
    case Change::Commit:
        return QStringLiteral("COMMIT");
    case Change::Relation:
        return QStringLiteral("RELATION");
    case Change::Insert:
        return QStringLiteral("INSERT");
    case Change::Update:
        return QStringLiteral("UPDATE");
    case Change::Delete:
        return QStringLiteral("DELETE");
    case Change::Truncate:
        return QStringLiteral("TRUNCATE");
    case Change::Type:
        return QStringLiteral("TYPE");
    case Change::Origin:
        return QStringLiteral("ORIGIN");
    case Change::Message:
        return QStringLiteral("MESSAGE");
    case Change::StreamStart:
        return QStringLiteral("STREAM START");
    case Change::StreamStop:
        return QStringLiteral("STREAM STOP");
    case Change::StreamCommit:
        return QStringLiteral("STREAM COMMIT");
    case Change::StreamAbort:
        return QStringLiteral("STREAM ABORT");
    }
    return QStringLiteral("UNKNOWN");
}

QString describeColumnChanges(const QList<Column> &before, const QList<Column> &after)
{
    QStringList parts;
    auto find = [](const QList<Column> &cols, const QString &name) -> const Column * {
        for (const Column &c : cols)
            if (c.name == name)
                return &c;
        return nullptr;
    };
    auto typeText = [](const Column &c) {
        return c.typeName.isEmpty() ? QStringLiteral("type %1").arg(c.typeOid) : c.typeName;
    };
    for (const Column &c : after) {
        const Column *o = find(before, c.name);
        if (!o)
            parts << QStringLiteral("column \"%1\" added").arg(c.name);
        else if (o->typeOid != c.typeOid || o->typmod != c.typmod || o->typeName != c.typeName)
            parts << QStringLiteral("column \"%1\" changed from %2 to %3")
                         .arg(c.name, typeText(*o), typeText(c));
    }
    for (const Column &c : before)
        if (!find(after, c.name))
            parts << QStringLiteral("column \"%1\" dropped").arg(c.name);
    if (parts.isEmpty()) {
        QStringList a, b;
        for (const Column &c : before)
            a << c.name;
        for (const Column &c : after)
            b << c.name;
        if (a != b)
            parts << QStringLiteral("columns reordered");
    }
    return parts.join(QStringLiteral("; "));
}

} // namespace pgferry::cdc
