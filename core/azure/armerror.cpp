#include "azure/armerror.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace pgferry::azure {

namespace {

void collectDetails(const QJsonArray &arr, QStringList &out, int depth)
{
    if (depth > 4)
        return;
    for (const QJsonValue &v : arr) {
        const QJsonObject d = v.toObject();
        const QString code = d.value(u"code").toString();
        const QString msg = d.value(u"message").toString();
        if (!code.isEmpty() || !msg.isEmpty())
            out << (code.isEmpty() ? msg : msg.isEmpty() ? code : code + QStringLiteral(": ") + msg);
        collectDetails(d.value(u"details").toArray(), out, depth + 1);
        if (out.size() > 20)
            return;
    }
}

} // namespace

ArmError ArmError::fromJsonError(const QJsonObject &e)
{
    ArmError err;
    err.kind = Kind::OperationFailed;
    err.code = e.value(u"code").toString();
    err.message = e.value(u"message").toString();
    err.target = e.value(u"target").toString();
    collectDetails(e.value(u"details").toArray(), err.details, 0);
    return err;
}

ArmError ArmError::fromBody(int httpStatus, const QByteArray &body)
{
    ArmError err;
    err.kind = Kind::Http;
    err.httpStatus = httpStatus;
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &pe);
    if (pe.error == QJsonParseError::NoError && doc.isObject()) {
        const QJsonObject o = doc.object();
        const QJsonValue ev = o.value(u"error");
        if (ev.isObject()) {
            ArmError inner = fromJsonError(ev.toObject());
            err.code = inner.code;
            err.message = inner.message;
            err.target = inner.target;
            err.details = inner.details;
        } else if (ev.isString()) { // OAuth: {"error":"invalid_client","error_description":"..."}
            err.code = ev.toString();
            err.message = o.value(u"error_description").toString();
            err.kind = Kind::Auth;
        } else {
            err.code = o.value(u"code").toString();
            err.message = o.value(u"message").toString();
        }
    } else if (!body.trimmed().isEmpty()) {
        err.message = QString::fromUtf8(body.left(300)).simplified();
    }
    if (err.message.isEmpty() && err.code.isEmpty())
        err.message = QStringLiteral("HTTP %1 with no error body").arg(httpStatus);
    return err;
}

bool ArmError::retryable() const
{
    if (kind == Kind::Network || kind == Kind::Timeout)
        return true;
    if (kind != Kind::Http)
        return false;
    if (httpStatus == 429 || httpStatus == 408 ||
        (httpStatus >= 500 && httpStatus != 501 && httpStatus != 505))
        return true;
    return httpStatus == 409 &&
           (code.compare(u"AnotherOperationInProgress", Qt::CaseInsensitive) == 0 ||
            code.compare(u"RetryableErrorDueToAnotherOperation", Qt::CaseInsensitive) == 0 ||
            code.compare(u"OperationInProgress", Qt::CaseInsensitive) == 0);
}

QString ArmError::remedy() const
{
    const QString c = code.toLower();
    switch (kind) {
    case Kind::Cancelled:
        return QStringLiteral("The request was cancelled; run it again when ready.");
    case Kind::Timeout:
        return QStringLiteral("Azure did not answer in time; check the network or proxy and try again.");
    case Kind::Network:
        return QStringLiteral("Check the network connection, proxy and DNS, then try again.");
    case Kind::MalformedResponse:
        return QStringLiteral("Azure sent a response pgferry could not read; try again, and report it with "
                              "the request id if it persists.");
    default:
        break;
    }
    if (c == u"invalid_client" || c == u"unauthorized_client")
        return QStringLiteral("Check AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (an expired client secret must "
                              "be renewed in Microsoft Entra ID).");
    if (c == u"invalid_grant" || c == u"interaction_required" || c == u"expiredauthenticationtoken" ||
        c == u"invalidauthenticationtoken")
        return QStringLiteral("Sign in again with `pgferry-cli azure login`.");
    if (c == u"invalid_scope")
        return QStringLiteral("Check the cloud configuration's activeDirectoryResourceId.");
    if (c == u"authorizationfailed" || c == u"linkedauthorizationfailed" || httpStatus == 403)
        return QStringLiteral(
            "The signed-in identity lacks permission: ask for the Contributor role on the subscription or "
            "resource group (Owner or User Access Administrator for locks).");
    if (httpStatus == 401)
        return QStringLiteral(
            "Sign in again with `pgferry-cli azure login`, or check the AZURE_* variables.");
    if (c == u"subscriptionnotfound" || c == u"invalidsubscriptionid")
        return QStringLiteral("Check the subscription id with `pgferry-cli azure subscriptions`.");
    if (c == u"resourcegroupnotfound")
        return QStringLiteral("Check the resource group name, or create it first.");
    if (c == u"resourcenotfound" || c == u"servernotexist" || httpStatus == 404)
        return QStringLiteral("Check the resource id (subscription, resource group and name); list servers "
                              "with `pgferry-cli azure servers`.");
    if (c == u"missingsubscriptionregistration")
        return QStringLiteral(
            "Register the resource provider: `az provider register --namespace Microsoft.DBforPostgreSQL`.");
    if (c == u"scopelocked")
        return QStringLiteral("A management lock blocks this change; remove or relax the lock first.");
    if (c.contains(u"quota") || c == u"skunotavailable" || c.contains(u"capacity"))
        return QStringLiteral("Choose another SKU or region, or request a quota increase.");
    if (c == u"anotheroperationinprogress" || c == u"retryableerrorduetoanotheroperation" ||
        httpStatus == 409)
        return QStringLiteral(
            "Another operation is running on this resource; wait for it to finish and try again.");
    if (httpStatus == 429 || c == u"toomanyrequests")
        return QStringLiteral("Azure is throttling requests; wait a minute and try again.");
    if (httpStatus >= 500)
        return QStringLiteral("Azure had an internal error; try again later, and quote the request id to "
                              "Azure support if it persists.");
    if (c.contains(u"invalid") || c.contains(u"badrequest") || httpStatus == 400)
        return target.isEmpty() ? QStringLiteral("Correct the request as the message says and try again.")
                                : QStringLiteral("Correct %1 as the message says and try again.").arg(target);
    if (kind == Kind::OperationFailed)
        return QStringLiteral("Fix the cause Azure reports and run the operation again.");
    return {};
}

QString ArmError::userMessage() const
{
    QString s;
    if (!object.isEmpty())
        s = object + QStringLiteral(": ");
    switch (kind) {
    case Kind::Cancelled:
        s += QStringLiteral("cancelled");
        break;
    case Kind::Timeout:
        s += QStringLiteral("timed out");
        break;
    case Kind::Network:
        s += QStringLiteral("network error");
        break;
    case Kind::MalformedResponse:
        s += QStringLiteral("malformed response");
        break;
    case Kind::OperationFailed:
        s += QStringLiteral("the operation failed");
        break;
    default:
        s += httpStatus ? QStringLiteral("HTTP %1").arg(httpStatus) : QStringLiteral("failed");
    }
    if (!code.isEmpty())
        s += QStringLiteral(" (%1)").arg(code);
    if (!message.isEmpty())
        s += QStringLiteral(": ") + message;
    if (!details.isEmpty())
        s += QStringLiteral(" [") + details.join(QStringLiteral("; ")) + u']';
    const QString r = remedy();
    if (!r.isEmpty())
        s += (s.endsWith(u'.') ? QStringLiteral(" ") : QStringLiteral(". ")) + r;
    if (!requestId.isEmpty())
        s += QStringLiteral(" (request id %1)").arg(requestId);
    return s;
}

} // namespace pgferry::azure
