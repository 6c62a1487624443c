// The source's read-only switch and the sessions it cannot reach. A cutover turns the database's
// default_transaction_read_only on, so that applications still connected cannot write behind the
// drain point, and ends those sessions (a switch applies to new sessions only). The switch is
// reversible, and a cutover that stops undoes it; a fail-back turns the target's on the same way.
#pragma once

#include "pg/connection.h"

#include <QString>
#include <optional>

namespace pgferry::cutover {

// The statement that turns the switch of `database` off again, as a person would run it.
QString writableSql(const pg::Connection &c, const QString &database);

// Lets this session write whatever the database's switch says (a cutover that resumes finds its
// database read-only already).
void writeDespiteReadOnly(pg::Connection &c);

// Turns the switch on for `database`. Throws pg::Exception.
void makeReadOnly(pg::Connection &c, const QString &database);

// Turns it off; the error, if the server refused.
std::optional<pg::Error> makeWritable(pg::Connection &c, const QString &database);

// Ends the client sessions in c's database other than c itself; the error, if the server refused
// (then the applications must be stopped by hand).
std::optional<pg::Error> endOtherSessions(pg::Connection &c);

} // namespace pgferry::cutover
