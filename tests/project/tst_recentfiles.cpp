// RecentFiles: most recent first, no duplicates, at most ten, missing files forgotten.
#include "project/recentfiles.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using pgferry::project::RecentFiles;

class TestRecentFiles : public QObject
{
    Q_OBJECT
    QTemporaryDir m_tmp;
    std::unique_ptr<QSettings> m_settings;

    QString touch(const QString &name)
    {
        const QString path = m_tmp.filePath(name);
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly))
            qFatal("cannot create a test file");
        return path;
    }

private Q_SLOTS:
    void init()
    {
        m_settings =
            std::make_unique<QSettings>(m_tmp.filePath(QStringLiteral("recent.ini")), QSettings::IniFormat);
        m_settings->clear();
    }

    void theLastOpenedComesFirstAndOnlyOnce()
    {
        RecentFiles r(m_settings.get());
        const QString a = touch(QStringLiteral("a.pgferry")), b = touch(QStringLiteral("b.pgferry"));
        r.add(a);
        r.add(b);
        r.add(a);
        QCOMPARE(r.files(), (QStringList{a, b}));
    }

    void relativePathsAreStoredAbsolute()
    {
        RecentFiles r(m_settings.get());
        const QString a = touch(QStringLiteral("rel.pgferry"));
        const QString old = QDir::currentPath();
        QDir::setCurrent(m_tmp.path());
        r.add(QStringLiteral("rel.pgferry"));
        QDir::setCurrent(old);
        QCOMPARE(r.files(), QStringList{a});
    }

    void atMostTenAreKept()
    {
        RecentFiles r(m_settings.get());
        QStringList all;
        for (int i = 0; i < 15; ++i) {
            all.prepend(touch(QStringLiteral("p%1.pgferry").arg(i)));
            r.add(all.first());
        }
        QCOMPARE(r.files().size(), RecentFiles::MaxEntries);
        QCOMPARE(r.files(), all.mid(0, RecentFiles::MaxEntries));
    }

    void missingFilesAreForgotten()
    {
        RecentFiles r(m_settings.get());
        const QString a = touch(QStringLiteral("keep.pgferry")), b = touch(QStringLiteral("gone.pgferry"));
        r.add(a);
        r.add(b);
        QVERIFY(QFile::remove(b));
        QCOMPARE(r.files(), QStringList{a});
        QCOMPARE(m_settings->value(QStringLiteral("project/recentFiles")).toStringList(), QStringList{a});
    }

    void removeAndClear()
    {
        RecentFiles r(m_settings.get());
        const QString a = touch(QStringLiteral("x.pgferry")), b = touch(QStringLiteral("y.pgferry"));
        r.add(a);
        r.add(b);
        r.remove(a);
        QCOMPARE(r.files(), QStringList{b});
        r.clear();
        QVERIFY(r.files().isEmpty());
    }

    void theApplicationSettingsAreUsedByDefault()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("pgferry-test"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_recentfiles"));
        RecentFiles().clear();
        const QString a = touch(QStringLiteral("app.pgferry"));
        RecentFiles().add(a);
        QCOMPARE(RecentFiles().files(), QStringList{a}); // a new instance sees it: it is stored
        RecentFiles().clear();
    }
};

QTEST_GUILESS_MAIN(TestRecentFiles)
#include "tst_recentfiles.moc"
