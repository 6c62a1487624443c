// PostgreSQL log sequence numbers: parsing and printing the "16/B374D848" form.
#pragma once

#include <QString>
#include <QStringList>
#include <cstdint>

namespace pgferry::pg {

using Lsn = std::uint64_t;

inline Lsn parseLsn(const QString &text, bool *ok = nullptr)
{
    const auto parts = text.trimmed().split(u'/');
    bool ok1 = false, ok2 = false;
    Lsn v = 0;
    if (parts.size() == 2) {
        const quint64 hi = parts[0].toULongLong(&ok1, 16);
        const quint64 lo = parts[1].toULongLong(&ok2, 16);
        v = (hi << 32) | (lo & 0xffffffffULL);
    }
    if (ok)
        *ok = ok1 && ok2;
    return (ok1 && ok2) ? v : 0;
}

inline QString formatLsn(Lsn lsn)
{
    return QStringLiteral("%1/%2")
        .arg(QString::number(lsn >> 32, 16).toUpper())
        .arg(QString::number(lsn & 0xffffffffULL, 16).toUpper());
}

} // namespace pgferry::pg
