// The project files the user opened or saved lately, most recent first, for the wizard's start page
// and File menu. Stored with QSettings (the application's, or one given by tests).
#pragma once

#include <QString>
#include <QStringList>

class QSettings;

namespace pgferry::project {

class RecentFiles
{
public:
    static constexpr int MaxEntries = 10;

    RecentFiles();                             // the application's QSettings (organisation/application names)
    explicit RecentFiles(QSettings *settings); // not owned; for tests and custom stores

    // Absolute paths, most recent first; files that no longer exist are dropped (and forgotten).
    QStringList files() const;
    // Puts the file first (moving it if already listed) and keeps at most MaxEntries.
    void add(const QString &path);
    void remove(const QString &path);
    void clear();

private:
    QStringList read() const;
    void write(const QStringList &list) const;
    QSettings *m_settings = nullptr;
};

} // namespace pgferry::project
