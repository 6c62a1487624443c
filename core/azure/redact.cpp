#include "azure/redact.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrlQuery>

namespace pgferry::azure {

namespace {
const QString kMask = QStringLiteral("***");
}

bool isSecretField(const QString &name)
{
    const QString n = name.toLower();
    static const char16_t *const parts[] = {u"password",      u"secret",    u"token",   u"assertion",
                                            u"authorization", u"apikey",    u"api_key", u"accesskey",
                                            u"sig",           u"credential"};
    for (const char16_t *p : parts)
        if (n.contains(QStringView(p)))
            return true;
    return n == u"code" || n == u"device_code" || n == u"key" || n == u"primarykey" || n == u"secondarykey";
}

QJsonValue redactJson(const QJsonValue &v)
{
    if (v.isObject()) {
        QJsonObject o = v.toObject();
        for (auto it = o.begin(); it != o.end(); ++it) {
            if (isSecretField(it.key()) && !it.value().isObject() && !it.value().isArray() &&
                !it.value().isNull())
                it.value() = kMask;
            else
                it.value() = redactJson(it.value());
        }
        return o;
    }
    if (v.isArray()) {
        QJsonArray a = v.toArray();
        for (qsizetype i = 0; i < a.size(); ++i)
            a[i] = redactJson(a.at(i));
        return a;
    }
    return v;
}

QString redactBody(const QByteArray &body, int maxChars)
{
    if (body.isEmpty())
        return {};
    QString text;
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &pe);
    if (pe.error == QJsonParseError::NoError && (doc.isObject() || doc.isArray())) {
        const QJsonValue r = redactJson(doc.isObject() ? QJsonValue(doc.object()) : QJsonValue(doc.array()));
        text = QString::fromUtf8(r.isObject() ? QJsonDocument(r.toObject()).toJson(QJsonDocument::Compact)
                                              : QJsonDocument(r.toArray()).toJson(QJsonDocument::Compact));
    } else if (body.contains('=') && !body.contains('{') && !body.contains(' ')) {
        // application/x-www-form-urlencoded
        QUrlQuery q(QString::fromUtf8(body));
        QUrlQuery out;
        for (const auto &[k, val] : q.queryItems(QUrl::FullyDecoded))
            out.addQueryItem(k, isSecretField(k) ? kMask : val);
        text = out.toString(QUrl::FullyDecoded);
    } else {
        text = QStringLiteral("<%1 bytes, not JSON>").arg(body.size());
    }
    if (text.size() > maxChars)
        text = text.left(maxChars) + QStringLiteral("…");
    return text;
}

QString redactUrl(const QUrl &url)
{
    QUrl u = url;
    u.setUserInfo({});
    QUrlQuery q(u);
    const auto items = q.queryItems(QUrl::FullyDecoded);
    bool changed = false;
    QUrlQuery out;
    for (const auto &[k, v] : items) {
        const bool secret = isSecretField(k) && k.compare(u"$skipToken", Qt::CaseInsensitive) != 0;
        out.addQueryItem(k, secret ? kMask : v);
        changed = changed || secret;
    }
    if (changed)
        u.setQuery(out);
    return u.toString();
}

} // namespace pgferry::azure
