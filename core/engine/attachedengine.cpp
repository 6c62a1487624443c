#include "engine/attachedengine.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>

namespace pgferry::engine {

namespace {
constexpr qint64 kAnswerWaitMs = 5000;
} // namespace

AttachedEngine::AttachedEngine(const QString &stateDir, const RunFiles::LiveRun &run, QObject *parent)
    : MigrationEngine(parent), m_stateDir(stateDir), m_run(run)
{
    m_timer.setInterval(1000);
    connect(&m_timer, &QTimer::timeout, this, &AttachedEngine::poll);
    m_status = MigrationStatus::fromJson(RunFiles::readStatus(m_stateDir));
}

AttachedEngine::~AttachedEngine() = default;

void AttachedEngine::start(Until)
{
    if (m_following)
        return;
    m_following = true;
    // The lines the run logged before we came are not news.
    for (const QString &line : std::as_const(m_status.log))
        m_logSeen.insert(line);
    Q_EMIT logLine(QStringLiteral("Attached to the run in progress (pid %1 on %2), which another process "
                                  "runs; it goes on when this one lets go.")
                       .arg(m_run.pid)
                       .arg(m_run.host));
    m_timer.start();
    poll();
}

void AttachedEngine::poll()
{
    // Whether the run lives, before its status: the status it writes last, before it lets go of
    // its lock, is then the one read when it is found gone.
    const bool alive = RunFiles::liveRun(m_stateDir).pid == m_run.pid;
    const QJsonObject o = RunFiles::readStatus(m_stateDir);
    const QString text = QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
    if (!o.isEmpty() && text != m_lastStatusText) {
        m_lastStatusText = text;
        m_status = MigrationStatus::fromJson(o);
        for (const QString &line : std::as_const(m_status.log))
            if (!m_logSeen.contains(line)) {
                m_logSeen.insert(line);
                Q_EMIT logLine(line);
            }
    }
    for (auto it = m_pending.begin(); it != m_pending.end();) {
        const QJsonObject answer = RunFiles::readResponse(it.key());
        if (answer.isEmpty()) {
            ++it;
            continue;
        }
        if (!answer.value(u"accepted").toBool())
            Q_EMIT logLine(
                QStringLiteral("The run refused %1: %2").arg(it.value(), answer.value(u"reason").toString()));
        it = m_pending.erase(it);
    }
    if (alive) {
        if (!o.isEmpty())
            Q_EMIT statusChanged(m_status);
        return;
    }
    // The run has ended. What it recorded last is its end, unless it ended without saying so
    // (killed, or `--until ready` done): then nothing streams any more, and it is stopped.
    m_timer.stop();
    m_following = false;
    const RunState s = m_status.state;
    const bool terminal = s == RunState::Completed || s == RunState::Failed || s == RunState::Cancelled ||
                          s == RunState::Stopped || s == RunState::Fallback;
    if (!terminal) {
        m_status.state = RunState::Stopped;
        Q_EMIT logLine(QStringLiteral("The run (pid %1) has ended; resuming it continues where it stopped.")
                           .arg(m_run.pid));
    }
    Q_EMIT statusChanged(m_status);
    Q_EMIT finished(m_status.state == RunState::Completed || m_status.state == RunState::Fallback);
}

bool AttachedEngine::ask(const QString &what, const QString &request, const QString &response,
                         const QJsonObject &body, QString *whyNot)
{
    if (!m_following || RunFiles::liveRun(m_stateDir).pid != m_run.pid) {
        if (whyNot)
            *whyNot = QStringLiteral("the run (pid %1) is no longer in progress").arg(m_run.pid);
        return false;
    }
    QString error;
    if (!RunFiles::writeRequest(request, response, body, &error)) {
        if (whyNot)
            *whyNot = error;
        return false;
    }
    // The run takes requests a few times a second: wait for its answer (the events go on, as in a
    // dialog), so that a refusal reaches the caller as `pgferry-cli cutover` hears it. A run busy
    // for longer answers later, into the log.
    QEventLoop loop;
    QTimer tick;
    QElapsedTimer waited;
    waited.start();
    QJsonObject answer;
    connect(&tick, &QTimer::timeout, &loop, [&] {
        answer = RunFiles::readResponse(response);
        if (!answer.isEmpty() || waited.elapsed() > kAnswerWaitMs ||
            RunFiles::liveRun(m_stateDir).pid != m_run.pid)
            loop.quit();
    });
    tick.start(100);
    loop.exec();
    if (answer.isEmpty()) {
        m_pending.insert(response, what);
        return true;
    }
    QFile::remove(response);
    if (!answer.value(u"accepted").toBool()) {
        if (whyNot)
            *whyNot = answer.value(u"reason").toString();
        return false;
    }
    return true;
}

bool AttachedEngine::requestCutover(QString *whyNot)
{
    return requestCutoverWith({}, {}, whyNot);
}

bool AttachedEngine::requestCutoverOf(const QString &database, QString *whyNot)
{
    return requestCutoverWith(database, {}, whyNot);
}

bool AttachedEngine::requestCutoverWith(const QString &database, const CutoverOptions &options,
                                        QString *whyNot)
{
    // As `pgferry-cli cutover` decides: the whole project only when it streams; one database is
    // asked for by name and the run answers for it.
    if (database.isEmpty() && !m_status.readyForCutover() && m_status.state != RunState::Streaming) {
        if (whyNot)
            *whyNot =
                QStringLiteral("not ready for cutover yet (state %1)").arg(runStateName(m_status.state));
        return false;
    }
    return ask(database.isEmpty() ? QStringLiteral("the cutover")
                                  : QStringLiteral("the cutover of %1").arg(database),
               RunFiles::cutoverRequestFile(m_stateDir), RunFiles::cutoverResponseFile(m_stateDir),
               RunFiles::cutoverRequest(database, options.fallback), whyNot);
}

void AttachedEngine::stop()
{
    QString why;
    if (!ask(QStringLiteral("to stop"), RunFiles::stopRequestFile(m_stateDir),
             RunFiles::stopResponseFile(m_stateDir), {}, &why))
        Q_EMIT logLine(QStringLiteral("Cannot ask the run to stop: %1").arg(why));
}

bool AttachedEngine::retryTable(const QString &database, const QString &table, QString *whyNot)
{
    return ask(QStringLiteral("to load %1 again").arg(table), RunFiles::retryRequestFile(m_stateDir),
               RunFiles::retryResponseFile(m_stateDir), RunFiles::tableRequest(database, table), whyNot);
}

bool AttachedEngine::resyncTable(const QString &database, const QString &table, QString *whyNot)
{
    return ask(QStringLiteral("to copy %1 again").arg(table), RunFiles::resyncRequestFile(m_stateDir),
               RunFiles::resyncResponseFile(m_stateDir), RunFiles::tableRequest(database, table), whyNot);
}

bool AttachedEngine::requestFallback(FallbackAction action, const QString &database, QString *whyNot)
{
    const bool failBack = action == FallbackAction::FailBack;
    return ask(failBack ? QStringLiteral("the fail-back") : QStringLiteral("to end the fallback"),
               RunFiles::fallbackRequestFile(m_stateDir), RunFiles::fallbackResponseFile(m_stateDir),
               RunFiles::fallbackRequest(failBack, database), whyNot);
}

} // namespace pgferry::engine
