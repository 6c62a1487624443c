// The rate at which a run applies streamed changes, derived from successive samples of its
// cumulative counters (inserts, updates and deletes of every database): the status carries the
// counts, not a rate, and a chart of the load's rates alone reads 0 all through streaming.
#pragma once

#include "engine/migrationstatus.h"

namespace pgferry::wizard {

class ApplyRate
{
public:
    static qint64 changesApplied(const engine::MigrationStatus &s);
    // Changes per second since the previous sample, `seconds` being the run's clock. 0 for the first
    // sample, after reset(), and when the clock or the counters went back (another run).
    double sample(double seconds, qint64 applied);
    double sample(double seconds, const engine::MigrationStatus &s)
    {
        return sample(seconds, changesApplied(s));
    }
    void reset();

private:
    double m_lastSeconds = 0;
    qint64 m_lastApplied = -1; // none yet
};

} // namespace pgferry::wizard
