// See liveness.h.
#include "pg/liveness.h"

namespace pgferry::pg {

Connection::LivenessProbe sessionLivenessProbe(const ConnInfo &info, int backendPid,
                                               std::chrono::milliseconds connectTimeout,
                                               std::function<void(const QString &)> note)
{
    return [info, backendPid, connectTimeout, note = std::move(note)]() -> QString {
        Connection probe;
        try {
            probe = Connection::open(info, {.timeout = connectTimeout});
        } catch (const Exception &e) {
            return QStringLiteral("the server does not answer a new connection either (%1)")
                .arg(e.error().message);
        }
        probe.setStatementTimeout(connectTimeout);
        Result r;
        if (const auto err = probe.tryExec(
                QStringLiteral("SELECT state, coalesce(wait_event_type, ''), coalesce(wait_event, '') "
                               "FROM pg_stat_activity WHERE pid = $1"),
                {Param(backendPid)}, &r))
            return QStringLiteral("the server does not answer a probe (%1)").arg(err->message);
        if (r.rows() == 0)
            return QStringLiteral("the server no longer has session %1").arg(backendPid);
        const QString state = r.text(0, 0), waitType = r.text(0, 1), waitEvent = r.text(0, 2);
        const bool waitsForUs =
            state.startsWith(u"idle") || waitEvent == u"ClientWrite" || waitEvent == u"ClientRead";
        if (!waitsForUs) {
            if (note && !waitType.isEmpty() && waitType != u"IO")
                note(QStringLiteral("session %1 is busy on the server, waiting for %2 %3")
                         .arg(backendPid)
                         .arg(waitType, waitEvent));
            return QString();
        }
        // The server waits for us while we wait for it: nothing crosses the link. End the session so
        // it lets go of its snapshot and locks (the same role may always end its own sessions).
        probe.tryExec(QStringLiteral("SELECT pg_terminate_backend($1)"), {Param(backendPid)});
        return QStringLiteral("session %1 on the server is %2 (%3) while nothing arrives here")
            .arg(backendPid)
            .arg(state, waitEvent.isEmpty() ? waitType : waitEvent);
    };
}

std::chrono::milliseconds livenessIdleDefault()
{
    bool ok = false;
    const int s = qEnvironmentVariableIntValue("PGFERRY_STALL_PROBE_SECONDS", &ok);
    return std::chrono::seconds(ok && s > 0 ? s : 30);
}

} // namespace pgferry::pg
