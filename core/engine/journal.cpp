#include "engine/journal.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QSaveFile>

namespace pgferry::engine {

Journal::Journal(QString stateDir) : m_dir(std::move(stateDir)) {}

QString Journal::path() const
{
    return m_dir + QStringLiteral("/journal.json");
}

namespace {
// A journal without its folder would be written to /journal.json: refuse instead.
const QString NoFolder =
    QStringLiteral("the run has no state folder for its journal (the run state folder could not be "
                   "created); set PGFERRY_STATE_DIR to a writable folder and run again");
} // namespace

bool Journal::load(QString *error)
{
    QMutexLocker lock(&m_mutex);
    if (m_dir.isEmpty()) {
        if (error)
            *error = NoFolder;
        return false;
    }
    QFile f(path());
    if (!f.exists()) {
        m_root = QJsonObject{{QStringLiteral("format"), QStringLiteral("pgferry-journal")},
                             {QStringLiteral("version"), 1}};
        return true;
    }
    if (!f.open(QIODevice::ReadOnly)) {
        if (error)
            *error = QStringLiteral("cannot read the run journal %1: %2").arg(f.fileName(), f.errorString());
        return false;
    }
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &pe);
    if (!doc.isObject()) {
        if (error)
            *error =
                QStringLiteral("the run journal %1 is damaged (%2); move it away to start this run afresh")
                    .arg(f.fileName(), pe.errorString());
        return false;
    }
    m_root = doc.object();
    return true;
}

bool Journal::save(QString *error) const
{
    QMutexLocker lock(&m_mutex);
    if (m_dir.isEmpty()) {
        if (error)
            *error = NoFolder;
        return false;
    }
    QDir().mkpath(m_dir);
    QFile::setPermissions(m_dir, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    QSaveFile f(path());
    if (!f.open(QIODevice::WriteOnly)) {
        if (error)
            *error = QStringLiteral("cannot write the run journal %1: %2").arg(f.fileName(), f.errorString());
        return false;
    }
    f.setPermissions(QFile::ReadOwner | QFile::WriteOwner);
    f.write(QJsonDocument(m_root).toJson());
    if (!f.commit()) {
        if (error)
            *error = QStringLiteral("cannot write the run journal %1: %2").arg(path(), f.errorString());
        return false;
    }
    return true;
}

QJsonObject Journal::databaseObject(const QString &db) const
{
    QMutexLocker lock(&m_mutex);
    return m_root.value(u"databases").toObject().value(db).toObject();
}

bool Journal::done(const QString &db, const QString &step) const
{
    return databaseObject(db).value(u"steps").toObject().value(step).toBool();
}

void Journal::markDone(const QString &db, const QString &step)
{
    QMutexLocker lock(&m_mutex);
    QJsonObject dbs = m_root.value(u"databases").toObject();
    QJsonObject d = dbs.value(db).toObject();
    QJsonObject steps = d.value(u"steps").toObject();
    steps.insert(step, true);
    d.insert(QStringLiteral("steps"), steps);
    dbs.insert(db, d);
    m_root.insert(QStringLiteral("databases"), dbs);
}

void Journal::clearDone(const QString &db, const QString &step)
{
    QMutexLocker lock(&m_mutex);
    QJsonObject dbs = m_root.value(u"databases").toObject();
    if (!dbs.contains(db))
        return;
    QJsonObject d = dbs.value(db).toObject();
    QJsonObject steps = d.value(u"steps").toObject();
    steps.remove(step);
    d.insert(QStringLiteral("steps"), steps);
    dbs.insert(db, d);
    m_root.insert(QStringLiteral("databases"), dbs);
}

void Journal::reset(const QString &db)
{
    QMutexLocker lock(&m_mutex);
    QJsonObject dbs = m_root.value(u"databases").toObject();
    dbs.remove(db);
    m_root.insert(QStringLiteral("databases"), dbs);
}

QString Journal::value(const QString &db, const QString &key) const
{
    return databaseObject(db).value(key).toString();
}

void Journal::setValue(const QString &db, const QString &key, const QString &value)
{
    QMutexLocker lock(&m_mutex);
    QJsonObject dbs = m_root.value(u"databases").toObject();
    QJsonObject d = dbs.value(db).toObject();
    d.insert(key, value);
    dbs.insert(db, d);
    m_root.insert(QStringLiteral("databases"), dbs);
}

void Journal::setObject(const QString &db, const QString &key, const QJsonObject &value)
{
    QMutexLocker lock(&m_mutex);
    QJsonObject dbs = m_root.value(u"databases").toObject();
    QJsonObject d = dbs.value(db).toObject();
    d.insert(key, value);
    dbs.insert(db, d);
    m_root.insert(QStringLiteral("databases"), dbs);
}

} // namespace pgferry::engine
