#include "guiapp.h"
#include "migrationwizard.h"

#include <QApplication>

namespace pgferry::wizard {

int runGuiApplication(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("pgferry"));
    QApplication::setOrganizationName(QStringLiteral("pgferry"));
    QApplication::setApplicationVersion(QStringLiteral(PGFERRY_VERSION));
    MigrationWizard w;
    w.show();
    return app.exec();
}

} // namespace pgferry::wizard
