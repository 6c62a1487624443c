// PostgreSQL version numbers as the server reports them (PQserverVersion: 90610 for 9.6.10,
// 170004 for 17.4), turned into majors that compare correctly. Before 10 a major has two parts
// (9.5 and 9.6 are different majors), so "version / 10000" is wrong there: use these.
#pragma once

#include <QString>

namespace pgferry::pg {

// A comparable major: 906 for 9.6.x, 1000 for 10.x, 1700 for 17.x; 0 for 0.
constexpr int majorKey(int serverVersion)
{
    return serverVersion >= 100000 ? (serverVersion / 10000) * 100 : serverVersion / 100;
}

// The major as people write it: "9.6", "17".
inline QString majorName(int serverVersion)
{
    if (serverVersion >= 100000)
        return QString::number(serverVersion / 10000);
    return QStringLiteral("%1.%2").arg(serverVersion / 10000).arg((serverVersion / 100) % 100);
}

// The same, from a majorKey (906 -> "9.6", 1700 -> "17").
inline QString majorKeyName(int key)
{
    return key >= 1000 ? QString::number(key / 100) : QStringLiteral("%1.%2").arg(key / 100).arg(key % 100);
}

constexpr bool sameMajor(int a, int b)
{
    return majorKey(a) == majorKey(b);
}

// Servers before 12 print a float with a fixed number of digits (15 by default, 17 with
// extra_float_digits 3), servers from 12 on its shortest exact form: 0.1 is "0.10000000000000001"
// on one and "0.1" on the other. Text forms of floats can only be compared within one era.
constexpr bool sameFloatTextForm(int a, int b)
{
    return (a >= 120000) == (b >= 120000);
}

// "SELECT the server's current WAL write position as text": 9.x calls it an xlog location.
inline QString currentWalLsnSql(int serverVersion)
{
    return serverVersion >= 100000 ? QStringLiteral("SELECT pg_current_wal_lsn()::text")
                                   : QStringLiteral("SELECT pg_current_xlog_location()::text");
}

// "SELECT the server's current WAL insert position as text": every record already inserted, committed
// or not, lies before it (the write position can lag behind commits made asynchronously).
inline QString currentWalInsertLsnSql(int serverVersion)
{
    return serverVersion >= 100000 ? QStringLiteral("SELECT pg_current_wal_insert_lsn()::text")
                                   : QStringLiteral("SELECT pg_current_xlog_insert_location()::text");
}

// The WAL a replication slot holds back, in bytes (numeric, NULL when its restart_lsn is), as an
// expression over a row of pg_replication_slots; the functions were renamed in 10.
inline QString slotRetainedWalSql(int serverVersion)
{
    return serverVersion >= 100000
               ? QStringLiteral("pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)")
               : QStringLiteral("pg_xlog_location_diff(pg_current_xlog_location(), restart_lsn)");
}

} // namespace pgferry::pg
