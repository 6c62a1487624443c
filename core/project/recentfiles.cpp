#include "project/recentfiles.h"

#include <QFileInfo>
#include <QSettings>

namespace pgferry::project {

namespace {
const QString Key = QStringLiteral("project/recentFiles");

QString normalised(const QString &path)
{
    return path.isEmpty() ? QString() : QFileInfo(path).absoluteFilePath();
}
} // namespace

RecentFiles::RecentFiles() = default;

RecentFiles::RecentFiles(QSettings *settings) : m_settings(settings) {}

QStringList RecentFiles::read() const
{
    if (m_settings)
        return m_settings->value(Key).toStringList();
    return QSettings().value(Key).toStringList();
}

void RecentFiles::write(const QStringList &list) const
{
    if (m_settings) {
        m_settings->setValue(Key, list);
        return;
    }
    QSettings s;
    s.setValue(Key, list);
}

QStringList RecentFiles::files() const
{
    const QStringList stored = read();
    QStringList kept;
    for (const QString &p : stored)
        if (!p.isEmpty() && QFileInfo(p).isFile() && !kept.contains(p) && kept.size() < MaxEntries)
            kept << p;
    if (kept != stored)
        write(kept);
    return kept;
}

void RecentFiles::add(const QString &path)
{
    const QString p = normalised(path);
    if (p.isEmpty())
        return;
    QStringList list = read();
    list.removeAll(p);
    list.prepend(p);
    while (list.size() > MaxEntries)
        list.removeLast();
    write(list);
}

void RecentFiles::remove(const QString &path)
{
    QStringList list = read();
    if (list.removeAll(normalised(path)) > 0)
        write(list);
}

void RecentFiles::clear()
{
    write({});
}

} // namespace pgferry::project
