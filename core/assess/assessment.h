// The assessment: every prerequisite of an online (or offline) migration checked on the real source
// and target servers before anything moves, each with the exact fix. Blocking: run it on a worker thread.
#pragma once

#include "assess/assessmentreport.h"
#include "assess/check.h"
#include "pg/conninfo.h"
#include "project/project.h"

#include <QList>
#include <atomic>
#include <chrono>
#include <functional>

namespace pgferry::assess {

struct AssessmentInput
{
    pg::ConnInfo source; // password already resolved; database = the maintenance database
    pg::ConnInfo target;
    project::Mode mode = project::Mode::Online;
    project::Engine engine = project::Engine::Local;
    bool targetIsAzure = false; // a managed Azure flexible server: allow-listed extensions, no superuser
    QList<project::DatabaseSelection> databases;
    QString projectId; // the project's own pgferry_ slots are not reported as orphaned
    std::chrono::milliseconds connectTimeout{5000};
    const std::atomic_bool *cancel = nullptr; // set from another thread to stop early

    // Additive knobs (defaults match a new project).
    bool overwrite = false;  // the project may overwrite a non-empty target database
    bool createRoles = true; // the engine creates missing roles on the target
    bool captureDdl = true;  // online: schema changes carried by event triggers (schema.capture_ddl)
    bool fallback = false;   // online: the new server's writes stream back after cutover (cutover.fallback)
    std::chrono::milliseconds statementTimeout{60000};
    std::chrono::seconds longTransactionAge{300}; // open transactions older than this are reported
    // Checks that do not go through the servers' SQL (e.g. an Azure target's server parameters read
    // through Resource Manager), run in the calling thread while the probes run; blocking, never throws.
    std::function<QList<Check>()> extraChecks;
};

// The input for a project; `source` and `target` carry the resolved passwords. With a fallback and
// the target's Azure resource id, extraChecks reads its server parameters through ARM (signed in as
// the managed engine is: AZURE_* or the keychain).
AssessmentInput fromProject(const project::Project &p, pg::ConnInfo source, pg::ConnInfo target);

// Runs every check; source and target are probed in parallel, so one unreachable server never
// holds up the other. Never throws: failures become checks (connectivity, "could not check").
AssessmentReport assess(const AssessmentInput &input);

} // namespace pgferry::assess
