// A failed connection test (a refused port, a server that never answers, a wrong password on a
// real server) ends in a clear message, and the GUI thread stays responsive while it waits.
#include "connectionform.h"
#include "coreservices.h"
#include "migrationwizard.h"
#include "sourcepage.h"
#include "testclusters.h"

#include <QAbstractButton>
#include <QElapsedTimer>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QTcpServer>
#include <QTest>
#include <QTimer>

using namespace pgferry;
using namespace pgferry::wizard;

class TestConnectionTest : public QObject
{
    Q_OBJECT
    std::unique_ptr<test::TestCluster> m_server;

private Q_SLOTS:
    void initTestCase() { m_server = std::make_unique<test::TestCluster>(QStringLiteral("conntest")); }
    void cleanupTestCase() { m_server.reset(); }

    void aFailedTestShowsAClearMessageAndTheGuiStaysResponsive_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("refused port") << QStringLiteral("refused") << QStringLiteral("Could not connect");
        QTest::newRow("silent server") << QStringLiteral("silent") << QStringLiteral("Could not connect");
        QTest::newRow("wrong password") << QStringLiteral("password") << QStringLiteral("password");
    }

    void aFailedTestShowsAClearMessageAndTheGuiStaysResponsive()
    {
        QFETCH(QString, kind);
        QFETCH(QString, mentions);
        QTcpServer silent; // accepts and never speaks: libpq waits for its deadline
        int port = sandbox::freeLoopbackPort();
        QString user = QStringLiteral("postgres");
        QString password;
        if (kind == u"silent") {
            QVERIFY(silent.listen(QHostAddress::LocalHost));
            port = silent.serverPort();
        } else if (kind == u"password") {
            port = m_server->connInfo().port;
            password = QStringLiteral("surely-wrong-%1").arg(QCoreApplication::applicationPid());
        }

        MigrationWizard w(std::make_shared<CoreServices>());
        w.show();
        w.findChild<QLineEdit *>(QStringLiteral("projectName"))->setText(QStringLiteral("p"));
        w.next();
        w.findChild<QLineEdit *>(QStringLiteral("sourceHost"))->setText(QStringLiteral("127.0.0.1"));
        w.findChild<QSpinBox *>(QStringLiteral("sourcePort"))->setValue(port);
        w.findChild<QLineEdit *>(QStringLiteral("sourceUser"))->setText(user);
        w.findChild<QLineEdit *>(QStringLiteral("sourcePassword"))->setText(password);
        auto *form = static_cast<SourcePage *>(w.currentPage())->form();

        // A 10 ms timer measures how long the event loop is ever away.
        QElapsedTimer clock;
        qint64 last = 0, maxGap = 0;
        QTimer tick;
        tick.setInterval(10);
        connect(&tick, &QTimer::timeout, this, [&] {
            const qint64 now = clock.elapsed();
            maxGap = std::max(maxGap, now - last);
            last = now;
        });
        clock.start();
        tick.start();
        QTest::mouseClick(w.findChild<QAbstractButton *>(QStringLiteral("sourceTestConnection")),
                          Qt::LeftButton);
        QCOMPARE(form->testState(), ConnectionForm::TestState::Testing);
        QTRY_VERIFY_WITH_TIMEOUT(form->testState() == ConnectionForm::TestState::Failed, 30000);
        tick.stop();
        const QString message = w.findChild<QLabel *>(QStringLiteral("sourceTestMessage"))->text();
        qInfo("%s: %s (waited %lld ms, longest event-loop gap %lld ms)", qPrintable(kind),
              qPrintable(message), clock.elapsed(), maxGap);
        QVERIFY2(message.contains(mentions, Qt::CaseInsensitive), qPrintable(message));
        QVERIFY2(message.contains(u"127.0.0.1"), qPrintable(message)); // says which server
        QVERIFY(
            !message.contains(password.isEmpty() ? QStringLiteral("\x01") : password)); // never the secret
        QVERIFY(!w.currentPage()->isComplete());
        QVERIFY2(maxGap < 500, qPrintable(QString::number(maxGap)));
        QVERIFY(w.findChild<QAbstractButton *>(QStringLiteral("sourceTestConnection"))->isEnabled());
    }

    void aGoodTestListsTheDatabases()
    {
        MigrationWizard w(std::make_shared<CoreServices>());
        w.show();
        w.findChild<QLineEdit *>(QStringLiteral("projectName"))->setText(QStringLiteral("p"));
        w.next();
        const pg::ConnInfo ci = m_server->connInfo();
        w.findChild<QLineEdit *>(QStringLiteral("sourceHost"))->setText(ci.host);
        w.findChild<QSpinBox *>(QStringLiteral("sourcePort"))->setValue(ci.port);
        w.findChild<QLineEdit *>(QStringLiteral("sourceUser"))->setText(ci.user);
        w.findChild<QLineEdit *>(QStringLiteral("sourcePassword"))->setText(ci.password);
        QTest::mouseClick(w.findChild<QAbstractButton *>(QStringLiteral("sourceTestConnection")),
                          Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(w.currentPage()->isComplete(), 20000);
        QVERIFY(w.sourceCheck().ok);
        QVERIFY(!w.sourceCheck().inventory.databases.isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(w.assessment().ran, 20000);
    }
};

QTEST_MAIN(TestConnectionTest)
#include "tst_connectiontest.moc"
