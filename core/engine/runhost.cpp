#include "engine/runhost.h"

#include "engine/migrationengine.h"

#include <QFile>

namespace pgferry::engine {

RunHost::RunHost(MigrationEngine *engine, QString stateDir, QObject *parent)
    : QObject(parent), m_engine(engine), m_stateDir(std::move(stateDir))
{
    m_poll.setInterval(300);
    connect(&m_poll, &QTimer::timeout, this, &RunHost::answerRequests);
    // Answers still go out while the engine winds down; the lock goes with the run.
    connect(engine, &MigrationEngine::finished, this, [this] {
        answerRequests();
        release();
    });
}

RunHost::~RunHost()
{
    release();
}

bool RunHost::claim(QString *error)
{
    if (m_held)
        return true;
    RunFiles::LiveRun holder;
    if (!RunFiles::claimLock(m_stateDir, &holder, error))
        return false;
    m_held = true;
    // A request left by an earlier run must not cut this one over (or stop it).
    for (const QString &f :
         {RunFiles::cutoverRequestFile(m_stateDir), RunFiles::cutoverResponseFile(m_stateDir),
          RunFiles::stopRequestFile(m_stateDir), RunFiles::retryRequestFile(m_stateDir),
          RunFiles::fallbackRequestFile(m_stateDir)})
        QFile::remove(f);
    m_poll.start();
    return true;
}

void RunHost::release()
{
    m_poll.stop();
    if (!m_held)
        return;
    m_held = false;
    RunFiles::releaseLock(m_stateDir);
}

void RunHost::answerRequests()
{
    if (!m_held || !m_engine)
        return;
    MigrationEngine *eng = m_engine;
    struct Channel
    {
        QString request, response;
        std::function<bool(const QJsonObject &, QString *)> handle;
    };
    const Channel channels[] = {
        {RunFiles::cutoverRequestFile(m_stateDir), RunFiles::cutoverResponseFile(m_stateDir),
         // {"database": NAME} for one database; empty (or no name): every one left. "fallback":
         // true or false overrides settings.cutover.fallback for this cutover.
         [eng](const QJsonObject &o, QString *why) {
             MigrationEngine::CutoverOptions options;
             if (o.value(u"fallback").isBool())
                 options.fallback = o.value(u"fallback").toBool();
             return eng->requestCutoverWith(o.value(u"database").toString(), options, why);
         }},
        {RunFiles::resyncRequestFile(m_stateDir), RunFiles::resyncResponseFile(m_stateDir),
         [eng](const QJsonObject &o, QString *why) {
             return eng->resyncTable(o.value(u"database").toString(), o.value(u"table").toString(), why);
         }},
        {RunFiles::fallbackRequestFile(m_stateDir), RunFiles::fallbackResponseFile(m_stateDir),
         [eng](const QJsonObject &o, QString *why) {
             const QString action = o.value(u"action").toString();
             if (action != u"fail-back" && action != u"end") {
                 *why = QStringLiteral("unknown fallback action \"%1\"").arg(action);
                 return false;
             }
             return eng->requestFallback(action == u"end" ? MigrationEngine::FallbackAction::End
                                                          : MigrationEngine::FallbackAction::FailBack,
                                         o.value(u"database").toString(), why);
         }},
        {RunFiles::retryRequestFile(m_stateDir), RunFiles::retryResponseFile(m_stateDir),
         [eng](const QJsonObject &o, QString *why) {
             return eng->retryTable(o.value(u"database").toString(), o.value(u"table").toString(), why);
         }},
        {RunFiles::stopRequestFile(m_stateDir), RunFiles::stopResponseFile(m_stateDir),
         [this, eng](const QJsonObject &, QString *) {
             if (m_stopNotice)
                 m_stopNotice(RunFiles::stopRequestFile(m_stateDir));
             eng->stop();
             return true;
         }},
    };
    for (const Channel &ch : channels) {
        const std::optional<QJsonObject> o = RunFiles::takeRequest(ch.request);
        if (!o)
            continue;
        QString why;
        const bool accepted = ch.handle(*o, &why);
        RunFiles::writeResponse(ch.response, accepted, why);
    }
}

} // namespace pgferry::engine
