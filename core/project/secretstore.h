// Secrets of a project (database passwords, and tokens for others such as the Azure client), kept
// out of the project file: in the OS keychain through QtKeychain (service "pgferry"), or in the
// environment for pipelines. Never in plain text: with no keychain backend the calls say so and fail.
//
// The calls are synchronous (a local event loop with a timeout runs the QtKeychain job), so they
// work in the CLI, in tests and in the GUI. Call them from the thread that owns the
// QCoreApplication; the GUI should call them outside of paint or layout code.
#pragma once

#include "pg/conninfo.h"
#include "project/project.h"

#include <QString>
#include <optional>

namespace pgferry::project {

enum class Role { Source, Target };

QString roleName(Role role); // "source" or "target"

class SecretStore
{
public:
    static QString serviceName();                      // "pgferry"
    static QString passwordKey(const Project &, Role); // "<project id>/source" or "<project id>/target"
    static QString environmentVariable(Role);          // PGFERRY_SOURCE_PASSWORD or PGFERRY_TARGET_PASSWORD

    // The password for a role: the environment variable when set and not empty, else the keychain.
    // nullopt when there is none, so that libpq's passfile can apply. When the keychain could not be
    // asked (no backend, locked, refused), nullopt too, with the reason in *error; *error is cleared
    // when nothing went wrong.
    static std::optional<QString> password(const Project &project, Role role, QString *error);
    // Stores in the keychain; false with the reason when there is no keychain (never plain text).
    static bool storePassword(const Project &project, Role role, const QString &password, QString *error);
    // Removes from the keychain; removing a password that is not there succeeds.
    static bool removePassword(const Project &project, Role role, QString *error);

    // Whether a keychain backend answers (e.g. the Secret Service over D-Bus on Linux).
    static bool keychainAvailable(QString *why);

    // Generic secrets under service "pgferry", e.g. "azure/<tenant>/refresh-token".
    // readSecret: nullopt with *error empty when the key is not there; nullopt with *error set on failure.
    static std::optional<QString> readSecret(const QString &key, QString *error);
    static bool writeSecret(const QString &key, const QString &value, QString *error);
    static bool deleteSecret(const QString &key, QString *error); // a missing key is not an error

    // How long one keychain operation may take before it is reported as not answering.
    static int timeoutMs();
};

// Connection parameters for a role and database ("" for the profile's maintenance database): the
// profile plus the password, if SecretStore has one (none for a target signing in with Entra ID:
// azure::resolveConnInfo adds its token source). Always usable: when the keychain could not be
// asked, *error says why (for a hint next to a later authentication failure), else it is cleared.
pg::ConnInfo resolveConnInfo(const Project &project, Role role, const QString &database, QString *error);

// The folder for a project's run state (journal, checkpoints, spool, logs):
// <AppLocalDataLocation>/runs/<project id>, created with mode 0700. PGFERRY_STATE_DIR replaces
// <AppLocalDataLocation> (tests, pipelines). Safe to call from many processes and threads at once
// (a `run` and a `status` poll): a folder that another one created a moment before is used, once it
// is checked to belong to the current user (and made 0700 if it was looser). Empty when the id is
// not a safe folder name or the folder cannot be created or used; *error then says which folder
// and why. Callers must stop on an empty path, never write relative to "/".
QString runStateDir(const Project &project, QString *error = nullptr);

} // namespace pgferry::project
