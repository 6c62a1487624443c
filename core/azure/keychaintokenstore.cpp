#include "azure/keychaintokenstore.h"

#include <qt6keychain/keychain.h>

#include <QEventLoop>
#include <QTimer>

namespace pgferry::azure {

namespace {

// Runs a QtKeychain job to completion in a local event loop; false on timeout.
bool runJob(QKeychain::Job *job, int timeoutMs)
{
    QEventLoop loop;
    bool done = false;
    QObject::connect(job, &QKeychain::Job::finished, &loop, [&] {
        done = true;
        loop.quit();
    });
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    job->start();
    if (!done)
        loop.exec();
    return done;
}

QString keychainMessage(const QKeychain::Job &job, const QString &key)
{
    return QStringLiteral("the OS keychain could not access %1: %2 (is a keyring or secret service running and unlocked?)")
        .arg(key, job.errorString());
}

} // namespace

KeychainTokenStore::KeychainTokenStore(QString service, int timeoutMs)
    : m_service(std::move(service))
    , m_timeoutMs(timeoutMs)
{
}

std::optional<QByteArray> KeychainTokenStore::read(const QString &key, QString *error)
{
    if (error)
        error->clear();
    QKeychain::ReadPasswordJob job(m_service);
    job.setAutoDelete(false);
    job.setKey(key);
    if (!runJob(&job, m_timeoutMs)) {
        if (error)
            *error = QStringLiteral("the OS keychain did not answer within %1 s").arg(m_timeoutMs / 1000);
        return std::nullopt;
    }
    if (job.error() == QKeychain::EntryNotFound)
        return std::nullopt;
    if (job.error() != QKeychain::NoError) {
        if (error)
            *error = keychainMessage(job, key);
        return std::nullopt;
    }
    return job.binaryData();
}

bool KeychainTokenStore::write(const QString &key, const QByteArray &data, QString *error)
{
    QKeychain::WritePasswordJob job(m_service);
    job.setAutoDelete(false);
    job.setKey(key);
    job.setBinaryData(data);
    if (!runJob(&job, m_timeoutMs)) {
        if (error)
            *error = QStringLiteral("the OS keychain did not answer within %1 s").arg(m_timeoutMs / 1000);
        return false;
    }
    if (job.error() != QKeychain::NoError) {
        if (error)
            *error = keychainMessage(job, key);
        return false;
    }
    return true;
}

bool KeychainTokenStore::remove(const QString &key, QString *error)
{
    QKeychain::DeletePasswordJob job(m_service);
    job.setAutoDelete(false);
    job.setKey(key);
    if (!runJob(&job, m_timeoutMs)) {
        if (error)
            *error = QStringLiteral("the OS keychain did not answer within %1 s").arg(m_timeoutMs / 1000);
        return false;
    }
    if (job.error() != QKeychain::NoError && job.error() != QKeychain::EntryNotFound) {
        if (error)
            *error = keychainMessage(job, key);
        return false;
    }
    return true;
}

} // namespace pgferry::azure
