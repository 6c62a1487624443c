#include "project/secretstore.h"

#include "project/projectfile.h"

#include <QCoreApplication>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>
#include <QTimer>
#include <qt6keychain/keychain.h>

#ifdef Q_OS_UNIX
#include <cerrno>
#include <cstring>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace pgferry::project {

namespace {

const QString AdviceNoKeychain = QStringLiteral(
    "pgferry never stores secrets in plain text: set PGFERRY_SOURCE_PASSWORD / PGFERRY_TARGET_PASSWORD "
    "in the environment, use a libpq passfile (~/.pgpass), or run where a keychain is available");

enum class Op { Read, Write, Delete };

struct JobResult
{
    QKeychain::Error code = QKeychain::OtherError;
    QString message; // QtKeychain's own text; never holds the secret
    QString data;
};

// Cheap check first: on Linux the keychain is the Secret Service on the D-Bus session bus.
bool sessionBusReachable(QString *why)
{
#if defined(Q_OS_UNIX) && !defined(Q_OS_MACOS)
    if (!qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"))
        return true;
    const QString runtime = qEnvironmentVariable("XDG_RUNTIME_DIR");
    if (!runtime.isEmpty() && QFileInfo::exists(runtime + QStringLiteral("/bus")))
        return true;
    if (why)
        *why = QStringLiteral(
                   "no keychain is available: there is no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is "
                   "not set), so the Secret Service (gnome-keyring, KWallet) cannot be reached. ") +
               AdviceNoKeychain;
    return false;
#else
    Q_UNUSED(why);
    return true;
#endif
}

QString describeFailure(const JobResult &r)
{
    switch (r.code) {
    case QKeychain::NoBackendAvailable:
        return QStringLiteral("no keychain is available (%1). ").arg(r.message) + AdviceNoKeychain;
    case QKeychain::AccessDeniedByUser:
        return QStringLiteral("access to the keychain was refused (%1)").arg(r.message);
    case QKeychain::AccessDenied:
        return QStringLiteral("the keychain is locked or denied access (%1): unlock it and try again")
            .arg(r.message);
    case QKeychain::NotImplemented:
        return QStringLiteral("the keychain does not support this on this platform (%1). ").arg(r.message) +
               AdviceNoKeychain;
    case QKeychain::CouldNotDeleteEntry:
        return QStringLiteral("the keychain could not delete the entry (%1)").arg(r.message);
    default:
        return QStringLiteral("the keychain failed (%1). ")
                   .arg(r.message.isEmpty() ? QStringLiteral("no reason given") : r.message) +
               AdviceNoKeychain;
    }
}

// Runs one QtKeychain job to completion in a local event loop, with a deadline.
JobResult runJob(Op op, const QString &key, const QString &value = {})
{
    JobResult res;
    if (!QCoreApplication::instance()) {
        res.message = QStringLiteral("the keychain needs a QCoreApplication");
        return res;
    }
    QKeychain::Job *job = nullptr;
    const QString service = SecretStore::serviceName();
    switch (op) {
    case Op::Read:
        job = new QKeychain::ReadPasswordJob(service);
        break;
    case Op::Write: {
        auto *w = new QKeychain::WritePasswordJob(service);
        w->setTextData(value);
        job = w;
        break;
    }
    case Op::Delete:
        job = new QKeychain::DeletePasswordJob(service);
        break;
    }
    job->setAutoDelete(false);
    job->setInsecureFallback(false); // never plain text
    job->setKey(key);

    QEventLoop loop;
    bool finished = false;
    QObject::connect(job, &QKeychain::Job::finished, &loop, [&](QKeychain::Job *) {
        finished = true;
        loop.quit();
    });
    QTimer deadline;
    deadline.setSingleShot(true);
    QObject::connect(&deadline, &QTimer::timeout, &loop, &QEventLoop::quit);
    deadline.start(SecretStore::timeoutMs());
    job->start();
    if (!finished)
        loop.exec(QEventLoop::ExcludeUserInputEvents);
    if (!finished) {
        // The backend may still answer later: let the job delete itself then, never under it.
        QObject::disconnect(job, nullptr, &loop, nullptr);
        job->setAutoDelete(true);
        res.code = QKeychain::OtherError;
        res.message = QStringLiteral("no answer within %1 seconds").arg(SecretStore::timeoutMs() / 1000);
        return res;
    }
    res.code = job->error();
    res.message = job->errorString();
    if (op == Op::Read && res.code == QKeychain::NoError)
        res.data = static_cast<QKeychain::ReadPasswordJob *>(job)->textData();
    delete job;
    return res;
}

void setError(QString *error, const QString &text)
{
    if (error)
        *error = text;
}

} // namespace

QString roleName(Role role)
{
    return role == Role::Source ? QStringLiteral("source") : QStringLiteral("target");
}

QString SecretStore::serviceName()
{
    return QStringLiteral("pgferry");
}

QString SecretStore::passwordKey(const Project &project, Role role)
{
    return project.id + u'/' + roleName(role);
}

QString SecretStore::environmentVariable(Role role)
{
    return role == Role::Source ? QStringLiteral("PGFERRY_SOURCE_PASSWORD")
                                : QStringLiteral("PGFERRY_TARGET_PASSWORD");
}

int SecretStore::timeoutMs()
{
    bool ok = false;
    const int ms = qEnvironmentVariableIntValue("PGFERRY_KEYCHAIN_TIMEOUT_MS", &ok);
    return ok && ms > 0 ? ms : 30000; // an unlock prompt on a desktop needs a human
}

std::optional<QString> SecretStore::readSecret(const QString &key, QString *error)
{
    setError(error, {});
    if (!sessionBusReachable(error))
        return std::nullopt;
    JobResult r = runJob(Op::Read, key);
    if (r.code == QKeychain::NoError)
        return r.data;
    if (r.code == QKeychain::EntryNotFound)
        return std::nullopt;
    setError(error, QStringLiteral("reading \"%1\" from the keychain: ").arg(key) + describeFailure(r));
    return std::nullopt;
}

bool SecretStore::writeSecret(const QString &key, const QString &value, QString *error)
{
    setError(error, {});
    QString why;
    if (!sessionBusReachable(&why)) {
        setError(error, QStringLiteral("cannot store \"%1\": ").arg(key) + why);
        return false;
    }
    const JobResult r = runJob(Op::Write, key, value);
    if (r.code == QKeychain::NoError)
        return true;
    setError(error, QStringLiteral("cannot store \"%1\" in the keychain: ").arg(key) + describeFailure(r));
    return false;
}

bool SecretStore::deleteSecret(const QString &key, QString *error)
{
    setError(error, {});
    QString why;
    if (!sessionBusReachable(&why)) {
        setError(error, QStringLiteral("cannot remove \"%1\": ").arg(key) + why);
        return false;
    }
    const JobResult r = runJob(Op::Delete, key);
    if (r.code == QKeychain::NoError || r.code == QKeychain::EntryNotFound)
        return true;
    setError(error, QStringLiteral("cannot remove \"%1\" from the keychain: ").arg(key) + describeFailure(r));
    return false;
}

bool SecretStore::keychainAvailable(QString *why)
{
    setError(why, {});
    if (!sessionBusReachable(why))
        return false;
    // Ask for an entry that is never there: "not found" proves that a backend answered.
    const JobResult r = runJob(Op::Read, QStringLiteral("pgferry-keychain-probe"));
    if (r.code == QKeychain::NoError || r.code == QKeychain::EntryNotFound)
        return true;
    setError(why, describeFailure(r));
    return false;
}

std::optional<QString> SecretStore::password(const Project &project, Role role, QString *error)
{
    setError(error, {});
    const QString fromEnv = qEnvironmentVariable(environmentVariable(role).toLatin1().constData());
    if (!fromEnv.isEmpty())
        return fromEnv;
    return readSecret(passwordKey(project, role), error);
}

bool SecretStore::storePassword(const Project &project, Role role, const QString &password, QString *error)
{
    if (password.isEmpty()) {
        setError(error,
                 QStringLiteral("an empty %1 password is not stored; remove it instead").arg(roleName(role)));
        return false;
    }
    return writeSecret(passwordKey(project, role), password, error);
}

bool SecretStore::removePassword(const Project &project, Role role, QString *error)
{
    return deleteSecret(passwordKey(project, role), error);
}

pg::ConnInfo resolveConnInfo(const Project &project, Role role, const QString &database, QString *error)
{
    const ConnectionProfile &profile = role == Role::Source ? project.source : project.target;
    pg::ConnInfo ci = profile.connInfo(database);
    QString why;
    // An Entra ID target's password is a token (azure::resolveConnInfo attaches its source).
    if (profile.auth == Auth::Password) {
        if (const auto pw = SecretStore::password(project, role, &why))
            ci.password = *pw;
    }
    setError(error, why);
    return ci;
}

namespace {

#ifdef Q_OS_UNIX
QString errnoText(int e)
{
    return QString::fromLocal8Bit(std::strerror(e));
}

QString userName(uid_t uid)
{
    struct passwd pw;
    struct passwd *found = nullptr;
    char buf[1024];
    if (::getpwuid_r(uid, &pw, buf, sizeof buf, &found) == 0 && found)
        return QStringLiteral("%1 (uid %2)").arg(QString::fromLocal8Bit(found->pw_name)).arg(uid);
    return QStringLiteral("uid %1").arg(uid);
}

// mkdir -p that says which folder failed and why. EEXIST is success when it is a folder: another
// process may create any part of the path between our look and our mkdir.
bool makePath(const QString &dir, QString *why)
{
    const QByteArray path = QFile::encodeName(dir);
    if (::mkdir(path.constData(), S_IRWXU) == 0)
        return true;
    int e = errno;
    if (e == ENOENT) {
        const QString parent = QFileInfo(dir).path();
        if (parent != dir && !makePath(parent, why))
            return false;
        if (::mkdir(path.constData(), S_IRWXU) == 0)
            return true;
        e = errno;
    }
    struct stat st;
    if (e == EEXIST && ::stat(path.constData(), &st) == 0 && S_ISDIR(st.st_mode))
        return true;
    *why = e == EEXIST ? QStringLiteral("%1 exists but is not a folder").arg(dir)
                       : QStringLiteral("cannot create the folder %1: %2").arg(dir, errnoText(e));
    return false;
}
#else
bool makePath(const QString &dir, QString *why)
{
    if (QDir().mkpath(dir))
        return true;
    *why = QStringLiteral("cannot create the folder %1").arg(dir);
    return false;
}
#endif

// One private folder of the state path: created 0700, or, when it is there already (perhaps made
// a moment ago by a concurrent `status`), accepted if it belongs to the current user and made 0700.
bool makePrivateDir(const QString &dir, QString *why)
{
#ifdef Q_OS_UNIX
    const QByteArray path = QFile::encodeName(dir);
    if (::mkdir(path.constData(), S_IRWXU) != 0 && errno != EEXIST) {
        const int e = errno;
        *why = QStringLiteral("cannot create the folder %1: %2").arg(dir, errnoText(e));
        return false;
    }
    struct stat link;
    struct stat st;
    if (::lstat(path.constData(), &link) != 0 || ::stat(path.constData(), &st) != 0) {
        const int e = errno;
        *why = QStringLiteral("cannot read the folder %1: %2").arg(dir, errnoText(e));
        return false;
    }
    if (!S_ISDIR(st.st_mode)) {
        *why = QStringLiteral("%1 exists but is not a folder; move it away").arg(dir);
        return false;
    }
    const uid_t me = ::geteuid();
    if (link.st_uid != me || st.st_uid != me) {
        *why =
            QStringLiteral(
                "the folder %1 belongs to %2, not to the current user %3; pgferry keeps run state "
                "private, so it does not use it: remove it, or set PGFERRY_STATE_DIR to a folder of your own")
                .arg(dir, userName(link.st_uid != me ? link.st_uid : st.st_uid), userName(me));
        return false;
    }
    if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0 && ::chmod(path.constData(), S_IRWXU) != 0) {
        const int e = errno;
        *why = QStringLiteral("cannot make the folder %1 private (mode 0700): %2").arg(dir, errnoText(e));
        return false;
    }
    return true;
#else
    const QFile::Permissions ownerOnly = QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner;
    if (!QDir().mkdir(dir, ownerOnly) && !QFileInfo(dir).isDir()) {
        *why = QStringLiteral("cannot create the folder %1").arg(dir);
        return false;
    }
    QFile::setPermissions(dir, ownerOnly);
    return true;
#endif
}

} // namespace

QString runStateDir(const Project &project, QString *error)
{
    QString why;
    if (!isValidProjectId(project.id)) {
        setError(error,
                 QStringLiteral("the project id \"%1\" cannot name a run state folder (it must be a plain "
                                "folder name); give the project a new id")
                     .arg(project.id.left(80)));
        return {};
    }
    QString base = qEnvironmentVariable("PGFERRY_STATE_DIR");
    if (base.isEmpty())
        base = QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation);
    if (base.isEmpty()) {
        setError(error,
                 QStringLiteral("there is no application data folder for the run state of project %1; set "
                                "PGFERRY_STATE_DIR to a writable folder")
                     .arg(project.id));
        return {};
    }
    QString dir = QDir(base).absolutePath();
    if (!makePath(dir, &why)) {
        setError(error,
                 QStringLiteral("cannot use the run state folder of project %1: %2 (set PGFERRY_STATE_DIR to "
                                "a writable folder)")
                     .arg(project.id, why));
        return {};
    }
    for (const QString &part : {QStringLiteral("runs"), project.id}) {
        dir += u'/' + part;
        if (!makePrivateDir(dir, &why)) {
            setError(
                error,
                QStringLiteral("cannot use the run state folder of project %1: %2").arg(project.id, why));
            return {};
        }
    }
    setError(error, QString());
    return dir;
}

} // namespace pgferry::project
