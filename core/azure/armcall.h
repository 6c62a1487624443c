// One ARM call in flight, driven by ArmClient: sends, retries, refreshes the token once on 401,
// follows long-running operations and nextLink pages, and finishes once with an ArmResult.
#pragma once

#include "azure/armrequest.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <QUrl>

class QNetworkReply;

namespace pgferry::azure {

class ArmClient;

class ArmCall : public QObject
{
    Q_OBJECT
public:
    ArmCall(ArmClient *client, const ArmRequest &request);
    ~ArmCall() override;

    const ArmRequest &request() const { return m_request; }
    const ArmResult &result() const { return m_result; }
    bool isFinished() const { return m_finished; }
    void cancel();

Q_SIGNALS:
    void finished();
    // A long-running operation is being polled (status text from Azure, e.g. InProgress).
    void progress(const QString &status);

private:
    friend class ArmClient;
    enum class Phase { Main, NextPage, PollAsync, PollLocation, PollResource, FinalGet };

    void begin();
    void sendCurrent();
    void onReply(QNetworkReply *reply, qint64 elapsedMs);
    void handleSuccess(int status, const QNetworkReply &reply, const QJsonObject &body, bool hasBody);
    void scheduleNext(Phase phase, const QUrl &url, const QNetworkReply *reply);
    void retryLater(int delayMs);
    void finishOk(int status, const QJsonObject &body);
    void finishError(ArmError error);
    int retryAfterMs(const QNetworkReply *reply) const;
    int backoffMs() const;
    ArmError annotate(ArmError e) const;

    ArmClient *m_client;
    ArmRequest m_request;
    ArmResult m_result;
    QUrl m_resourceUrl;
    QUrl m_url;
    QByteArray m_method;
    bool m_sendBody = false;
    Phase m_phase = Phase::Main;
    QUrl m_locationUrl;
    QPointer<QNetworkReply> m_reply;
    QTimer m_timer;
    QElapsedTimer m_sinceStart;
    int m_attempt = 0;
    bool m_refreshedToken = false;
    bool m_cancelled = false;
    bool m_finished = false;
    QString m_requestId;
};

} // namespace pgferry::azure
