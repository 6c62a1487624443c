// The local sandbox: a source and a target cluster in one folder, the sample database loaded on
// the source, and a private passfile so that URIs never carry a password.
#pragma once

#include "sandbox/localcluster.h"

#include <QJsonObject>
#include <functional>
#include <memory>

namespace pgferry::sandbox {

class Sandbox
{
public:
    explicit Sandbox(QString dir);
    ~Sandbox();

    static QString defaultDir();
    static constexpr const char *sampleDatabase = "dvdrental";

    // Creates (first time) and starts both servers; loads the sample. Idempotent.
    void up(const std::function<void(const QString &)> &progress = {});
    // Stops both servers. Removes the folder only when asked.
    void down(bool removeFiles = false);
    QJsonObject status() const;

    QString dir() const { return m_dir; }
    QString passfile() const;
    // libpq URIs without password (the passfile carries it).
    QString sourceUri(const QString &db = QStringLiteral("postgres")) const;
    QString targetUri(const QString &db = QStringLiteral("postgres")) const;
    LocalCluster &source() { return *m_source; }
    LocalCluster &target() { return *m_target; }

private:
    void writePassfile() const;
    QString m_dir;
    std::unique_ptr<LocalCluster> m_source;
    std::unique_ptr<LocalCluster> m_target;
};

// The sample database's SQL (resource).
QString sampleSql();

} // namespace pgferry::sandbox
