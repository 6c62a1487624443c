// Icons drawn in code so they are crisp at every device pixel ratio and need no theme (severities,
// table and step states), and the application's icon, from resources/ (the SVG's PNG renditions).
#pragma once

#include "engine/migrationstatus.h"
#include "wizardservices.h"

#include <QColor>
#include <QIcon>
#include <QPixmap>

namespace pgferry::wizard {

enum class StepState { Pending, Running, Done, Failed };

QColor severityColor(Severity s);
QIcon severityIcon(Severity s);
QIcon tableStateIcon(engine::TableState s);
QIcon stepIcon(StepState s);
QIcon appIcon(); // 16 to 256 pixels
QPixmap appLogo(int size, qreal devicePixelRatio = 1.0);

} // namespace pgferry::wizard
