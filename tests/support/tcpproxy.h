// A loopback TCP proxy for fault tests, placed between pgferry and a server: it forwards bytes
// both ways and, on request, cuts every open connection, delays every chunk, or turns into a
// blackhole (nothing forwarded, nothing closed, as a stalled network) until told otherwise.
// It runs on its own thread; every public method may be called from any thread.
#pragma once

#include <QString>
#include <atomic>
#include <memory>

class QThread;

namespace pgferry::test {

class TcpProxyWorker;

class TcpProxy
{
public:
    enum class Mode {
        Pass,      // forward everything
        Blackhole, // forward nothing and close nothing; new connections are accepted and held
        Refuse,    // new connections are closed at once; open ones keep working
    };

    // Listens on 127.0.0.1 at a free port and forwards to upstreamHost:upstreamPort.
    TcpProxy(const QString &upstreamHost, int upstreamPort);
    ~TcpProxy();
    TcpProxy(const TcpProxy &) = delete;
    TcpProxy &operator=(const TcpProxy &) = delete;

    int port() const { return m_port; }
    void setMode(Mode mode);
    Mode mode() const;
    // Every chunk waits this long before it is forwarded (order kept); 0: none.
    void setDelayMs(int ms);
    // At most this many bytes a second go to the clients, all connections together (a slow
    // link); 0: no limit.
    void setRateLimit(qint64 bytesPerSecond);
    // Closes every open connection on both sides at once (as a dropped link); returns how many.
    int cutAll();
    // Stalls every open connection for good (a dead path the sockets do not notice: nothing is
    // forwarded or closed until cutAll()); new connections pass. Returns how many.
    int freezeOpen();
    // Connections accepted so far, and open now.
    int acceptedConnections() const;
    int openConnections() const;

private:
    std::unique_ptr<QThread> m_thread;
    TcpProxyWorker *m_worker = nullptr; // lives in m_thread
    int m_port = 0;
};

} // namespace pgferry::test
