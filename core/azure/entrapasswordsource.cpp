#include "azure/entrapasswordsource.h"
#include "azure/projectsignin.h"

#include <QThread>

#include <chrono>
#include <condition_variable>

namespace pgferry::azure {

namespace {

QString failure(const QString &reason)
{
    return QStringLiteral("could not get a Microsoft Entra ID token for the target database: %1; sign in "
                          "again with `pgferry-cli azure login`, or set AZURE_TENANT_ID, AZURE_CLIENT_ID "
                          "and AZURE_CLIENT_SECRET")
        .arg(reason);
}

// One caller's wait for the credential's answer.
struct Pending
{
    std::mutex mutex;
    std::condition_variable done;
    bool finished = false;
    QString token;
    QString error;
};

} // namespace

EntraPasswordSource::EntraPasswordSource(std::unique_ptr<Credential> credential, const QString &scope,
                                         int timeoutMs)
    : m_scope(scope), m_timeoutMs(timeoutMs)
{
    m_thread = new QThread;
    m_thread->setObjectName(QStringLiteral("pgferry-entra-token"));
    m_context = new QObject;
    m_credential = credential.release();
    m_credential->setParent(nullptr);
    m_credential->setTokenStore(nullptr, {});
    m_credential->setScope(scope);
    m_credential->setRequestTimeoutMs(timeoutMs);
    m_context->moveToThread(m_thread);
    m_credential->moveToThread(m_thread);
    // Both are deleted in their own thread as it ends (with its network access manager).
    QObject::connect(m_thread, &QThread::finished, m_context, &QObject::deleteLater);
    QObject::connect(m_thread, &QThread::finished, m_credential, &QObject::deleteLater);
    m_thread->start();
}

EntraPasswordSource::EntraPasswordSource(const QString &error) : m_signInError(error) {}

EntraPasswordSource::~EntraPasswordSource()
{
    if (m_thread) {
        m_thread->quit();
        m_thread->wait();
        delete m_thread;
    }
}

QString EntraPasswordSource::description() const
{
    return QStringLiteral("a Microsoft Entra ID token");
}

QString EntraPasswordSource::password(QString *error)
{
    if (error)
        error->clear();
    if (!m_thread) {
        if (error)
            *error = failure(m_signInError);
        return {};
    }
    std::lock_guard serial(m_mutex);
    auto pending = std::make_shared<Pending>();
    Credential *credential = m_credential;
    QObject *context = m_context;
    QMetaObject::invokeMethod(m_context, [credential, context, pending] {
        credential->token(context, [pending](const QString &token, const ArmError &e) {
            std::lock_guard lock(pending->mutex);
            pending->token = token;
            if (e.isError())
                pending->error = e.userMessage();
            pending->finished = true;
            pending->done.notify_all();
        });
    });
    std::unique_lock lock(pending->mutex);
    // The credential's own request timeout answers first; this bound is for a thread that hangs.
    const bool answered = pending->done.wait_for(lock, std::chrono::milliseconds(m_timeoutMs + 5000),
                                                 [&pending] { return pending->finished; });
    if (!answered) {
        if (error)
            *error = failure(QStringLiteral("the identity platform did not answer within %1 seconds")
                                 .arg((m_timeoutMs + 999) / 1000));
        return {};
    }
    if (pending->token.isEmpty()) {
        if (error)
            *error =
                failure(pending->error.isEmpty() ? QStringLiteral("no token in the answer") : pending->error);
        return {};
    }
    return pending->token;
}

std::shared_ptr<EntraPasswordSource> EntraPasswordSource::forProject(const project::Project &project)
{
    QString why;
    std::optional<ProjectSignIn> signIn = ProjectSignIn::forProject(project, &why);
    if (!signIn)
        return std::make_shared<EntraPasswordSource>(why);
    const QString scope = signIn->cloud.databaseScope();
    signIn->credential->setTokenStore(nullptr, {});
    return std::make_shared<EntraPasswordSource>(std::move(signIn->credential), scope);
}

pg::ConnInfo resolveConnInfo(const project::Project &project, project::Role role, const QString &database,
                             QString *hint)
{
    pg::ConnInfo ci = project::resolveConnInfo(project, role, database, hint);
    const project::ConnectionProfile &profile =
        role == project::Role::Source ? project.source : project.target;
    if (profile.auth == project::Auth::Entra) {
        ci.password.clear();
        ci.passwordSource = EntraPasswordSource::forProject(project);
    }
    return ci;
}

} // namespace pgferry::azure
