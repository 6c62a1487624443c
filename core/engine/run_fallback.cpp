// After a cutover with fallback: the slot on the new server, the stream of its writes back into the
// old one, and the way out (fail back to the old server, or end the fallback). "fallback_slot",
// "fallback_failing_back" and "fallback_outcome" are journaled: a run resumed after the cutover
// goes straight back to streaming, or finishes the fail-back it was in.
#include "engine/localrun.h"

#include "cutover/finish.h"
#include "engine/fallback.h"
#include "load/catalog.h"
#include "load/objects.h"
#include "pg/version.h"

#include <QDir>
#include <QJsonArray>
#include <QMutexLocker>

namespace pgferry::engine {

void LocalEngine::Run::createFallback(pg::Connection &target, pg::Connection &src)
{
    Journal &j = e.m_journal;
    if (j.done(db.name, QStringLiteral("fallback_slot")))
        return;
    const QString name = fallbackObjectName(objectName());
    const FallbackSlot slot =
        createFallbackSlot(target, e.m_config.target.withDatabase(db.effectiveTarget()), name, tables);
    j.setValue(db.name, QStringLiteral("fallback_plugin"), slot.plugin);
    j.setValue(db.name, QStringLiteral("fallback_lsn"), pg::formatLsn(slot.lsn));
    j.setObject(db.name, QStringLiteral("fallback_tables"),
                QJsonObject{{QStringLiteral("tables"), QJsonArray::fromStringList(slot.tables)}});
    j.markDone(db.name, QStringLiteral("fallback_slot"));
    saveJournal();
    log(QStringLiteral(
            "created the fallback slot %1 (%2) on the target at %3: from here on, what is written on the "
            "target streams back into the source")
            .arg(name, slot.plugin, pg::formatLsn(slot.lsn)));
    Q_UNUSED(src);
}

void LocalEngine::Run::fallback(Until until)
{
    const auto &settings = e.m_config.project.settings;
    Journal &j = e.m_journal;
    const QString tname = db.effectiveTarget();
    const QString name = fallbackObjectName(objectName());
    std::optional<pg::Connection> src, tgt; // for the schema check; opened again after a failure
    auto open = [&] {
        if (!src || !src->isOpen()) {
            src.emplace(connectSource(db.name));
            cutover::writeDespiteReadOnly(*src);
        }
        if (!tgt || !tgt->isOpen())
            tgt.emplace(connectTarget(tname));
    };
    open();
    if (tables.isEmpty())
        tables = load::readTables(*src, db);
    FallbackSlot slot;
    slot.plugin = j.value(db.name, QStringLiteral("fallback_plugin"));
    slot.lsn = pg::parseLsn(j.value(db.name, QStringLiteral("fallback_lsn")));
    for (const QJsonValue &v :
         j.databaseObject(db.name).value(u"fallback_tables").toObject().value(u"tables").toArray())
        slot.tables << v.toString();
    const QString encoding = tgt->exec(QStringLiteral("SHOW server_encoding")).text(0, 0);
    const QString spoolDir = e.m_config.stateDir + QStringLiteral("/db-%1/fallback-spool").arg(index);
    auto startStream = [&] {
        auto s = std::make_unique<ChangeStream>(fallbackStreamConfig(e.m_config.target.withDatabase(tname),
                                                                     e.m_config.source.withDatabase(db.name),
                                                                     name, slot, encoding, spoolDir,
                                                                     !settings.schema.noOwner),
                                                &e.m_stop);
        s->startReceiver();
        s->startApplier();
        return s;
    };
    std::unique_ptr<ChangeStream> stream = startStream();
    struct StopStream
    {
        std::unique_ptr<ChangeStream> &s;
        ~StopStream()
        {
            if (s)
                s->stop();
        }
    } stopStream{stream};
    setPhase(DatabasePhase::Fallback);
    setFallbackState(QStringLiteral("streaming"));
    log(QStringLiteral(
        "fallback: streaming the target's writes back into the source, which stays read-only for "
        "applications. `pgferry-cli fail-back` returns to the source; `pgferry-cli fallback end` "
        "ends the fallback"));
    QString lastError, failBackError;
    QStringList gaps;
    PeriodicCheck gapsCheck{5000, QStringLiteral("could not compare the schemas of the target and the "
                                                 "source (retrying): ")};
    bool failingBack = !j.value(db.name, QStringLiteral("fallback_failing_back")).isEmpty();
    while (true) {
        gapsCheck.runIfDue(
            [&] {
                open();
                gaps = fallbackSchemaGaps(*tgt, *src, tables);
            },
            [&] {
                src.reset();
                tgt.reset();
            },
            [this](const QString &line) { log(line); });
        const StreamStats s = stream->stats();
        if (s.lastError != lastError) {
            lastError = s.lastError;
            if (!lastError.isEmpty())
                log(QStringLiteral("fallback: ") + lastError + QStringLiteral(" (retrying)"));
        }
        if (!s.fatalError.isEmpty()) {
            QString cause = s.fatalError;
            while (cause.endsWith(u'.'))
                cause.chop(1);
            throw std::runtime_error(
                QStringLiteral("the cutover is complete, but the fallback stream from the target back "
                               "into the source stopped: %1. The target is not affected. Fix this and "
                               "run again to resume the fallback where it stopped, or end it with "
                               "`pgferry-cli fallback end`")
                    .arg(cause)
                    .toStdString());
        }
        // A request is taken before the status is written again: a new request clears the last
        // fail-back's failure, which must not show as this one's answer.
        std::optional<FallbackAction> asked;
        {
            QMutexLocker l(&e.m_mutex);
            if (auto it = e.m_fallbackRequests.find(index); it != e.m_fallbackRequests.end()) {
                asked = it.value();
                e.m_fallbackRequests.erase(it);
            }
        }
        if (asked)
            failBackError.clear();
        const qint64 lagBytes = streamLagBytes(s);
        const double lagSeconds = streamLagSeconds(s);
        QString reason;
        if (!failBackError.isEmpty())
            reason = QStringLiteral("fail-back did not complete: ") + failBackError;
        else if (!gaps.isEmpty())
            reason = QStringLiteral("the source cannot take what changed on the target: ") +
                     gaps.mid(0, 8).join(QStringLiteral("; "));
        else if (!s.receiving)
            reason = QStringLiteral("fallback not connected to the target's slot") +
                     (s.lastError.isEmpty() ? QString() : u": " + s.lastError);
        else if (!s.applying)
            reason = QStringLiteral("fallback not applying on the source") +
                     (s.lastError.isEmpty() ? QString() : u": " + s.lastError);
        {
            QMutexLocker l(&e.m_mutex);
            DatabaseStatus &ds = e.m_status.databases[index];
            ds.pendingChanges = s.pending();
            ds.lagBytes = std::max<qint64>(0, lagBytes);
            ds.lagSeconds = lagSeconds;
            ds.spoolBytes = s.spoolBytes;
            ds.readyForCutover = false;
            ds.notReadyReason = reason;
            ++e.m_version;
        }
        if (failingBack || asked == FallbackAction::FailBack) {
            failingBack = false;
            QString why;
            try { // as the schemas are now, not 5 s ago
                open();
                gaps = fallbackSchemaGaps(*tgt, *src, tables);
            } catch (const pg::Exception &ex) {
                src.reset();
                tgt.reset();
                why = QStringLiteral("could not compare the schemas of the target and the source: ") +
                      ex.error().toString();
            }
            if (why.isEmpty() && !gaps.isEmpty())
                why = QStringLiteral(
                          "the source cannot take what changed on the target: %1. Make the source's schema "
                          "match (or undo the change on the target), then fail back")
                          .arg(gaps.mid(0, 8).join(QStringLiteral("; ")));
            if (why.isEmpty() && failBack(stream, &why))
                return;
            failBackError = why;
            log(QStringLiteral(
                    "fail-back did not complete: %1. The target is writable again and the fallback goes on")
                    .arg(why));
            {
                QMutexLocker l(&e.m_mutex);
                e.m_status.errors
                    << QStringLiteral("database %1: fail-back did not complete: %2").arg(db.name, why);
                ++e.m_version;
            }
            if (!stream)
                stream = startStream();
            setPhase(DatabasePhase::Fallback);
            setFallbackState(QStringLiteral("streaming"));
            continue;
        }
        if (asked == FallbackAction::End) {
            endFallback(stream);
            return;
        }
        if (until == Until::Ready && s.receiving && s.applying && reason.isEmpty() &&
            lagBytes <= settings.cutover.maxLagBytesForReady)
            throw FallbackCaughtUp();
        checkStop();
        QThread::msleep(250);
    }
}

bool LocalEngine::Run::failBack(std::unique_ptr<ChangeStream> &stream, QString *why)
{
    const auto &settings = e.m_config.project.settings;
    Journal &j = e.m_journal;
    const QString tname = db.effectiveTarget();
    const QString name = fallbackObjectName(objectName());
    setPhase(DatabasePhase::FailingBack);
    setFallbackState(QStringLiteral("failing back"));
    j.setValue(db.name, QStringLiteral("fallback_failing_back"), QStringLiteral("yes"));
    saveJournal();
    pg::Connection tgt = connectTarget(tname);
    pg::Connection src = connectSource(db.name);
    cutover::writeDespiteReadOnly(tgt);
    cutover::writeDespiteReadOnly(src);
    auto undo = [&](const QString &reason) {
        *why = reason;
        if (auto err = cutover::makeWritable(tgt, tname))
            log(QStringLiteral("could not make the target database writable again (%1): run %2")
                    .arg(err->toString(), cutover::writableSql(tgt, tname)));
        j.setValue(db.name, QStringLiteral("fallback_failing_back"), QString());
        saveJournal();
        return false;
    };
    log(QStringLiteral("failing back: making the target database read-only and ending its other sessions"));
    cutover::makeReadOnly(tgt, tname);
    endOtherSessions(tgt, QStringLiteral("the target's"));
    const pg::Lsn drainPoint = pg::parseLsn(tgt.exec(pg::currentWalLsnSql(tgt.serverVersion())).text(0, 0));
    log(QStringLiteral(
            "failing back: waiting until every change on the target up to %1 is applied on the source")
            .arg(pg::formatLsn(drainPoint)));
    QString drainWhy;
    if (!stream->drainTo(drainPoint, settings.cutover.drainTimeoutSeconds, &drainWhy))
        return undo(drainWhy);
    stream->stop();
    stream.reset();
    QJsonObject fb{{QStringLiteral("drained_to"), pg::formatLsn(drainPoint)}};
    const cutover::SequencesSet seqs = cutover::carrySequences(tgt, src);
    if (!seqs.missing.isEmpty())
        log(QStringLiteral("sequences missing on the source: %1")
                .arg(seqs.missing.join(QStringLiteral(", "))));
    log(QStringLiteral("set %1 sequences on the source").arg(seqs.set));
    fb.insert(QStringLiteral("sequences"), seqs.set);
    if (settings.verify) {
        // The target is the reference now: it is compared as the "source" side.
        QList<cutover::TableRef> refs;
        for (const load::SourceTable &t : std::as_const(tables))
            refs << cutover::tableRef(t);
        const QList<cutover::TableVerification> results = cutover::verifyTables(
            e.m_config.target.withDatabase(tname), e.m_config.source.withDatabase(db.name), refs, jobs,
            &e.m_stop, settings.verifyLevel);
        checkStop();
        QJsonArray arr;
        // The target is the reference now: it was the verification's first side.
        const QStringList mismatches =
            verificationMismatches(results, arr, QStringLiteral("target"), QStringLiteral("source"));
        fb.insert(QStringLiteral("verification"), arr);
        report.insert(QStringLiteral("fallback"), fb);
        if (!mismatches.isEmpty())
            return undo(QStringLiteral(
                            "verification found %1 tables that differ between the target and the source: %2. "
                            "The source stays read-only")
                            .arg(mismatches.size())
                            .arg(mismatches.mid(0, 5).join(QStringLiteral("; "))));
        log(QStringLiteral("failing back: verified %1 tables, the source matches the target")
                .arg(results.size()));
    }
    // The source is the primary again.
    undoReadOnly(src);
    removeFallbackObjects(tgt, src, name, [this](const QString &line) { log(line); });
    QDir(e.m_config.stateDir + QStringLiteral("/db-%1/fallback-spool").arg(index)).removeRecursively();
    j.setValue(db.name, QStringLiteral("fallback_failing_back"), QString());
    j.setValue(db.name, QStringLiteral("fallback_outcome"), QStringLiteral("failed back"));
    saveJournal();
    fb.insert(QStringLiteral("outcome"), QStringLiteral("failed back"));
    fb.insert(QStringLiteral("at"), QDateTime::currentDateTimeUtc().toString(Qt::ISODate));
    report.insert(QStringLiteral("fallback"), fb);
    setFallbackState(QStringLiteral("failed back"));
    log(QStringLiteral(
            "failed back: the source has every write made on the target and is writable again; the target "
            "database %1 is read-only. Point the applications back at the source")
            .arg(tname));
    return true;
}

void LocalEngine::Run::endFallback(std::unique_ptr<ChangeStream> &stream)
{
    Journal &j = e.m_journal;
    stream->stop();
    stream.reset();
    pg::Connection tgt = connectTarget(db.effectiveTarget());
    pg::Connection src = connectSource(db.name);
    cutover::writeDespiteReadOnly(src);
    removeFallbackObjects(tgt, src, fallbackObjectName(objectName()),
                          [this](const QString &line) { log(line); });
    QDir(e.m_config.stateDir + QStringLiteral("/db-%1/fallback-spool").arg(index)).removeRecursively();
    j.setValue(db.name, QStringLiteral("fallback_outcome"), QStringLiteral("ended"));
    saveJournal();
    report.insert(QStringLiteral("fallback"),
                  QJsonObject{{QStringLiteral("outcome"), QStringLiteral("ended")},
                              {QStringLiteral("at"), QDateTime::currentDateTimeUtc().toString(Qt::ISODate)}});
    setFallbackState(QStringLiteral("ended"));
    log(QStringLiteral("fallback ended: the target stays the primary; the source stays read-only"));
}

} // namespace pgferry::engine
