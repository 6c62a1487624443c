// The target database's password as a Microsoft Entra ID access token (project target.auth "entra"):
// asked from the project's Azure credential (AZURE_* or the kept `pgferry-cli azure login`) for
// Azure Database for PostgreSQL's scope, fresh for every new connection (a token lives 5 to 60
// minutes, a migration days), and never stored. Synchronous and thread-safe, so that the engine's
// plain worker threads can open connections: the credential lives on a private thread with its own
// event loop, and callers wait for its answer with a timeout.
#pragma once

#include "azure/credential.h"
#include "pg/conninfo.h"
#include "pg/passwordsource.h"
#include "project/project.h"
#include "project/secretstore.h"

#include <memory>
#include <mutex>

class QThread;

namespace pgferry::azure {

class EntraPasswordSource : public pg::PasswordSource
{
public:
    // `credential` (no parent; its token store, if any, is dropped: a rotated refresh token stays in
    // memory) is set to `scope` and moved to a private thread. timeoutMs bounds one token request.
    EntraPasswordSource(std::unique_ptr<Credential> credential, const QString &scope, int timeoutMs = 30000);
    // A source that always fails with `error` (no Azure sign-in): connections say why.
    explicit EntraPasswordSource(const QString &error);
    ~EntraPasswordSource() override;

    QString password(QString *error) override;
    QString description() const override;

    // The project's source for the target: its cloud's database scope and its Azure sign-in.
    static std::shared_ptr<EntraPasswordSource> forProject(const project::Project &project);

private:
    QString m_scope;
    QString m_signInError;
    int m_timeoutMs = 30000;
    QThread *m_thread = nullptr;
    QObject *m_context = nullptr; // lives in m_thread: receives the credential's answers
    Credential *m_credential = nullptr;
    std::mutex m_mutex; // one request at a time; the credential caches the token between them
};

// project::resolveConnInfo, and for a target whose auth is Entra ID, its token source attached
// (no password is looked up for it). Use it wherever a target connection is built from a project.
pg::ConnInfo resolveConnInfo(const project::Project &project, project::Role role, const QString &database,
                             QString *hint);

} // namespace pgferry::azure
