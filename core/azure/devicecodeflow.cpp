#include "azure/devicecodeflow.h"

#include <utility>

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>

namespace pgferry::azure {

DeviceCodeFlow::DeviceCodeFlow(const Cloud &cloud, const QString &tenant, const QString &clientId,
                               QObject *parent)
    : QObject(parent), m_cloud(cloud), m_tenant(tenant), m_clientId(clientId)
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &DeviceCodeFlow::poll);
}

DeviceCodeFlow::~DeviceCodeFlow()
{
    if (QNetworkReply *r = std::exchange(m_reply, nullptr)) {
        disconnect(r, nullptr, this, nullptr);
        r->abort();
        r->deleteLater();
    }
    delete m_ownNam;
}

QNetworkReply *DeviceCodeFlow::postForm(const QUrl &url, const QList<QPair<QString, QString>> &fields)
{
    if (!m_nam) {
        m_ownNam = new QNetworkAccessManager;
        m_nam = m_ownNam;
    }
    QByteArray body;
    for (const auto &[k, v] : fields) {
        if (!body.isEmpty())
            body += '&';
        body += QUrl::toPercentEncoding(k) + '=' + QUrl::toPercentEncoding(v);
    }
    QNetworkRequest req(url);
    req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/x-www-form-urlencoded"));
    req.setTransferTimeout(60000);
    return m_nam->post(req, body);
}

void DeviceCodeFlow::start()
{
    m_done = false;
    const QString scope = m_cloud.defaultScope() + QStringLiteral(" offline_access openid profile");
    m_reply = postForm(m_cloud.deviceCodeUrl(m_tenant),
                       {{QStringLiteral("client_id"), m_clientId}, {QStringLiteral("scope"), scope}});
    connect(m_reply, &QNetworkReply::finished, this, [this, reply = m_reply] {
        reply->deleteLater();
        m_reply = nullptr;
        if (m_done)
            return;
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray data = reply->readAll();
        if (status != 200) {
            ArmError e = status ? ArmError::fromBody(status, data) : ArmError{};
            if (!status) {
                e.kind = ArmError::Kind::Network;
                e.message = reply->errorString();
            }
            e.kind = status ? ArmError::Kind::Auth : e.kind;
            e.object = QStringLiteral("Azure device-code sign-in (tenant %1)").arg(m_tenant);
            m_done = true;
            Q_EMIT failed(e);
            return;
        }
        const QJsonObject o = QJsonDocument::fromJson(data).object();
        m_deviceCode = o.value(u"device_code").toString();
        const QString userCode = o.value(u"user_code").toString();
        const QString uri = o.value(u"verification_uri").toString(o.value(u"verification_url").toString());
        if (m_deviceCode.isEmpty() || userCode.isEmpty() || uri.isEmpty()) {
            fail(QStringLiteral("malformed_response"),
                 QStringLiteral("the device-code answer lacks device_code, user_code or verification_uri"));
            return;
        }
        const auto num = [&o](const char16_t *k, int dflt) {
            const QJsonValue v = o.value(QStringView(k));
            return v.isString() ? v.toString().toInt() : v.toInt(dflt);
        };
        m_interval = std::max(0, num(u"interval", 5));
        const int expiresIn = std::max(1, num(u"expires_in", 900));
        m_deadlineMs = QDateTime::currentMSecsSinceEpoch() + qint64(expiresIn) * m_secondMs;
        QString message = o.value(u"message").toString();
        if (message.isEmpty())
            message = QStringLiteral("To sign in, open %1 and enter the code %2.").arg(uri, userCode);
        Q_EMIT codeReady(userCode, uri, message, expiresIn);
        m_timer.start(m_interval * m_secondMs);
    });
}

void DeviceCodeFlow::cancel()
{
    if (m_done)
        return;
    m_timer.stop();
    if (QNetworkReply *r = std::exchange(m_reply, nullptr)) {
        // abort() finishes the reply at once: its handler must not read (or judge) what was cut.
        disconnect(r, nullptr, this, nullptr);
        r->abort();
        r->deleteLater();
    }
    fail(QStringLiteral("cancelled"), QStringLiteral("sign-in cancelled"));
}

void DeviceCodeFlow::fail(const QString &code, const QString &message)
{
    if (m_done)
        return;
    m_done = true;
    m_timer.stop();
    ArmError e;
    e.kind = code == u"cancelled" ? ArmError::Kind::Cancelled : ArmError::Kind::Auth;
    e.code = code;
    e.message = message;
    e.object = QStringLiteral("Azure device-code sign-in (tenant %1)").arg(m_tenant);
    Q_EMIT failed(e);
}

void DeviceCodeFlow::poll()
{
    if (m_done)
        return;
    if (QDateTime::currentMSecsSinceEpoch() > m_deadlineMs) {
        fail(QStringLiteral("expired_token"),
             QStringLiteral("the sign-in code expired before it was used; run the sign-in again and enter "
                            "the new code promptly"));
        return;
    }
    m_reply = postForm(
        m_cloud.tokenUrl(m_tenant),
        {{QStringLiteral("grant_type"), QStringLiteral("urn:ietf:params:oauth:grant-type:device_code")},
         {QStringLiteral("client_id"), m_clientId},
         {QStringLiteral("device_code"), m_deviceCode}});
    connect(m_reply, &QNetworkReply::finished, this, [this, reply = m_reply] {
        reply->deleteLater();
        m_reply = nullptr;
        if (m_done)
            return;
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray data = reply->readAll();
        if (status == 200) {
            QString why;
            auto t = TokenResponse::parse(data, &why);
            if (!t) {
                fail(QStringLiteral("malformed_response"), why);
                return;
            }
            m_done = true;
            Q_EMIT succeeded(*t);
            return;
        }
        if (status == 0) {
            // A network hiccup while the user types the code is not fatal: try again next interval.
            Q_EMIT pollResult(QStringLiteral("network_error"));
            m_timer.start(std::max(1, m_interval) * m_secondMs);
            return;
        }
        const QJsonObject o = QJsonDocument::fromJson(data).object();
        const QString err = o.value(u"error").toString();
        const QString desc = o.value(u"error_description").toString();
        Q_EMIT pollResult(err);
        if (err == u"authorization_pending") {
            m_timer.start(m_interval * m_secondMs);
        } else if (err == u"slow_down") {
            m_interval += 5;
            m_timer.start(m_interval * m_secondMs);
        } else if (err == u"expired_token") {
            fail(err, QStringLiteral("the sign-in code expired before it was used; run the sign-in again and "
                                     "enter the new code promptly"));
        } else if (err == u"authorization_declined") {
            fail(err, QStringLiteral("the sign-in was declined in the browser; run it again and approve it "
                                     "to let pgferry manage Azure resources"));
        } else if (err == u"bad_verification_code") {
            fail(err, QStringLiteral(
                          "Microsoft Entra ID did not recognise the device code; run the sign-in again"));
        } else {
            fail(err.isEmpty() ? QStringLiteral("http_%1").arg(status) : err,
                 desc.isEmpty() ? QStringLiteral("the token endpoint answered HTTP %1").arg(status)
                                : desc.section(u'\n', 0, 0).trimmed());
        }
    });
}

} // namespace pgferry::azure
