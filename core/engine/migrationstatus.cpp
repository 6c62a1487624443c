#include "engine/migrationstatus.h"

#include <QJsonArray>

namespace pgferry::engine {

namespace {

template<typename E, std::size_t N> QString nameOf(const std::array<const char16_t *, N> &names, E v)
{
    const auto i = std::size_t(v);
    return i < N ? QString::fromUtf16(names[i]) : QStringLiteral("unknown");
}

template<typename E, std::size_t N>
E fromName(const std::array<const char16_t *, N> &names, const QString &s, E fallback)
{
    for (std::size_t i = 0; i < N; ++i)
        if (s == QStringView(names[i]))
            return E(i);
    return fallback;
}

const std::array<const char16_t *, 12> kRunStates{
    u"not_started", u"assessing", u"preparing", u"running", u"streaming", u"cutting_over",
    u"completed",   u"failed",    u"cancelled", u"stopped", u"fallback",  u"failing_back"};
const std::array<const char16_t *, 13> kPhases{
    u"pending", u"assess", u"prepare", u"schema", u"full_load", u"post_data",   u"streaming",
    u"cutover", u"verify", u"done",    u"failed", u"fallback",  u"failing_back"};
const std::array<const char16_t *, 6> kTableStates{u"queued",   u"loading", u"loaded",
                                                   u"indexing", u"done",    u"failed"};

QJsonArray toArray(const QStringList &l)
{
    QJsonArray a;
    for (const QString &s : l)
        a.append(s);
    return a;
}

QStringList fromArray(const QJsonValue &v)
{
    QStringList l;
    for (const QJsonValue &x : v.toArray())
        l << x.toString();
    return l;
}

} // namespace

QString runStateName(RunState s)
{
    return nameOf(kRunStates, s);
}
QString phaseName(DatabasePhase p)
{
    return nameOf(kPhases, p);
}
QString tableStateName(TableState s)
{
    return nameOf(kTableStates, s);
}
RunState runStateFromName(const QString &s)
{
    return fromName(kRunStates, s, RunState::NotStarted);
}
DatabasePhase phaseFromName(const QString &s)
{
    return fromName(kPhases, s, DatabasePhase::Pending);
}
TableState tableStateFromName(const QString &s)
{
    return fromName(kTableStates, s, TableState::Queued);
}

double TableStatus::percent() const
{
    if (state == TableState::Done || state == TableState::Loaded || state == TableState::Indexing)
        return 100.0;
    if (bytesEstimated > 0)
        return std::min(99.0, 100.0 * double(bytesCopied) / double(bytesEstimated));
    if (rowsEstimated > 0)
        return std::min(99.0, 100.0 * double(rowsCopied) / double(rowsEstimated));
    return 0.0;
}

QJsonObject TableStatus::toJson() const
{
    QJsonObject o{{QStringLiteral("schema"), schema},
                  {QStringLiteral("name"), name},
                  {QStringLiteral("state"), tableStateName(state)},
                  {QStringLiteral("rows_estimated"), rowsEstimated},
                  {QStringLiteral("rows_copied"), rowsCopied},
                  {QStringLiteral("bytes_estimated"), bytesEstimated},
                  {QStringLiteral("bytes_copied"), bytesCopied},
                  {QStringLiteral("ranges_total"), rangesTotal},
                  {QStringLiteral("ranges_done"), rangesDone},
                  {QStringLiteral("duration_seconds"), durationSeconds},
                  {QStringLiteral("percent"), percent()},
                  {QStringLiteral("inserts"), inserts},
                  {QStringLiteral("updates"), updates},
                  {QStringLiteral("deletes"), deletes}};
    if (!error.isEmpty())
        o.insert(QStringLiteral("error"), error);
    return o;
}

TableStatus TableStatus::fromJson(const QJsonObject &o)
{
    TableStatus t;
    t.schema = o.value(u"schema").toString();
    t.name = o.value(u"name").toString();
    t.state = tableStateFromName(o.value(u"state").toString());
    t.rowsEstimated = o.value(u"rows_estimated").toInteger();
    t.rowsCopied = o.value(u"rows_copied").toInteger();
    t.bytesEstimated = o.value(u"bytes_estimated").toInteger();
    t.bytesCopied = o.value(u"bytes_copied").toInteger();
    t.rangesTotal = o.value(u"ranges_total").toInt(1);
    t.rangesDone = o.value(u"ranges_done").toInt();
    t.durationSeconds = o.value(u"duration_seconds").toDouble();
    t.inserts = o.value(u"inserts").toInteger();
    t.updates = o.value(u"updates").toInteger();
    t.deletes = o.value(u"deletes").toInteger();
    t.error = o.value(u"error").toString();
    return t;
}

QString ReadinessCheck::stateName(State s)
{
    switch (s) {
    case State::Ok:
        return QStringLiteral("ok");
    case State::Blocking:
        return QStringLiteral("blocking");
    case State::Info:
        return QStringLiteral("info");
    case State::Pending:
        break;
    }
    return QStringLiteral("pending");
}

QJsonObject ReadinessCheck::toJson() const
{
    QJsonObject o{{QStringLiteral("check"), check},
                  {QStringLiteral("state"), stateName(state)},
                  {QStringLiteral("summary"), summary}};
    if (!details.isEmpty())
        o.insert(QStringLiteral("details"), toArray(details));
    if (!statements.isEmpty())
        o.insert(QStringLiteral("statements"), toArray(statements));
    return o;
}

ReadinessCheck ReadinessCheck::fromJson(const QJsonObject &o)
{
    ReadinessCheck c;
    c.check = o.value(u"check").toString();
    const QString st = o.value(u"state").toString();
    c.state = st == u"ok"         ? State::Ok
              : st == u"blocking" ? State::Blocking
              : st == u"info"     ? State::Info
                                  : State::Pending;
    c.summary = o.value(u"summary").toString();
    c.details = fromArray(o.value(u"details"));
    c.statements = fromArray(o.value(u"statements"));
    return c;
}

QJsonObject SchemaChange::toJson() const
{
    return QJsonObject{{QStringLiteral("object"), object},       {QStringLiteral("kind"), kind},
                       {QStringLiteral("statement"), statement}, {QStringLiteral("state"), state},
                       {QStringLiteral("detail"), detail},       {QStringLiteral("lsn"), lsn}};
}

SchemaChange SchemaChange::fromJson(const QJsonObject &o)
{
    SchemaChange c;
    c.object = o.value(u"object").toString();
    c.kind = o.value(u"kind").toString();
    c.statement = o.value(u"statement").toString();
    c.state = o.value(u"state").toString();
    c.detail = o.value(u"detail").toString();
    c.lsn = o.value(u"lsn").toString();
    return c;
}

QJsonObject DatabaseStatus::toJson() const
{
    QJsonArray ts;
    for (const TableStatus &t : tables)
        ts.append(t.toJson());
    QJsonArray changes;
    for (const SchemaChange &c : schemaChanges)
        changes.append(c.toJson());
    QJsonArray checks;
    for (const ReadinessCheck &c : readiness)
        checks.append(c.toJson());
    return QJsonObject{{QStringLiteral("name"), name},
                       {QStringLiteral("target_name"), targetName},
                       {QStringLiteral("phase"), phaseName(phase)},
                       {QStringLiteral("tables_total"), tablesTotal},
                       {QStringLiteral("tables_queued"), tablesQueued},
                       {QStringLiteral("tables_loading"), tablesLoading},
                       {QStringLiteral("tables_done"), tablesDone},
                       {QStringLiteral("tables_failed"), tablesFailed},
                       {QStringLiteral("rows_copied"), rowsCopied},
                       {QStringLiteral("bytes_copied"), bytesCopied},
                       {QStringLiteral("bytes_total"), bytesTotal},
                       {QStringLiteral("inserts"), inserts},
                       {QStringLiteral("updates"), updates},
                       {QStringLiteral("deletes"), deletes},
                       {QStringLiteral("pending_changes"), pendingChanges},
                       {QStringLiteral("lag_bytes"), lagBytes},
                       {QStringLiteral("lag_seconds"), lagSeconds},
                       {QStringLiteral("spool_bytes"), spoolBytes},
                       {QStringLiteral("rows_per_second"), rowsPerSecond},
                       {QStringLiteral("bytes_per_second"), bytesPerSecond},
                       {QStringLiteral("eta_seconds"), etaSeconds},
                       {QStringLiteral("changes_per_second"), changesPerSecond},
                       {QStringLiteral("ready_for_cutover"), readyForCutover},
                       {QStringLiteral("not_ready_reason"), notReadyReason},
                       {QStringLiteral("readiness"), checks},
                       {QStringLiteral("ddl_capture"), ddlCapture},
                       {QStringLiteral("fallback"), fallback},
                       {QStringLiteral("schema_changes"), changes},
                       {QStringLiteral("tables"), ts}};
}

DatabaseStatus DatabaseStatus::fromJson(const QJsonObject &o)
{
    DatabaseStatus d;
    d.name = o.value(u"name").toString();
    d.targetName = o.value(u"target_name").toString();
    d.phase = phaseFromName(o.value(u"phase").toString());
    d.tablesTotal = o.value(u"tables_total").toInt();
    d.tablesQueued = o.value(u"tables_queued").toInt();
    d.tablesLoading = o.value(u"tables_loading").toInt();
    d.tablesDone = o.value(u"tables_done").toInt();
    d.tablesFailed = o.value(u"tables_failed").toInt();
    d.rowsCopied = o.value(u"rows_copied").toInteger();
    d.bytesCopied = o.value(u"bytes_copied").toInteger();
    d.bytesTotal = o.value(u"bytes_total").toInteger();
    d.inserts = o.value(u"inserts").toInteger();
    d.updates = o.value(u"updates").toInteger();
    d.deletes = o.value(u"deletes").toInteger();
    d.pendingChanges = o.value(u"pending_changes").toInteger();
    d.lagBytes = o.value(u"lag_bytes").toInteger();
    d.lagSeconds = o.value(u"lag_seconds").toDouble();
    d.spoolBytes = o.value(u"spool_bytes").toInteger();
    d.rowsPerSecond = o.value(u"rows_per_second").toDouble();
    d.bytesPerSecond = o.value(u"bytes_per_second").toDouble();
    d.etaSeconds = o.value(u"eta_seconds").toDouble(-1);
    d.changesPerSecond = o.value(u"changes_per_second").toDouble();
    d.readyForCutover = o.value(u"ready_for_cutover").toBool();
    d.notReadyReason = o.value(u"not_ready_reason").toString();
    for (const QJsonValue &v : o.value(u"readiness").toArray())
        d.readiness.append(ReadinessCheck::fromJson(v.toObject()));
    for (const QJsonValue &v : o.value(u"tables").toArray())
        d.tables.append(TableStatus::fromJson(v.toObject()));
    d.ddlCapture = o.value(u"ddl_capture").toString();
    d.fallback = o.value(u"fallback").toString();
    for (const QJsonValue &v : o.value(u"schema_changes").toArray())
        d.schemaChanges.append(SchemaChange::fromJson(v.toObject()));
    return d;
}

bool MigrationStatus::readyForCutover() const
{
    if (state != RunState::Streaming)
        return false;
    // A database cut over on its own keeps readyForCutover false (it streams no more): it does
    // not hold the others back.
    bool any = false;
    for (const DatabaseStatus &d : databases) {
        if (d.cutOver())
            continue;
        if (!d.readyForCutover)
            return false;
        any = true;
    }
    return any;
}

qint64 MigrationStatus::rowsCopied() const
{
    qint64 n = 0;
    for (const auto &d : databases)
        n += d.rowsCopied;
    return n;
}

qint64 MigrationStatus::bytesCopied() const
{
    qint64 n = 0;
    for (const auto &d : databases)
        n += d.bytesCopied;
    return n;
}

double MigrationStatus::rowsPerSecond() const
{
    double n = 0;
    for (const auto &d : databases)
        n += d.rowsPerSecond;
    return n;
}

double MigrationStatus::bytesPerSecond() const
{
    double n = 0;
    for (const auto &d : databases)
        n += d.bytesPerSecond;
    return n;
}

qint64 MigrationStatus::lagBytes() const
{
    qint64 n = 0;
    for (const auto &d : databases)
        n = std::max(n, d.lagBytes);
    return n;
}

double MigrationStatus::lagSeconds() const
{
    double n = 0;
    for (const auto &d : databases)
        n = std::max(n, d.lagSeconds);
    return n;
}

QJsonObject MigrationStatus::toJson() const
{
    QJsonArray dbs;
    for (const auto &d : databases)
        dbs.append(d.toJson());
    QJsonObject o{{QStringLiteral("project_id"), projectId},
                  {QStringLiteral("engine"), engine},
                  {QStringLiteral("mode"), mode},
                  {QStringLiteral("state"), runStateName(state)},
                  {QStringLiteral("ready_for_cutover"), readyForCutover()},
                  {QStringLiteral("started_at"), startedAt.toString(Qt::ISODateWithMs)},
                  {QStringLiteral("updated_at"), updatedAt.toString(Qt::ISODateWithMs)},
                  {QStringLiteral("rows_copied"), rowsCopied()},
                  {QStringLiteral("bytes_copied"), bytesCopied()},
                  {QStringLiteral("rows_per_second"), rowsPerSecond()},
                  {QStringLiteral("bytes_per_second"), bytesPerSecond()},
                  {QStringLiteral("lag_bytes"), lagBytes()},
                  {QStringLiteral("lag_seconds"), lagSeconds()},
                  {QStringLiteral("databases"), dbs},
                  {QStringLiteral("errors"), toArray(errors)},
                  {QStringLiteral("log"), toArray(log)}};
    if (!engineState.isEmpty())
        o.insert(QStringLiteral("engine_state"), engineState);
    return o;
}

MigrationStatus MigrationStatus::fromJson(const QJsonObject &o)
{
    MigrationStatus s;
    s.projectId = o.value(u"project_id").toString();
    s.engine = o.value(u"engine").toString(QStringLiteral("local"));
    s.mode = o.value(u"mode").toString(QStringLiteral("offline"));
    s.state = runStateFromName(o.value(u"state").toString());
    s.startedAt = QDateTime::fromString(o.value(u"started_at").toString(), Qt::ISODateWithMs);
    s.updatedAt = QDateTime::fromString(o.value(u"updated_at").toString(), Qt::ISODateWithMs);
    for (const QJsonValue &v : o.value(u"databases").toArray())
        s.databases.append(DatabaseStatus::fromJson(v.toObject()));
    s.errors = fromArray(o.value(u"errors"));
    s.log = fromArray(o.value(u"log"));
    s.engineState = o.value(u"engine_state").toString();
    return s;
}

} // namespace pgferry::engine
