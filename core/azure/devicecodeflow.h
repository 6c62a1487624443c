// Device-code sign-in for people (RFC 8628 as Microsoft Entra ID implements it): ask for a code,
// show the user the code and the address, poll the token endpoint every `interval` seconds through
// authorization_pending and slow_down, and stop on expired_token or authorization_declined.
#pragma once

#include "azure/armerror.h"
#include "azure/cloud.h"
#include "azure/credential.h"

#include <QObject>
#include <QTimer>

class QNetworkAccessManager;
class QNetworkReply;

namespace pgferry::azure {

class DeviceCodeFlow : public QObject
{
    Q_OBJECT
public:
    DeviceCodeFlow(const Cloud &cloud, const QString &tenant, const QString &clientId,
                   QObject *parent = nullptr);
    ~DeviceCodeFlow() override;

    void setNetworkAccessManager(QNetworkAccessManager *nam) { m_nam = nam; }
    // Length of one "second" of the protocol's intervals, in ms (1000; smaller only in tests).
    void setSecondMs(int ms) { m_secondMs = ms; }

    void start();
    void cancel();
    int currentIntervalSeconds() const { return m_interval; }

Q_SIGNALS:
    // Show this to the user: open verificationUri and enter userCode. message is Microsoft's own text.
    void codeReady(const QString &userCode, const QString &verificationUri, const QString &message,
                   int expiresInSeconds);
    void pollResult(const QString &oauthState); // authorization_pending, slow_down (for progress display)
    void succeeded(const pgferry::azure::TokenResponse &tokens);
    void failed(const pgferry::azure::ArmError &error);

private:
    void poll();
    void fail(const QString &code, const QString &message);
    QNetworkReply *postForm(const QUrl &url, const QList<QPair<QString, QString>> &fields);

    Cloud m_cloud;
    QString m_tenant;
    QString m_clientId;
    QNetworkAccessManager *m_nam = nullptr;
    QNetworkAccessManager *m_ownNam = nullptr;
    QNetworkReply *m_reply = nullptr;
    QTimer m_timer;
    QString m_deviceCode;
    int m_interval = 5;
    int m_secondMs = 1000;
    qint64 m_deadlineMs = 0;
    bool m_done = false;
};

} // namespace pgferry::azure
