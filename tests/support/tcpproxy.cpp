#include "tcpproxy.h"

#include <QElapsedTimer>
#include <QHostAddress>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>
#include <QTimer>
#include <deque>
#include <list>
#include <stdexcept>

namespace pgferry::test {

// One accepted client and its upstream connection.
struct ProxyPair
{
    QPointer<QTcpSocket> client;
    QPointer<QTcpSocket> upstream;
    bool upstreamReady = false;
    bool frozen = false; // stalled for good: nothing forwarded, nothing closed, until cut
    // Chunks waiting for their delay, per direction: (due time in ms, bytes).
    std::deque<std::pair<qint64, QByteArray>> toUpstream, toClient;
};

class TcpProxyWorker : public QObject
{
public:
    TcpProxyWorker(QString host, int port) : m_host(std::move(host)), m_upstreamPort(port) {}

    int listen()
    {
        m_server = new QTcpServer(this);
        if (!m_server->listen(QHostAddress::LocalHost, 0))
            return 0;
        QObject::connect(m_server, &QTcpServer::newConnection, this, [this] { accept(); });
        m_timer = new QTimer(this);
        m_timer->setInterval(5);
        QObject::connect(m_timer, &QTimer::timeout, this, [this] { pumpAll(); });
        m_timer->start();
        m_clock.start();
        return m_server->serverPort();
    }

    void shutdown()
    {
        for (ProxyPair &p : m_pairs)
            closePair(p);
        m_pairs.clear();
        if (m_server)
            m_server->close();
        if (m_timer)
            m_timer->stop();
    }

    int cutAll()
    {
        m_pumping = true;
        int n = 0;
        for (ProxyPair &p : m_pairs) {
            if (p.client && p.client->state() != QAbstractSocket::UnconnectedState)
                ++n;
            closePair(p);
        }
        m_pairs.clear();
        m_pumping = false;
        updateOpen();
        return n;
    }

    int freezeOpen()
    {
        int n = 0;
        for (ProxyPair &p : m_pairs)
            if (p.client && !p.frozen) {
                p.frozen = true;
                ++n;
            }
        return n;
    }

    std::atomic<TcpProxy::Mode> mode{TcpProxy::Mode::Pass};
    std::atomic_int delayMs{0};
    std::atomic<qint64> rateBytesPerSecond{0}; // toward the client; 0: no limit
    double m_budget = 0; // bytes that may go to clients now (a token bucket of one second)
    qint64 m_lastPumpMs = 0;
    std::atomic_int accepted{0};
    std::atomic_int open{0};

private:
    void accept()
    {
        while (QTcpSocket *c = m_server->nextPendingConnection()) {
            if (mode.load() == TcpProxy::Mode::Refuse) {
                c->abort();
                c->deleteLater();
                continue;
            }
            ++accepted;
            m_pairs.emplace_back();
            ProxyPair &p = m_pairs.back();
            p.client = c;
            c->setParent(this);
            auto *u = new QTcpSocket(this);
            p.upstream = u;
            QObject::connect(u, &QTcpSocket::connected, this, [this, u] {
                for (ProxyPair &q : m_pairs)
                    if (q.upstream == u)
                        q.upstreamReady = true;
                pumpAll();
            });
            // Reads happen in pumpAll(), which honours the mode; these only wake it up.
            QObject::connect(c, &QTcpSocket::readyRead, this, [this] { pumpAll(); });
            QObject::connect(u, &QTcpSocket::readyRead, this, [this] { pumpAll(); });
            QObject::connect(c, &QTcpSocket::disconnected, this, [this] { pumpAll(); });
            QObject::connect(u, &QTcpSocket::disconnected, this, [this] { pumpAll(); });
            QObject::connect(u, &QTcpSocket::errorOccurred, this, [this] { pumpAll(); });
            u->connectToHost(m_host, quint16(m_upstreamPort));
        }
        updateOpen();
    }

    void closePair(ProxyPair &p)
    {
        for (QTcpSocket *s : {p.client.data(), p.upstream.data()}) {
            if (s) {
                // abort() emits disconnected() at once: no pump may run in the middle of this.
                QObject::disconnect(s, nullptr, this, nullptr);
                s->abort();
                s->deleteLater();
            }
        }
        p.client.clear();
        p.upstream.clear();
    }

    void updateOpen()
    {
        int n = 0;
        for (const ProxyPair &p : m_pairs)
            n += p.client ? 1 : 0;
        open = n;
    }

    // Moves bytes according to the mode: reads what the sockets hold, queues it with the delay,
    // writes what is due, and closes a pair once one side has gone and nothing is left to send.
    void pumpAll()
    {
        if (m_pumping)
            return; // a socket signalled from inside this very pump
        m_pumping = true;
        pump();
        m_pumping = false;
    }

    void pump()
    {
        const TcpProxy::Mode m = mode.load();
        if (m == TcpProxy::Mode::Blackhole)
            return; // nothing read, nothing written, nothing closed: the kernel buffers fill up
        const qint64 now = m_clock.elapsed();
        const int delay = delayMs.load();
        const qint64 rate = rateBytesPerSecond.load();
        if (rate > 0)
            m_budget =
                std::min<double>(m_budget + double(rate) * double(now - m_lastPumpMs) / 1000.0, double(rate));
        m_lastPumpMs = now;
        for (auto it = m_pairs.begin(); it != m_pairs.end();) {
            ProxyPair &p = *it;
            if (p.frozen && p.client && p.upstream) {
                ++it;
                continue;
            }
            if (!p.client || !p.upstream) {
                closePair(p);
                it = m_pairs.erase(it);
                continue;
            }
            if (p.client->bytesAvailable() > 0)
                p.toUpstream.emplace_back(now + delay, p.client->readAll());
            if (p.upstreamReady && p.upstream->bytesAvailable() > 0)
                p.toClient.emplace_back(now + delay, p.upstream->readAll());
            if (p.upstreamReady) {
                while (!p.toUpstream.empty() && p.toUpstream.front().first <= now) {
                    p.upstream->write(p.toUpstream.front().second);
                    p.toUpstream.pop_front();
                }
            }
            while (!p.toClient.empty() && p.toClient.front().first <= now) {
                QByteArray &chunk = p.toClient.front().second;
                if (rate > 0) {
                    const qint64 n = std::min<qint64>(chunk.size(), qint64(m_budget));
                    if (n <= 0)
                        break;
                    m_budget -= double(n);
                    if (n < chunk.size()) {
                        p.client->write(chunk.left(n));
                        chunk.remove(0, n);
                        break;
                    }
                }
                p.client->write(chunk);
                p.toClient.pop_front();
            }
            const bool clientGone = p.client->state() == QAbstractSocket::UnconnectedState;
            const bool upstreamGone =
                p.upstream->state() == QAbstractSocket::UnconnectedState &&
                (p.upstreamReady || p.upstream->error() != QAbstractSocket::UnknownSocketError);
            const bool drained = p.toClient.empty() && p.toUpstream.empty() &&
                                 p.client->bytesAvailable() == 0 &&
                                 (!p.upstreamReady || p.upstream->bytesAvailable() == 0);
            if ((clientGone || upstreamGone) && (drained || clientGone)) {
                if (!clientGone)
                    p.client->flush();
                if (p.upstream->state() == QAbstractSocket::ConnectedState)
                    p.upstream->flush();
                for (QTcpSocket *s : {p.client.data(), p.upstream.data()}) {
                    QObject::disconnect(s, nullptr, this, nullptr);
                    s->disconnectFromHost();
                    s->deleteLater();
                }
                it = m_pairs.erase(it);
                continue;
            }
            ++it;
        }
        updateOpen();
    }

    QString m_host;
    int m_upstreamPort;
    QTcpServer *m_server = nullptr;
    QTimer *m_timer = nullptr;
    QElapsedTimer m_clock;
    std::list<ProxyPair> m_pairs;
    bool m_pumping = false;
};

TcpProxy::TcpProxy(const QString &upstreamHost, int upstreamPort) : m_thread(std::make_unique<QThread>())
{
    m_worker = new TcpProxyWorker(upstreamHost, upstreamPort);
    m_worker->moveToThread(m_thread.get());
    QObject::connect(m_thread.get(), &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread->start();
    int port = 0;
    QMetaObject::invokeMethod(
        m_worker, [this, &port] { port = m_worker->listen(); }, Qt::BlockingQueuedConnection);
    if (port == 0)
        throw std::runtime_error("the test proxy cannot listen on 127.0.0.1");
    m_port = port;
}

TcpProxy::~TcpProxy()
{
    QMetaObject::invokeMethod(
        m_worker, [this] { m_worker->shutdown(); }, Qt::BlockingQueuedConnection);
    m_thread->quit();
    m_thread->wait();
}

void TcpProxy::setMode(Mode mode)
{
    m_worker->mode = mode;
}

TcpProxy::Mode TcpProxy::mode() const
{
    return m_worker->mode.load();
}

void TcpProxy::setRateLimit(qint64 bytesPerSecond)
{
    m_worker->rateBytesPerSecond = bytesPerSecond;
}

void TcpProxy::setDelayMs(int ms)
{
    m_worker->delayMs = ms;
}

int TcpProxy::cutAll()
{
    int n = 0;
    QMetaObject::invokeMethod(
        m_worker, [this, &n] { n = m_worker->cutAll(); }, Qt::BlockingQueuedConnection);
    return n;
}

int TcpProxy::freezeOpen()
{
    int n = 0;
    QMetaObject::invokeMethod(
        m_worker, [this, &n] { n = m_worker->freezeOpen(); }, Qt::BlockingQueuedConnection);
    return n;
}

int TcpProxy::acceptedConnections() const
{
    return m_worker->accepted.load();
}

int TcpProxy::openConnections() const
{
    return m_worker->open.load();
}

} // namespace pgferry::test
