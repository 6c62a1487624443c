#include "wizardservices.h"

namespace pgferry::wizard {

int AssessmentResult::count(Severity s) const
{
    int n = 0;
    for (const AssessmentItem &i : items)
        n += i.severity == s ? 1 : 0;
    return n;
}

Severity AssessmentResult::worst(const QString &database) const
{
    Severity w = Severity::Pass;
    for (const AssessmentItem &i : items)
        if ((database.isEmpty() || i.database.isEmpty() || i.database == database) && int(i.severity) > int(w))
            w = i.severity;
    return w;
}

} // namespace pgferry::wizard
