#include "engine/runfiles.h"

#include <QFile>
#include <QJsonDocument>
#include <QSaveFile>

namespace pgferry::engine {

void RunFiles::writeStatus(const QString &stateDir, const MigrationStatus &status)
{
    if (stateDir.isEmpty())
        return;
    QSaveFile f(statusFile(stateDir));
    if (!f.open(QIODevice::WriteOnly))
        return;
    f.setPermissions(QFile::ReadOwner | QFile::WriteOwner);
    f.write(QJsonDocument(status.toJson()).toJson(QJsonDocument::Compact));
    f.commit();
}

QJsonObject RunFiles::readStatus(const QString &stateDir)
{
    QFile f(statusFile(stateDir));
    if (stateDir.isEmpty() || !f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

} // namespace pgferry::engine
