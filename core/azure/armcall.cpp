#include "azure/armcall.h"
#include "azure/armclient.h"
#include "azure/credential.h"
#include "azure/redact.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRandomGenerator>
#include <QUrlQuery>
#include <QUuid>

namespace pgferry::azure {

namespace {

bool isTerminal(const QString &state)
{
    return state.compare(u"Succeeded", Qt::CaseInsensitive) == 0 ||
           state.compare(u"Failed", Qt::CaseInsensitive) == 0 ||
           state.compare(u"Canceled", Qt::CaseInsensitive) == 0 ||
           state.compare(u"Cancelled", Qt::CaseInsensitive) == 0;
}

bool isSucceeded(const QString &state)
{
    return state.compare(u"Succeeded", Qt::CaseInsensitive) == 0;
}

QString provisioningState(const QJsonObject &body)
{
    return body.value(u"properties").toObject().value(u"provisioningState").toString();
}

QUrl withApiVersion(QUrl url, const QString &apiVersion)
{
    QUrlQuery q(url);
    if (!apiVersion.isEmpty() && !q.hasQueryItem(QStringLiteral("api-version"))) {
        q.addQueryItem(QStringLiteral("api-version"), apiVersion);
        url.setQuery(q);
    }
    return url;
}

} // namespace

ArmCall::ArmCall(ArmClient *client, const ArmRequest &request)
    : QObject(client), m_client(client), m_request(request)
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &ArmCall::sendCurrent);
}

ArmCall::~ArmCall()
{
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
        m_reply->deleteLater();
    }
}

void ArmCall::begin()
{
    m_sinceStart.start();
    m_resourceUrl = withApiVersion(m_client->cloud().armUrl(m_request.path), m_request.apiVersion);
    m_url = m_resourceUrl;
    m_method = m_request.method;
    m_sendBody = m_request.hasBody;
    m_phase = Phase::Main;
    if (!m_client->cloud().isArmUrl(m_url)) {
        ArmError e;
        e.kind = ArmError::Kind::Usage;
        e.message =
            QStringLiteral("%1 is not on this cloud's Resource Manager (%2); pgferry sends tokens only there")
                .arg(redactUrl(m_url), m_client->cloud().resourceManager.toString());
        // Finish asynchronously so that callers can connect to finished() first.
        QMetaObject::invokeMethod(
            this, [this, e] { finishError(e); }, Qt::QueuedConnection);
        return;
    }
    QMetaObject::invokeMethod(this, &ArmCall::sendCurrent, Qt::QueuedConnection);
}

ArmError ArmCall::annotate(ArmError e) const
{
    if (e.object.isEmpty())
        e.object = m_request.what.isEmpty() ? QString::fromLatin1(m_request.method) + u' ' + m_request.path
                                            : m_request.what;
    if (e.requestId.isEmpty())
        e.requestId = m_requestId;
    return e;
}

void ArmCall::cancel()
{
    if (m_finished)
        return;
    m_cancelled = true;
    m_timer.stop();
    if (m_reply) {
        m_reply->abort(); // onReply() finishes with Cancelled
        return;
    }
    ArmError e;
    e.kind = ArmError::Kind::Cancelled;
    finishError(e);
}

void ArmCall::sendCurrent()
{
    if (m_finished || m_cancelled)
        return;
    if (m_phase != Phase::Main && m_sinceStart.elapsed() > m_client->options().operationTimeoutMs) {
        ArmError e;
        e.kind = ArmError::Kind::Timeout;
        e.message = QStringLiteral("the long-running operation did not finish within %1 minutes; check its "
                                   "state in the Azure portal")
                        .arg(m_client->options().operationTimeoutMs / 60000);
        finishError(e);
        return;
    }
    Credential *cred = m_client->credential();
    if (!cred) {
        ArmError e;
        e.kind = ArmError::Kind::Auth;
        e.message =
            QStringLiteral("no Azure credential; run `pgferry-cli azure login` or set the AZURE_* variables");
        finishError(e);
        return;
    }
    cred->token(this, [this](const QString &token, const ArmError &tokenError) {
        if (m_finished || m_cancelled)
            return;
        if (tokenError.isError()) {
            finishError(tokenError);
            return;
        }
        QNetworkRequest req(m_url);
        req.setRawHeader(QByteArrayLiteral("Authorization"), QByteArrayLiteral("Bearer ") + token.toUtf8());
        req.setRawHeader(QByteArrayLiteral("Accept"), QByteArrayLiteral("application/json"));
        req.setRawHeader(QByteArrayLiteral("x-ms-client-request-id"),
                         QUuid::createUuid().toString(QUuid::WithoutBraces).toLatin1());
        req.setHeader(QNetworkRequest::UserAgentHeader, QByteArrayLiteral("pgferry/" PGFERRY_VERSION));
        req.setTransferTimeout(m_client->options().requestTimeoutMs);
        QByteArray body;
        if (m_sendBody) {
            req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
            body = QJsonDocument(m_request.body).toJson(QJsonDocument::Compact);
        }
        m_client->log(QStringLiteral("→ %1 %2%3")
                          .arg(QString::fromLatin1(m_method), redactUrl(m_url),
                               m_sendBody ? QStringLiteral(" ") + redactBody(body) : QString()));
        QElapsedTimer t;
        t.start();
        QNetworkReply *reply = m_sendBody || m_method != "GET"
                                   ? m_client->networkAccessManager()->sendCustomRequest(req, m_method, body)
                                   : m_client->networkAccessManager()->get(req);
        m_reply = reply;
        connect(reply, &QNetworkReply::finished, this, [this, reply, t] { onReply(reply, t.elapsed()); });
    });
}

int ArmCall::retryAfterMs(const QNetworkReply *reply) const
{
    if (!reply)
        return -1;
    const int bound = m_client->options().maxRetryAfterMs;
    for (const char *h : {"retry-after-ms", "x-ms-retry-after-ms"}) {
        bool ok = false;
        const qint64 ms = reply->rawHeader(h).trimmed().toLongLong(&ok);
        if (ok && ms >= 0)
            return int(std::min<qint64>(ms, bound));
    }
    const QByteArray ra = reply->rawHeader("Retry-After").trimmed();
    if (ra.isEmpty())
        return -1;
    bool ok = false;
    const qint64 secs = ra.toLongLong(&ok);
    if (ok)
        return secs < 0 ? -1 : int(std::min<qint64>(secs * 1000, bound));
    const QDateTime when = QDateTime::fromString(QString::fromLatin1(ra), Qt::RFC2822Date);
    if (when.isValid())
        return int(std::clamp<qint64>(QDateTime::currentDateTimeUtc().msecsTo(when), 0, bound));
    return -1;
}

int ArmCall::backoffMs() const
{
    const auto &o = m_client->options();
    const double exp = double(o.backoffBaseMs) * double(1 << std::min(m_attempt, 16));
    const double jitter = 0.5 + QRandomGenerator::global()->generateDouble(); // 0.5 .. 1.5
    return int(std::min<double>(o.backoffMaxMs, exp * jitter));
}

void ArmCall::retryLater(int delayMs)
{
    ++m_attempt;
    m_client->log(QStringLiteral("  retry %1 of %2 in %3 ms")
                      .arg(m_attempt)
                      .arg(m_client->options().maxRetries)
                      .arg(delayMs));
    m_timer.start(std::max(0, delayMs));
}

void ArmCall::onReply(QNetworkReply *reply, qint64 elapsedMs)
{
    reply->deleteLater();
    if (m_reply == reply)
        m_reply = nullptr;
    if (m_finished)
        return;
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    m_requestId = QString::fromLatin1(reply->rawHeader("x-ms-request-id"));
    const QString correlation = QString::fromLatin1(reply->rawHeader("x-ms-correlation-request-id"));
    if (m_cancelled) {
        ArmError e;
        e.kind = ArmError::Kind::Cancelled;
        finishError(e);
        return;
    }
    if (status == 0) {
        ArmError e;
        const auto ne = reply->error();
        e.kind = ne == QNetworkReply::OperationCanceledError || ne == QNetworkReply::TimeoutError
                     ? ArmError::Kind::Timeout
                     : ArmError::Kind::Network;
        e.message = e.kind == ArmError::Kind::Timeout ? QStringLiteral("no answer from %1 within %2 s")
                                                            .arg(m_url.host())
                                                            .arg(m_client->options().requestTimeoutMs / 1000)
                                                      : reply->errorString();
        m_client->log(
            QStringLiteral("← %1 after %2 ms: %3").arg(redactUrl(m_url)).arg(elapsedMs).arg(e.message));
        if (m_attempt < m_client->options().maxRetries) {
            retryLater(backoffMs());
            return;
        }
        finishError(e);
        return;
    }
    const QByteArray data = reply->readAll();
    m_client->log(QStringLiteral("← %1 %2 %3 (%4 ms, x-ms-request-id %5%6)%7")
                      .arg(status)
                      .arg(QString::fromLatin1(m_method), redactUrl(m_url))
                      .arg(elapsedMs)
                      .arg(m_requestId.isEmpty() ? QStringLiteral("-") : m_requestId,
                           correlation.isEmpty() ? QString() : QStringLiteral(", correlation ") + correlation,
                           status >= 400 ? QStringLiteral(" ") + redactBody(data, 600) : QString()));

    if (status == 401 && !m_refreshedToken) {
        // The token expired or was revoked: refresh once and try again.
        m_refreshedToken = true;
        m_client->credential()->invalidate();
        m_client->log(QStringLiteral("  401: refreshing the access token and retrying once"));
        m_timer.start(0);
        return;
    }
    if (status >= 400) {
        ArmError e = ArmError::fromBody(status, data);
        e.requestId = m_requestId;
        e.correlationId = correlation;
        if (e.retryable() && m_attempt < m_client->options().maxRetries) {
            const int ra = retryAfterMs(reply);
            retryLater(ra >= 0 ? ra + QRandomGenerator::global()->bounded(1 + ra / 10) : backoffMs());
            return;
        }
        finishError(e);
        return;
    }
    QJsonObject body;
    const bool hasBody = !data.trimmed().isEmpty() && status != 204;
    if (hasBody) {
        QJsonParseError pe;
        const QJsonDocument doc = QJsonDocument::fromJson(data, &pe);
        if (pe.error != QJsonParseError::NoError || !doc.isObject()) {
            ArmError e;
            e.kind = ArmError::Kind::MalformedResponse;
            e.httpStatus = status;
            e.message = pe.error != QJsonParseError::NoError
                            ? QStringLiteral("the response is not valid JSON (%1 at offset %2)")
                                  .arg(pe.errorString())
                                  .arg(pe.offset)
                            : QStringLiteral("the response is JSON but not an object");
            finishError(e);
            return;
        }
        body = doc.object();
    }
    m_attempt = 0;
    handleSuccess(status, *reply, body, hasBody);
}

void ArmCall::scheduleNext(Phase phase, const QUrl &url, const QNetworkReply *reply)
{
    if (!m_client->cloud().isArmUrl(url)) {
        ArmError e;
        e.kind = ArmError::Kind::MalformedResponse;
        e.message = QStringLiteral("Azure pointed to %1, which is not this cloud's Resource Manager; pgferry "
                                   "does not send its token there")
                        .arg(redactUrl(url));
        finishError(e);
        return;
    }
    m_phase = phase;
    m_url = url;
    m_method = QByteArrayLiteral("GET");
    m_sendBody = false;
    int delay = 0;
    if (phase == Phase::PollAsync || phase == Phase::PollLocation || phase == Phase::PollResource) {
        const int ra = retryAfterMs(reply);
        delay = ra >= 0 ? ra : m_client->options().defaultPollMs;
    }
    m_timer.start(delay);
}

void ArmCall::handleSuccess(int status, const QNetworkReply &reply, const QJsonObject &body, bool hasBody)
{
    switch (m_phase) {
    case Phase::Main:
    case Phase::NextPage:
        if (m_request.paged) {
            for (const QJsonValue &v : body.value(u"value").toArray())
                m_result.items.append(v);
            const QString next = body.value(u"nextLink").toString();
            if (!next.isEmpty()) {
                scheduleNext(Phase::NextPage, QUrl(next), &reply);
                return;
            }
            finishOk(status, body);
            return;
        }
        if (m_request.longRunning && (status == 201 || status == 202)) {
            const QByteArray async = reply.rawHeader("Azure-AsyncOperation");
            const QByteArray location = reply.rawHeader("Location");
            m_locationUrl = location.isEmpty() ? QUrl() : QUrl(QString::fromLatin1(location));
            if (!async.isEmpty()) {
                m_result.body = body;
                scheduleNext(Phase::PollAsync, QUrl(QString::fromLatin1(async)), &reply);
                return;
            }
            if (!location.isEmpty()) {
                m_result.body = body;
                scheduleNext(Phase::PollLocation, m_locationUrl, &reply);
                return;
            }
        }
        if (m_request.longRunning && (m_method == "PUT" || m_method == "PATCH") && hasBody) {
            const QString ps = provisioningState(body);
            if (!ps.isEmpty() && !isTerminal(ps)) {
                Q_EMIT progress(ps);
                scheduleNext(Phase::PollResource, m_resourceUrl, &reply);
                return;
            }
            if (!ps.isEmpty() && !isSucceeded(ps)) {
                ArmError e;
                e.kind = ArmError::Kind::OperationFailed;
                e.code = ps;
                e.message = QStringLiteral("provisioning ended %1").arg(ps);
                finishError(e);
                return;
            }
        }
        finishOk(status, body);
        return;
    case Phase::PollAsync: {
        const QString st = body.value(u"status").toString();
        if (st.isEmpty() || !isTerminal(st)) {
            Q_EMIT progress(st.isEmpty() ? QStringLiteral("InProgress") : st);
            scheduleNext(Phase::PollAsync, m_url, &reply);
            return;
        }
        if (!isSucceeded(st)) {
            ArmError e = ArmError::fromJsonError(body.value(u"error").toObject());
            e.kind = ArmError::Kind::OperationFailed;
            if (e.code.isEmpty())
                e.code = st;
            if (e.message.isEmpty())
                e.message = QStringLiteral("the operation ended %1").arg(st);
            finishError(e);
            return;
        }
        if (m_request.method == "PUT" || m_request.method == "PATCH") {
            scheduleNext(Phase::FinalGet, m_resourceUrl, nullptr);
            return;
        }
        if (m_locationUrl.isValid() && !m_locationUrl.isEmpty()) {
            scheduleNext(Phase::FinalGet, m_locationUrl, nullptr);
            return;
        }
        finishOk(status, body);
        return;
    }
    case Phase::PollLocation:
        if (status == 202) {
            Q_EMIT progress(QStringLiteral("InProgress"));
            scheduleNext(Phase::PollLocation, m_url, &reply);
            return;
        }
        if ((m_request.method == "PUT" || m_request.method == "PATCH") && !hasBody) {
            scheduleNext(Phase::FinalGet, m_resourceUrl, nullptr);
            return;
        }
        finishOk(status, body);
        return;
    case Phase::PollResource: {
        const QString ps = provisioningState(body);
        if (!ps.isEmpty() && !isTerminal(ps)) {
            Q_EMIT progress(ps);
            scheduleNext(Phase::PollResource, m_resourceUrl, &reply);
            return;
        }
        if (!ps.isEmpty() && !isSucceeded(ps)) {
            ArmError e;
            e.kind = ArmError::Kind::OperationFailed;
            e.code = ps;
            e.message = QStringLiteral("provisioning ended %1").arg(ps);
            finishError(e);
            return;
        }
        finishOk(status, body);
        return;
    }
    case Phase::FinalGet:
        finishOk(status, body);
        return;
    }
}

void ArmCall::finishOk(int status, const QJsonObject &body)
{
    if (m_finished)
        return;
    m_finished = true;
    m_result.httpStatus = status;
    m_result.body = body;
    m_result.requestId = m_requestId;
    m_client->forget(this);
    Q_EMIT finished();
    deleteLater();
}

void ArmCall::finishError(ArmError error)
{
    if (m_finished)
        return;
    m_finished = true;
    m_timer.stop();
    m_result.error = annotate(std::move(error));
    m_result.httpStatus = m_result.error.httpStatus;
    m_result.requestId = m_requestId;
    m_client->log(QStringLiteral("  failed: %1").arg(m_result.error.userMessage()));
    m_client->forget(this);
    Q_EMIT finished();
    deleteLater();
}

} // namespace pgferry::azure
