#include "appwriter.h"

#include <QThread>

namespace pgferry::test {

ApplicationWriter::ApplicationWriter(const TestCluster &source, const QStringList &databases,
                                     const QString &statement)
    : m_databases(databases), m_statement(statement),
      m_writes(std::make_unique<std::atomic<qint64>[]>(std::size_t(databases.size()))),
      m_writing(std::make_unique<std::atomic_bool[]>(std::size_t(databases.size())))
{
    // Opened here, so that a failure reaches the test; each is used by the writer's thread alone.
    for (qsizetype i = 0; i < databases.size(); ++i) {
        m_connections.emplace_back(source.connect(databases[i]));
        m_writes[std::size_t(i)] = 0;
        m_writing[std::size_t(i)] = true;
    }
    m_thread = std::thread([this] { run(); });
}

ApplicationWriter::~ApplicationWriter()
{
    stop();
}

void ApplicationWriter::run()
{
    while (!m_stop) {
        bool any = false;
        for (std::size_t i = 0; i < m_connections.size(); ++i) {
            std::optional<pg::Connection> &c = m_connections[i];
            if (!c)
                continue;
            if (c->tryExec(m_statement)) {
                c.reset(); // read-only now: the application has moved
                m_writing[i] = false;
            } else {
                ++m_writes[i];
                any = true;
            }
        }
        if (!any)
            break;
        QThread::msleep(20);
    }
}

qint64 ApplicationWriter::stop()
{
    m_stop = true;
    if (m_thread.joinable())
        m_thread.join();
    return writes();
}

qint64 ApplicationWriter::writes(const QString &database) const
{
    qint64 n = 0;
    for (qsizetype i = 0; i < m_databases.size(); ++i)
        if (database.isEmpty() || m_databases[i] == database)
            n += m_writes[std::size_t(i)];
    return n;
}

bool ApplicationWriter::writing(const QString &database) const
{
    const qsizetype i = m_databases.indexOf(database);
    return i >= 0 && m_writing[std::size_t(i)];
}

} // namespace pgferry::test
