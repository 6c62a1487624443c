// `pgferry --screenshots DIR`: renders every page of the wizard, filled with the sample project
// and a sample running migration, to DIR/NN-<page>.png.
#pragma once

#include <QString>
#include <QStringList>

namespace pgferry::wizard {

// Returns the files written; sets *error and returns what it wrote so far on failure.
QStringList renderScreenshots(const QString &dir, QString *error, bool dark = false);

} // namespace pgferry::wizard
