// The run journal: which steps of each database's migration are done, kept in the project's run
// state folder and written atomically after every step, so that any step can resume.
#pragma once

#include <QJsonObject>
#include <QMutex>
#include <QString>

namespace pgferry::engine {

class Journal
{
public:
    explicit Journal(QString stateDir);
    bool load(QString *error = nullptr);
    bool save(QString *error = nullptr) const;

    // A step of a database: "target_created", "pre_data", "load", "post_load", "cutover_schema", ...
    bool done(const QString &db, const QString &step) const;
    void markDone(const QString &db, const QString &step);
    void clearDone(const QString &db, const QString &step); // the step is undone (e.g. source_read_only)
    void reset(const QString &db);
    QString value(const QString &db, const QString &key) const;
    void setValue(const QString &db, const QString &key, const QString &value);
    void setObject(const QString &db, const QString &key, const QJsonObject &value);
    QJsonObject databaseObject(const QString &db) const;

    QString stateDir() const { return m_dir; }
    QString path() const;

private:
    QString m_dir;
    mutable QMutex m_mutex;
    QJsonObject m_root;
};

} // namespace pgferry::engine
