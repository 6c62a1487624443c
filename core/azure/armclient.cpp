#include "azure/armclient.h"
#include "azure/armcall.h"
#include "azure/credential.h"

#include <QDateTime>
#include <QEventLoop>
#include <QNetworkAccessManager>

namespace pgferry::azure {

ArmClient::ArmClient(const Cloud &cloud, Credential *credential, QObject *parent)
    : ArmClient(cloud, credential, Options{}, parent)
{}

ArmClient::ArmClient(const Cloud &cloud, Credential *credential, const Options &options, QObject *parent)
    : QObject(parent), m_cloud(cloud), m_credential(credential), m_options(options),
      m_nam(new QNetworkAccessManager(this))
{
    // ARM never needs redirects followed with a bearer token attached.
    m_nam->setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
}

ArmClient::~ArmClient()
{
    cancelAll();
}

ArmCall *ArmClient::start(const ArmRequest &request)
{
    auto *call = new ArmCall(this, request);
    m_calls.append(QPointer<ArmCall>(call));
    call->begin();
    return call;
}

void ArmClient::send(const ArmRequest &request, QObject *context, std::function<void(const ArmResult &)> cb)
{
    ArmCall *call = start(request);
    QPointer<QObject> ctx(context);
    connect(call, &ArmCall::finished, context ? context : this,
            [call, cb = std::move(cb), ctx, hadContext = context != nullptr] {
                if (hadContext && !ctx)
                    return;
                cb(call->result());
            });
}

ArmResult ArmClient::call(const ArmRequest &request)
{
    ArmCall *c = start(request);
    ArmResult result;
    QEventLoop loop;
    bool done = false;
    connect(c, &ArmCall::finished, &loop, [&] {
        result = c->result();
        done = true;
        loop.quit();
    });
    if (!done)
        loop.exec();
    return result;
}

void ArmClient::cancelAll()
{
    const auto calls = m_calls;
    for (const QPointer<ArmCall> &c : calls)
        if (c)
            c->cancel();
}

int ArmClient::callsInFlight() const
{
    int n = 0;
    for (const QPointer<ArmCall> &c : m_calls)
        if (c && !c->isFinished())
            ++n;
    return n;
}

void ArmClient::log(const QString &line)
{
    const QString stamped = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs) + u' ' + line;
    m_log.append(stamped);
    while (m_log.size() > m_options.logLines)
        m_log.removeFirst();
    Q_EMIT logLine(stamped);
}

void ArmClient::forget(ArmCall *call)
{
    m_calls.removeIf([call](const QPointer<ArmCall> &c) { return !c || c == call; });
}

} // namespace pgferry::azure
