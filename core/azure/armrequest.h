// One ARM call as data: what to send (ArmRequest) and what came back (ArmResult). Built by
// armapi.h, sent by ArmClient.
#pragma once

#include "azure/armerror.h"

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QString>

namespace pgferry::azure {

struct ArmRequest
{
    QByteArray method = QByteArrayLiteral("GET");
    QString path; // "/subscriptions/..." (resolved against the cloud's Resource Manager) or an absolute URL
    QString apiVersion; // added as ?api-version= unless the path already carries one
    QJsonObject body;
    bool hasBody = false;
    bool paged = false;      // follow nextLink and gather every value[] into ArmResult::items
    bool longRunning = true; // follow Azure-AsyncOperation / Location / provisioningState to the end
    QString what;            // for messages and the log, e.g. "create firewall rule r1 on server s1"

    static ArmRequest get(const QString &path, const QString &apiVersion, const QString &what)
    {
        ArmRequest r;
        r.path = path;
        r.apiVersion = apiVersion;
        r.what = what;
        return r;
    }
    static ArmRequest list(const QString &path, const QString &apiVersion, const QString &what)
    {
        ArmRequest r = get(path, apiVersion, what);
        r.paged = true;
        return r;
    }
    static ArmRequest withBody(const QByteArray &method, const QString &path, const QString &apiVersion,
                               const QJsonObject &body, const QString &what)
    {
        ArmRequest r = get(path, apiVersion, what);
        r.method = method;
        r.body = body;
        r.hasBody = true;
        return r;
    }
    static ArmRequest remove(const QString &path, const QString &apiVersion, const QString &what)
    {
        ArmRequest r = get(path, apiVersion, what);
        r.method = QByteArrayLiteral("DELETE");
        return r;
    }
};

struct ArmResult
{
    ArmError error;
    int httpStatus = 0; // of the last response
    QJsonObject body;   // the final resource, or the operation's result
    QJsonArray items;   // paged requests: every value[] entry of every page
    QString requestId;  // x-ms-request-id of the last response, for support

    bool ok() const { return !error.isError(); }
};

} // namespace pgferry::azure
