#include "applyrate.h"

namespace pgferry::wizard {

qint64 ApplyRate::changesApplied(const engine::MigrationStatus &s)
{
    qint64 n = 0;
    for (const engine::DatabaseStatus &d : s.databases)
        n += d.inserts + d.updates + d.deletes;
    return n;
}

double ApplyRate::sample(double seconds, qint64 applied)
{
    double rate = 0;
    if (m_lastApplied >= 0 && seconds > m_lastSeconds && applied >= m_lastApplied)
        rate = double(applied - m_lastApplied) / (seconds - m_lastSeconds);
    m_lastSeconds = seconds;
    m_lastApplied = applied;
    return rate;
}

void ApplyRate::reset()
{
    m_lastSeconds = 0;
    m_lastApplied = -1;
}

} // namespace pgferry::wizard
