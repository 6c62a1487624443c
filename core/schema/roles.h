// The roles that own or are granted anything being migrated, created on the target when missing.
// Passwords cannot be read from the source: the report lists the login roles that need one.
#pragma once

#include "pg/connection.h"

#include <QStringList>

namespace pgferry::schema {

struct RoleReport
{
    QStringList created;
    QStringList existing;
    QStringList needPassword;      // login roles created without a password
    QStringList droppedAttributes; // "alice: SUPERUSER (not allowed on the target)"
};

RoleReport migrateRoles(pg::Connection &source, pg::Connection &target, bool managedTarget);

} // namespace pgferry::schema
