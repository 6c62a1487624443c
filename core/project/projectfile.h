// Reading, validating, upgrading and writing *.pgferry project files (JSON).
//
// Version 1 (current), written by serializeProject():
//   { "format": "pgferry-project", "version": 1, "id": "…", "name": "…",
//     "mode": "online"|"offline", "engine": "local"|"azure",
//     "source": { "host", "port", "user", "database", "sslmode", "sslrootcert",
//                 "application_name", "passfile" },
//     "target": { … the same …, "azure_resource_id", "auth": "password"|"entra" },
//     "databases": [ { "name", "target_name", "include_tables": [], "exclude_tables": [] } ],
//     "settings": { "jobs", "index_jobs", "split_threshold_bytes", "verify",
//                   "schema": { "overwrite", "no_owner", "no_acl", "create_roles" },
//                   "cutover": { "make_source_read_only", "max_lag_bytes_for_ready",
//                                "drain_timeout_seconds" } },
//     "azure": { "cloud", "cloud_config_file", "tenant_id", "subscription_id", "resource_group",
//                "server_name", "migration_name" } }
// Required: format, version, id, source, target. Everything else falls back to the defaults in project.h.
//
// Version 0 (the legacy layout, upgraded on load; recognised by "version": 0, or by no "format" and
// no "version" but a "source_uri"):
//   { "version": 0, "id"?, "name", "source_uri": URI, "target_uri": URI, "online": bool,
//     "jobs": int, "databases": ["db", …], "database_map": { "db": "target_db" }, "azure_resource_id" }
//   Without an id, one is derived from the file's contents so that reloading gives the same id.
//
// A file never holds a password, token or key: fields named like one are an error, never kept.
#pragma once

#include "project/project.h"

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <optional>

namespace pgferry::project {

struct LoadResult
{
    std::optional<Project> project; // set only when there are no errors
    QStringList errors;             // each names the exact path: "databases[2].name: expected a string"
    bool ok() const { return project.has_value() && errors.isEmpty(); }
};

inline constexpr QLatin1StringView ProjectFormat{"pgferry-project"};
inline constexpr QLatin1StringView ProjectFileSuffix{"pgferry"};

// 1 to 64 letters, digits, '-', '_' or '.', not starting with '.': safe as a folder and keychain key.
bool isValidProjectId(const QString &id);

// Never crashes, whatever the input. Errors have no file name; loadProjectFile() adds it.
LoadResult parseProject(const QByteArray &json);
// Reads and parses a file; every error starts with the path.
LoadResult loadProjectFile(const QString &path);

// What stops a loadable project from running, one message per problem, each starting with the
// path it concerns (like load errors). Kept apart from loading because a draft (a wizard's saved
// work in progress) may be incomplete. Today: an "azure" engine project without its target
// flexible server (target.azure_resource_id, or azure.subscription_id + resource_group + server_name).
QStringList checkRunnable(const Project &project);

// JSON with "format": "pgferry-project" and "version": Project::CurrentVersion; unknown fields kept.
QByteArray serializeProject(const Project &project);
// Atomic (QSaveFile): either the whole new file is there or the old one is untouched.
bool saveProjectFile(const Project &project, const QString &path, QString *error);

} // namespace pgferry::project
