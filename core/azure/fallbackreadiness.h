// What a fallback after cutover (settings.cutover.fallback) needs from an Azure flexible server, read
// through ARM: wal_level logical and a replication slot and WAL sender for each database that streams
// back. These are static server parameters: a new value takes effect only after a restart
// (Servers_Restart, a long-running POST), which takes the server offline briefly, so pgferry sets them
// and restarts only with the administrator's consent (`pgferry-cli azure prepare-fallback --yes`).
#pragma once

#include "assess/check.h"
#include "azure/armerror.h"
#include "azure/armmodels.h"
#include "azure/resourceid.h"
#include "project/project.h"

#include <QList>
#include <QStringList>

#include <optional>

namespace pgferry::azure {

class ArmClient;

struct ParameterChange
{
    QString name;
    QString current;
    QString wanted;
    QString reason;
};

struct FallbackReadiness
{
    QList<ParameterChange> changes; // to set, then restart
    QStringList pendingRestart;     // already set, in effect after the next restart

    bool ready() const { return changes.isEmpty() && pendingRestart.isEmpty(); }

    // The parameters it reads: wal_level, max_replication_slots, max_wal_senders.
    static QStringList parameterNames();
    // Azure's defaults for slots and senders; a lower value is raised to at least this.
    static constexpr int kDefaultSlots = 10;
    // From the parameters as ARM reports them, for `databases` databases streaming back.
    static FallbackReadiness evaluate(const QList<ServerConfiguration> &parameters, int databases);
    // Reads the parameters (one GET each, blocking); nullopt with *error otherwise.
    static std::optional<FallbackReadiness> read(ArmClient &client, const ResourceId &server, int databases,
                                                 ArmError *error);
};

// The assessment's "target.azure_parameters" check for a fallback: pass, or a blocker with the
// `pgferry-cli azure prepare-fallback` command for this server; `readError` when ARM could not be read.
assess::Check fallbackParametersCheck(const ResourceId &server,
                                      const std::optional<FallbackReadiness> &readiness,
                                      const QString &readError, int databases);
// The same for a project whose target names its Azure resource id: signs in as the managed engine
// does (ProjectSignIn), reads, and never throws; blocking (runs a local event loop).
assess::Check fallbackParametersCheck(const project::Project &project);

} // namespace pgferry::azure
