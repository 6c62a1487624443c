// pgferry-cli: the headless front end. Everything it does lives in the pgferry_cli library.
#include "cli.h"

#include <QCoreApplication>
#include <QTextStream>
#include <csignal>
#include <cstdio>

int main(int argc, char *argv[])
{
    std::signal(SIGPIPE, SIG_IGN);
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("pgferry"));
    QCoreApplication::setOrganizationName(QStringLiteral("pgferry"));
    QCoreApplication::setApplicationVersion(QStringLiteral(PGFERRY_VERSION));
    QTextStream out(stdout);
    QTextStream err(stderr);
    const int rc = pgferry::cli::run(app.arguments().mid(1), out, err);
    out.flush();
    err.flush();
    return rc;
}
