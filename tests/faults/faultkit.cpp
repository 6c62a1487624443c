#include "faultkit.h"

#include "compare.h"
#include "pg/connection.h"
#include "project/projectfile.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QTest>
#include <stdexcept>

namespace pgferry::test {

using namespace std::chrono_literals;

void createFaultFixture(TestCluster &cluster, const QString &db, int bigRows, int fillerTables)
{
    cluster.createDatabase(db);
    cluster.sql(db, QStringLiteral(R"SQL(
CREATE TABLE customers (id serial PRIMARY KEY, name text NOT NULL);
INSERT INTO customers (name) SELECT 'customer ' || g FROM generate_series(1, 500) g;
CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id int NOT NULL REFERENCES customers (id),
                     amount numeric(12,2) NOT NULL, note text);
INSERT INTO orders (customer_id, amount, note) SELECT 1 + g % 500, (g % 1000) / 10.0, 'order ' || g
  FROM generate_series(1, 5000) g;
CREATE TABLE audit (id bigserial PRIMARY KEY, order_id bigint NOT NULL, at timestamptz NOT NULL DEFAULT '2024-01-01');
CREATE FUNCTION audit_order() RETURNS trigger LANGUAGE plpgsql AS
  $$ BEGIN INSERT INTO audit (order_id) VALUES (NEW.id); RETURN NEW; END $$;
CREATE TRIGGER orders_audit AFTER INSERT ON orders FOR EACH ROW EXECUTE PROCEDURE audit_order(); -- PROCEDURE: 9.6 too
CREATE TABLE big (id bigserial PRIMARY KEY, k int NOT NULL, payload text NOT NULL,
                  created timestamptz NOT NULL DEFAULT '2024-01-01');
INSERT INTO big (k, payload) SELECT g % 1000, repeat(md5(g::text), 6) FROM generate_series(1, %1) g;
CREATE INDEX big_k ON big (k);
CREATE INDEX big_payload ON big (payload);
CREATE INDEX big_md5 ON big (md5(payload));
DO $$ BEGIN
  FOR i IN 1..%2 LOOP
    EXECUTE format('CREATE TABLE filler_%s (id int PRIMARY KEY, v text NOT NULL)', i);
    EXECUTE format('INSERT INTO filler_%s SELECT g, md5(g::text) FROM generate_series(1, 20) g', i);
  END LOOP;
END $$;
ANALYZE;
)SQL")
                        .arg(bigRows)
                        .arg(fillerTables));
}

// ---------------------------------------------------------------- FaultWriter

FaultWriter::FaultWriter(pg::ConnInfo database, quint32 seed) : m_ci(std::move(database)), m_rng(seed) {}

FaultWriter::~FaultWriter()
{
    stop();
}

void FaultWriter::start()
{
    m_thread = std::thread([this] { loop(); });
}

qint64 FaultWriter::stop()
{
    m_stop = true;
    if (m_thread.joinable())
        m_thread.join();
    return m_committed.load();
}

QString FaultWriter::lastError() const
{
    std::lock_guard l(m_errorMutex);
    return m_error;
}

void FaultWriter::loop()
{
    pg::Connection c;
    while (!m_stop.load()) {
        try {
            if (!c.isOpen()) {
                c = pg::Connection::open(m_ci, {.timeout = 5s, .cancel = &m_stop});
            }
            const int k = int(m_rng.bounded(6));
            const int id = int(1 + m_rng.bounded(5000));
            c.exec(QStringLiteral("BEGIN"));
            switch (k) {
            case 0:
                c.exec(
                    QStringLiteral("INSERT INTO orders (customer_id, amount, note) VALUES ($1, $2, 'new')"),
                    {int(1 + m_rng.bounded(500)), int(m_rng.bounded(10000))});
                break;
            case 1:
                c.exec(
                    QStringLiteral("UPDATE orders SET amount = amount + 1, note = note || '+' WHERE id = $1"),
                    {id});
                break;
            case 2:
                c.exec(QStringLiteral(
                           "UPDATE big SET payload = md5(payload) || payload, k = k + 1 WHERE id = $1"),
                       {id});
                break;
            case 3:
                c.exec(QStringLiteral("DELETE FROM big WHERE id = $1"), {id + 5000});
                break;
            case 4:
                c.exec(QStringLiteral(
                           "INSERT INTO big (k, payload) VALUES ($1, repeat(md5(random()::text), 6))"),
                       {id});
                break;
            default:
                c.exec(QStringLiteral("DELETE FROM orders WHERE id = $1 AND note = 'new'"), {id});
            }
            c.exec(QStringLiteral("COMMIT"));
            ++m_committed;
            std::this_thread::sleep_for(3ms);
        } catch (const pg::Exception &e) {
            if (m_stop.load())
                break;
            if (e.error().breaksConnection() || !c.isOpen()) {
                c.close();
                ++m_reconnects;
                std::this_thread::sleep_for(100ms);
            } else {
                c.tryExec(QStringLiteral("ROLLBACK"));
                std::lock_guard l(m_errorMutex);
                m_error = e.error().toString();
            }
        }
    }
}

// ---------------------------------------------------------------- CliRig

CliRig::CliRig(const pg::ConnInfo &source, const pg::ConnInfo &target, const QString &db, project::Mode mode,
               const QString &targetDb)
    : m_sourcePassword(source.password), m_targetPassword(target.password), m_db(db)
{
    if (!m_dir.isValid())
        throw std::runtime_error("cannot create a temporary folder");
    m_project.name = QStringLiteral("fault test");
    m_project.mode = mode;
    m_project.source =
        project::ConnectionProfile::fromConnInfo(source.withDatabase(QStringLiteral("postgres")));
    m_project.target =
        project::ConnectionProfile::fromConnInfo(target.withDatabase(QStringLiteral("postgres")));
    m_project.databases.append({db, targetDb, {}, {}, {}});
    m_project.settings.jobs = 2;
    m_project.settings.indexJobs = 2;
    m_project.settings.splitThresholdBytes = 1024 * 1024;
    m_project.settings.cutover.makeSourceReadOnly = true;
    m_project.settings.cutover.drainTimeoutSeconds = 120;
    QDir().mkpath(m_dir.path() + QStringLiteral("/logs"));
    save();
}

void CliRig::save()
{
    QString err;
    if (!project::saveProjectFile(m_project, projectFile(), &err))
        throw std::runtime_error(err.toStdString());
}

QString CliRig::stateDir() const
{
    return stateBase() + QStringLiteral("/runs/") + m_project.id;
}

QProcessEnvironment CliRig::environment() const
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("PGFERRY_STATE_DIR"), stateBase());
    env.insert(QStringLiteral("PGFERRY_SOURCE_PASSWORD"), m_sourcePassword);
    env.insert(QStringLiteral("PGFERRY_TARGET_PASSWORD"), m_targetPassword);
    env.remove(QStringLiteral("PGPASSWORD"));
    for (auto it = m_extraEnv.cbegin(); it != m_extraEnv.cend(); ++it)
        env.insert(it.key(), it.value());
    return env;
}

std::unique_ptr<QProcess> CliRig::start(const QStringList &args) const
{
    static std::atomic_int counter{0};
    const int n = ++counter;
    auto p = std::make_unique<QProcess>();
    p->setProcessEnvironment(environment());
    // Output goes to files: no pipe fills up while the test waits, and the secrets test scans them.
    const QString base = m_dir.path() + QStringLiteral("/logs/%1-%2").arg(n).arg(args.value(0));
    p->setStandardOutputFile(base + QStringLiteral(".out"));
    p->setStandardErrorFile(base + QStringLiteral(".err"));
    p->setProperty("log_base", base);
    p->start(QStringLiteral(PGFERRY_CLI_PATH), args);
    if (!p->waitForStarted(10000))
        throw std::runtime_error("cannot start pgferry-cli");
    return p;
}

namespace {
QString readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}
QJsonObject readJson(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? QJsonDocument::fromJson(f.readAll()).object() : QJsonObject();
}
} // namespace

int CliRig::run(const QStringList &args, int timeoutMs, QString *out, QString *err) const
{
    auto p = start(args);
    QElapsedTimer t;
    t.start();
    while (p->state() != QProcess::NotRunning && t.elapsed() < timeoutMs)
        p->waitForFinished(100);
    int rc = -1;
    if (p->state() != QProcess::NotRunning) {
        killHard(*p);
    } else if (p->exitStatus() == QProcess::NormalExit) {
        rc = p->exitCode();
    }
    const QString base = p->property("log_base").toString();
    if (out)
        *out = readFile(base + QStringLiteral(".out"));
    if (err)
        *err = readFile(base + QStringLiteral(".err"));
    return rc;
}

QJsonObject CliRig::status() const
{
    return readJson(stateDir() + QStringLiteral("/status.json"));
}

QJsonObject CliRig::journal() const
{
    return readJson(stateDir() + QStringLiteral("/journal.json"));
}

bool CliRig::stepDone(const QString &step) const
{
    return journal()
        .value(u"databases")
        .toObject()
        .value(m_db)
        .toObject()
        .value(u"steps")
        .toObject()
        .value(step)
        .toBool();
}

QString CliRig::journalValue(const QString &key) const
{
    return journal().value(u"databases").toObject().value(m_db).toObject().value(key).toString();
}

QString CliRig::runOnlineToTheEnd(const std::function<void()> &whileStreaming, int timeoutMs) const
{
    // status.json of an earlier (killed) run may still say ready: wait for this run's own.
    const QString previousStart = status().value(u"started_at").toString();
    auto p = start({QStringLiteral("run"), projectFile(), QStringLiteral("--json")});
    const QString base = p->property("log_base").toString();
    auto ready = [&] {
        const QJsonObject s = status();
        return s.value(u"started_at").toString() != previousStart && s.value(u"ready_for_cutover").toBool();
    };
    QElapsedTimer t;
    t.start();
    while (p->state() != QProcess::NotRunning && !ready() && t.elapsed() < timeoutMs)
        p->waitForFinished(100);
    if (p->state() == QProcess::NotRunning) {
        // Already finished: a cutover confirmed before the kill completes without asking again.
        if (p->exitStatus() == QProcess::NormalExit && p->exitCode() == 0 &&
            status().value(u"state").toString() == u"completed")
            return {};
        return QStringLiteral("run ended before the cutover (exit %1): %2")
            .arg(p->exitCode())
            .arg(readFile(base + QStringLiteral(".err")));
    }
    if (!ready()) {
        killHard(*p);
        return QStringLiteral("not ready for cutover in time: %1")
            .arg(QString::fromUtf8(QJsonDocument(status()).toJson()));
    }
    if (whileStreaming)
        whileStreaming();
    QString out, err;
    const int rc =
        run({QStringLiteral("cutover"), projectFile(), QStringLiteral("--yes")}, timeoutMs, &out, &err);
    if (rc != 0 && p->state() != QProcess::NotRunning) {
        killHard(*p);
        return QStringLiteral("cutover refused (exit %1): %2%3").arg(rc).arg(out, err);
    }
    while (p->state() != QProcess::NotRunning && t.elapsed() < 2 * timeoutMs)
        p->waitForFinished(100);
    if (p->state() != QProcess::NotRunning) {
        killHard(*p);
        return QStringLiteral("run did not end after the cutover");
    }
    if (rc != 0 || p->exitCode() != 0)
        return QStringLiteral("cutover exit %1, run exit %2: %3\n%4\n%5")
            .arg(rc)
            .arg(p->exitCode())
            .arg(out, err, readFile(base + QStringLiteral(".err")));
    return {};
}

void killHard(QProcess &p)
{
    p.kill();
    p.waitForFinished(10000);
}

void makeWritable(TestCluster &cluster, const QString &db)
{
    pg::Connection c = cluster.connect();
    c.exec(QStringLiteral("ALTER DATABASE %1 RESET default_transaction_read_only").arg(c.quoteIdent(db)));
}

QString differences(TestCluster &source, const QString &db, TestCluster &target, const QString &tdb)
{
    pg::Connection s = source.connect(db);
    pg::Connection t = target.connect(tdb);
    const CompareResult r = compareDatabases(s, t);
    if (r.tablesCompared == 0)
        return QStringLiteral("no table compared");
    return r.differences.join(u'\n');
}

qint64 unitsCommitted(const TestCluster &target, const QString &db, const QString &table)
{
    try {
        pg::Connection t = target.connect(db);
        pg::Result r;
        // An empty QString is a NULL parameter: compare with coalesce, or nothing would match.
        if (t.tryExec(QStringLiteral("SELECT count(*) FROM _pgferry.load_units "
                                     "WHERE coalesce($1, '') = '' OR starts_with(unit, $1 || '#')"),
                      {table}, &r))
            return 0;
        return r.toInt(0, 0);
    } catch (const pg::Exception &) {
        return 0;
    }
}

} // namespace pgferry::test
