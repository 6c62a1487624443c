// Decoder for the pgoutput logical replication protocol (versions 1 and 2; in version 2 the
// streaming messages of large in-progress transactions are decoded too). Keeps the relation
// cache the protocol relies on and reports a changed relation (DDL on the source) as drift.
//
// The slot is started with: proto_version '1', publication_names 'pub' (and optionally
// messages 'true'). Values arrive in text form, printed with the walsender's session settings;
// start the replication connection with pg::exactTextFormsOptions() (as PostgreSQL's own
// subscriber does, plus money) so the target reads them back exactly. The binary option is refused.
#pragma once

#include "cdc/change.h"

#include <QHash>

namespace pgferry::cdc {

class PgOutputDecoder
{
public:
    // Decodes one XLogData payload. walStart is the message's position in the stream and becomes
    // Change::lsn. Throws DecodeError on malformed input, never reads outside `message`.
    Change decode(const QByteArray &message, pg::Lsn walStart = 0);

    // The cached description of a relation, or nullptr when no 'R' message has announced it.
    const Relation *relation(quint32 oid) const;
    // Type names announced by 'Y' messages (schema.name), by oid.
    QString typeName(quint32 oid) const { return m_types.value(oid); }
    void reset();

private:
    QHash<quint32, Relation> m_relations;
    QHash<quint32, QString> m_types;
    bool m_inStream = false;
};

} // namespace pgferry::cdc
