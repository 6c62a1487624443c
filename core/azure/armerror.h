// An error from Azure Resource Manager or the identity platform, turned into a message that says
// what happened, to which object, and what to do.
#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QMetaType>
#include <QString>
#include <QStringList>

namespace pgferry::azure {

struct ArmError
{
    enum class Kind {
        None,
        Http,
        Network,
        Timeout,
        Cancelled,
        MalformedResponse,
        OperationFailed,
        Auth,
        Usage
    };

    Kind kind = Kind::None;
    int httpStatus = 0;
    QString code;        // ARM error code, e.g. InvalidParameter, or an OAuth error, e.g. invalid_client
    QString message;     // Azure's own message
    QString target;      // the field it concerns, when given
    QStringList details; // "code: message" of each detail
    QString object;      // what pgferry was doing, e.g. "PUT firewall rule allow-me on server s1"
    QString requestId;
    QString correlationId;

    bool isError() const { return kind != Kind::None; }
    // What to do about it, chosen from the code and status.
    QString remedy() const;
    // One line for the user: object, status, code, message, details and remedy; never a secret.
    QString userMessage() const;
    bool retryable() const;

    // Parses an ARM error body {"error":{code,message,target,details[],additionalInfo[]}} (also the
    // bare {code,message} form, and OAuth {error, error_description}). Never throws.
    static ArmError fromBody(int httpStatus, const QByteArray &body);
    static ArmError fromJsonError(const QJsonObject &errorObject);
};

} // namespace pgferry::azure

Q_DECLARE_METATYPE(pgferry::azure::ArmError)
