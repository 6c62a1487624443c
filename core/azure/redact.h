// Redaction for the Azure request log: tokens, passwords and secrets never reach a log line.
#pragma once

#include <QByteArray>
#include <QJsonValue>
#include <QString>
#include <QUrl>

namespace pgferry::azure {

// True for JSON keys and form/query fields that carry a secret (password, secret, token,
// assertion, code, key, sig, ...), compared case-insensitively.
bool isSecretField(const QString &name);
// A copy of v with every secret field's value replaced by "***" (recursively).
QJsonValue redactJson(const QJsonValue &v);
// A JSON or form-encoded body as one log-safe line (secrets replaced, long bodies cut).
QString redactBody(const QByteArray &body, int maxChars = 2000);
// The URL with secret query parameters replaced and any user info removed.
QString redactUrl(const QUrl &url);

} // namespace pgferry::azure
