// The result of an assessment: every check, as JSON, as an HTML page, and as one fix script.
#pragma once

#include "assess/check.h"

#include <QJsonObject>
#include <QList>
#include <QString>

namespace pgferry::assess {

struct AssessmentReport
{
    QList<Check> checks;

    bool hasBlockers() const;
    int count(Severity s) const;
    // "2 blockers, 1 warning, 0 infos, 20 passed": the counts in words, for reports and the CLI.
    QString countsText() const;
    // The checks with this id (one per database for per-database checks).
    QList<Check> find(const QString &id) const;
    // The most severe check with this id, or nullptr.
    const Check *worst(const QString &id) const;

    // {"checks":[{id,severity,database,objects,message,remediation,fixes}], "blockers":N, "warnings":N,
    //  "infos":N, "passed":N, "ok":bool}
    QJsonObject toJson() const;
    static AssessmentReport fromJson(const QJsonObject &o);
    // A self-contained page (inline CSS, every text escaped), blockers first.
    QString toHtml(const QString &title = QStringLiteral("pgferry assessment")) const;
    // Every remediation combined, grouped by where to apply it: source SQL (per database),
    // source postgresql.conf, source pg_hba.conf, target SQL, target parameters, other steps.
    QString fixScript() const;
};

} // namespace pgferry::assess
