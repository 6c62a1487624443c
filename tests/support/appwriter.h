// The application during a cutover test: one thread that runs a small write transaction on each
// of several source databases, round after round, until the database refuses it (cut over: its
// source turned read-only, so the application has moved to the target) or the writer is stopped.
#pragma once

#include "testclusters.h"

#include <QStringList>
#include <atomic>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

namespace pgferry::test {

class ApplicationWriter
{
public:
    // Opens a connection to each database (throws when one cannot be opened) and starts writing
    // `statement` (one or more statements, no parameters) to each, every 20 ms.
    ApplicationWriter(const TestCluster &source, const QStringList &databases, const QString &statement);
    ~ApplicationWriter(); // stops
    ApplicationWriter(const ApplicationWriter &) = delete;
    ApplicationWriter &operator=(const ApplicationWriter &) = delete;

    // Stops after the current round; returns the writes committed in all.
    qint64 stop();
    // Writes committed so far: to `database`, or (empty) to all.
    qint64 writes(const QString &database = {}) const;
    // Whether the application still writes to `database` (it has not been refused there).
    bool writing(const QString &database) const;

private:
    void run();

    QStringList m_databases;
    QString m_statement;
    std::vector<std::optional<pg::Connection>> m_connections;
    std::unique_ptr<std::atomic<qint64>[]> m_writes;
    std::unique_ptr<std::atomic_bool[]> m_writing;
    std::atomic_bool m_stop = false;
    std::thread m_thread;
};

} // namespace pgferry::test
