#include "azure/fallbackreadiness.h"
#include "azure/armapi.h"
#include "azure/armclient.h"
#include "azure/projectsignin.h"

#include <algorithm>

namespace pgferry::azure {

QStringList FallbackReadiness::parameterNames()
{
    return {QStringLiteral("wal_level"), QStringLiteral("max_replication_slots"),
            QStringLiteral("max_wal_senders")};
}

FallbackReadiness FallbackReadiness::evaluate(const QList<ServerConfiguration> &parameters, int databases)
{
    FallbackReadiness r;
    const int needed = std::max(1, databases);
    for (const ServerConfiguration &c : parameters) {
        if (c.isConfigPendingRestart)
            r.pendingRestart << c.name;
        if (c.name == u"wal_level" && c.value != u"logical") {
            r.changes << ParameterChange{
                c.name, c.value, QStringLiteral("logical"),
                QStringLiteral("logical decoding on the new server streams its writes back to the old one")};
        } else if (c.name == u"max_replication_slots" || c.name == u"max_wal_senders") {
            bool ok = false;
            const int current = c.value.toInt(&ok);
            if (!ok || current < needed)
                r.changes << ParameterChange{
                    c.name, c.value, QString::number(std::max(kDefaultSlots, needed)),
                    QStringLiteral(
                        "one %1 per database streaming back (%2), besides replicas and high availability")
                        .arg(c.name == u"max_wal_senders" ? QStringLiteral("WAL sender")
                                                          : QStringLiteral("slot"))
                        .arg(needed)};
        }
    }
    // A change about to be made also needs the restart: list a pending one only once.
    for (const ParameterChange &ch : std::as_const(r.changes))
        r.pendingRestart.removeAll(ch.name);
    return r;
}

std::optional<FallbackReadiness> FallbackReadiness::read(ArmClient &client, const ResourceId &server,
                                                         int databases, ArmError *error)
{
    QList<ServerConfiguration> params;
    for (const QString &name : parameterNames()) {
        const ArmResult r = client.call(api::getConfiguration(server, name));
        if (!r.ok()) {
            if (error)
                *error = r.error;
            return std::nullopt;
        }
        ServerConfiguration c = ServerConfiguration::fromJson(r.body);
        if (c.name.isEmpty())
            c.name = name;
        params << c;
    }
    return evaluate(params, databases);
}

assess::Check fallbackParametersCheck(const ResourceId &server,
                                      const std::optional<FallbackReadiness> &readiness,
                                      const QString &readError, int databases)
{
    using assess::Fix;
    using assess::FixTarget;
    using assess::Severity;
    assess::Check c;
    c.id = QStringLiteral("target.azure_parameters");
    c.objects = {server.toString()};
    const QString command =
        QStringLiteral("pgferry-cli azure prepare-fallback --server %1 --databases %2 --yes")
            .arg(server.toString())
            .arg(databases);
    if (!readiness) {
        c.severity = Severity::Warning;
        c.message = QStringLiteral("The server parameters of Azure server %1 that a fallback needs could not "
                                   "be read through Azure "
                                   "Resource Manager: %2")
                        .arg(server.name, readError);
        c.setFixes({Fix{
            FixTarget::Manual,
            {},
            QStringLiteral("Sign in (AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET, or `pgferry-cli "
                           "azure login`) "
                           "with the Reader role on the server, then assess again; or check them yourself:\n"
                           "pgferry-cli azure prepare-fallback --server %1 --databases %2")
                .arg(server.toString())
                .arg(databases)}});
        return c;
    }
    if (readiness->ready()) {
        c.severity = Severity::Pass;
        c.message = QStringLiteral("Azure server %1 has wal_level logical and enough replication slots and "
                                   "WAL senders for the fallback.")
                        .arg(server.name);
        return c;
    }
    QStringList problems;
    for (const ParameterChange &ch : readiness->changes)
        problems << QStringLiteral("%1 is %2 (needs %3)")
                        .arg(ch.name, ch.current.isEmpty() ? QStringLiteral("unset") : ch.current, ch.wanted);
    if (!readiness->pendingRestart.isEmpty())
        problems << QStringLiteral("%1 set but not in effect until the server restarts")
                        .arg(readiness->pendingRestart.join(QStringLiteral(", ")));
    c.severity = Severity::Blocker;
    c.message = QStringLiteral("The fallback after cutover needs logical decoding on Azure server %1, but "
                               "%2. These are static server "
                               "parameters: they take effect after a restart, which takes the server offline "
                               "for a minute or two.")
                    .arg(server.name, problems.join(QStringLiteral("; ")));
    c.setFixes(
        {Fix{FixTarget::Manual,
             {},
             QStringLiteral(
                 "Set them and restart the server at a quiet moment (prints the plan without --yes):\n%1")
                 .arg(command)}});
    return c;
}

assess::Check fallbackParametersCheck(const project::Project &project)
{
    const int databases = int(project.databases.size());
    QString why;
    const auto server = ResourceId::parse(project.target.azureResourceId, &why);
    if (!server || !server->isFlexibleServer()) {
        assess::Check c;
        c.id = QStringLiteral("target.azure_parameters");
        c.severity = assess::Severity::Warning;
        c.message = QStringLiteral("The target's Azure resource id \"%1\" does not name a flexible server%2; "
                                   "the server parameters a "
                                   "fallback needs cannot be read through Azure Resource Manager.")
                        .arg(project.target.azureResourceId,
                             why.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(why));
        c.setFixes({assess::Fix{
            assess::FixTarget::Manual,
            {},
            QStringLiteral("Set target.azure_resource_id to /subscriptions/…/resourceGroups/…/providers/"
                           "Microsoft.DBforPostgreSQL/flexibleServers/NAME.")}});
        return c;
    }
    std::optional<ProjectSignIn> signIn = ProjectSignIn::forProject(project, &why);
    if (!signIn)
        return fallbackParametersCheck(*server, std::nullopt, why, databases);
    ArmClient client(signIn->cloud, signIn->credential.get());
    ArmError error;
    const auto readiness = FallbackReadiness::read(client, *server, databases, &error);
    return fallbackParametersCheck(*server, readiness, error.userMessage(), databases);
}

} // namespace pgferry::azure
