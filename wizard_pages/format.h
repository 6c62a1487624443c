// Human-readable numbers for the pages: sizes, counts, rates, durations, in the user's locale.
#pragma once

#include "engine/migrationstatus.h"

#include <QCoreApplication>
#include <QString>

#include <limits>

namespace pgferry::wizard {

class Format
{
    Q_DECLARE_TR_FUNCTIONS(Format)
public:
    static QString bytes(qint64 bytes); // "1.2 GB"; "–" when negative (unknown)
    static QString count(qint64 n);     // "12,345"
    // n for tr()'s plural choice (an int): counts above INT_MAX choose the same form as INT_MAX.
    static int plural(qint64 n)
    {
        return n > std::numeric_limits<int>::max() ? std::numeric_limits<int>::max() : int(n < 0 ? 0 : n);
    }
    static QString rows(double perSecond);      // "12,345 rows/s"
    static QString rate(double bytesPerSecond); // "12.3 MB/s"
    static QString duration(double seconds);    // "1 h 02 min", "42 s"; "–" when negative
    static QString runState(engine::RunState s);
    static QString phase(engine::DatabasePhase p);
    static QString tableState(engine::TableState s);
};

} // namespace pgferry::wizard
