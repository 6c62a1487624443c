// The Azure Resource Manager client over QNetworkAccessManager. Asynchronous (start()/send()
// never block; results arrive in the caller's thread) with a blocking call() for the CLI that
// waits in a local event loop. Handles bearer tokens and a 401 answered by one refresh, retries
// 429/5xx/408 and "another operation in progress" with bounded exponential backoff and jitter
// honouring Retry-After, long-running operations (Azure-AsyncOperation, Location,
// provisioningState), nextLink paging, timeouts, cancellation of everything in flight, and a
// request log with tokens and secrets redacted.
#pragma once

#include "azure/armrequest.h"
#include "azure/cloud.h"

#include <QList>
#include <QObject>
#include <QPointer>
#include <QStringList>

#include <functional>

class QNetworkAccessManager;

namespace pgferry::azure {

class ArmCall;
class Credential;

class ArmClient : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        int maxRetries = 5;       // per request, for retryable answers and network errors
        int backoffBaseMs = 1000; // first backoff without Retry-After (doubles, with jitter)
        int backoffMaxMs = 60000;
        int maxRetryAfterMs = 600000;             // Retry-After is honoured up to this bound
        int defaultPollMs = 10000;                // long-running operation polling without Retry-After
        int requestTimeoutMs = 60000;             // each HTTP request
        int operationTimeoutMs = 4 * 3600 * 1000; // a whole long-running operation
        int logLines = 500;                       // kept in recentLog()
    };

    // The credential is not owned and must outlive the client.
    ArmClient(const Cloud &cloud, Credential *credential, QObject *parent = nullptr);
    ArmClient(const Cloud &cloud, Credential *credential, const Options &options, QObject *parent = nullptr);
    ~ArmClient() override;

    const Cloud &cloud() const { return m_cloud; }
    Credential *credential() const { return m_credential; }
    const Options &options() const { return m_options; }
    void setOptions(const Options &o) { m_options = o; }
    QNetworkAccessManager *networkAccessManager() const { return m_nam; }

    // Starts the call; the returned object emits finished() once and deletes itself afterwards
    // (read result() in a slot connected to finished()).
    ArmCall *start(const ArmRequest &request);
    // Starts the call and runs cb with the result in context's thread (not at all if context is gone).
    void send(const ArmRequest &request, QObject *context, std::function<void(const ArmResult &)> cb);
    // Blocking convenience for the CLI: waits in a local event loop. Not for the GUI thread.
    ArmResult call(const ArmRequest &request);

    // Cancels every call in flight; each finishes with an error of kind Cancelled.
    void cancelAll();
    int callsInFlight() const;

    QStringList recentLog() const { return m_log; }

Q_SIGNALS:
    // One redacted line per request and response.
    void logLine(const QString &line);

private:
    friend class ArmCall;
    void log(const QString &line);
    void forget(ArmCall *call);

    Cloud m_cloud;
    Credential *m_credential;
    Options m_options;
    QNetworkAccessManager *m_nam;
    QList<QPointer<ArmCall>> m_calls;
    QStringList m_log;
};

} // namespace pgferry::azure
