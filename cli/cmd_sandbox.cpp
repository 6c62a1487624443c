// pgferry-cli sandbox up|down|status: two local PostgreSQL servers (source with wal_level=logical,
// and target) on loopback, with a sample database, in a folder the user can choose.
#include "cli.h"
#include "sandbox/sandbox.h"

#include <QJsonDocument>

namespace pgferry::cli {

int cmdSandbox(Context &ctx)
{
    QStringList a = ctx.args;
    if (a.isEmpty() || a.first() == u"--help") {
        ctx.err << "usage: pgferry-cli sandbox up|down|status [--dir DIR] [--json] [--remove]\n"
                << "  default folder: " << sandbox::Sandbox::defaultDir() << "\n";
        return a.isEmpty() ? Usage : Success;
    }
    const QString action = a.takeFirst();
    QString dir = sandbox::Sandbox::defaultDir();
    bool json = false, remove = false;
    while (!a.isEmpty()) {
        const QString opt = a.takeFirst();
        if (opt == u"--dir" && !a.isEmpty())
            dir = a.takeFirst();
        else if (opt.startsWith(u"--dir="))
            dir = opt.mid(6);
        else if (opt == u"--json")
            json = true;
        else if (opt == u"--remove" && action == u"down")
            remove = true;
        else {
            ctx.err << "pgferry-cli sandbox: unknown option \"" << opt << "\"\n";
            return Usage;
        }
    }
    sandbox::Sandbox box(dir);
    try {
        if (action == u"up") {
            box.up([&ctx](const QString &line) { ctx.err << line << Qt::endl; });
        } else if (action == u"down") {
            box.down(remove);
            ctx.out << (remove ? "sandbox stopped and removed: " : "sandbox stopped (data kept): ") << dir
                    << Qt::endl;
            return Success;
        } else if (action != u"status") {
            ctx.err << "pgferry-cli sandbox: unknown action \"" << action << "\" (up, down or status)\n";
            return Usage;
        }
    } catch (const std::exception &e) {
        ctx.err << "pgferry-cli sandbox " << action << ": " << QString::fromUtf8(e.what()) << Qt::endl;
        return Failure;
    }
    const auto st = box.status();
    if (json) {
        ctx.out << QJsonDocument(st).toJson(QJsonDocument::Compact) << Qt::endl;
    } else {
        ctx.out << "sandbox folder: " << dir << "\n";
        for (const char *role : {"source", "target"}) {
            const auto o = st.value(QLatin1String(role)).toObject();
            ctx.out << "  " << role << ": " << (o.value(u"running").toBool() ? "running" : "stopped");
            if (o.value(u"initialised").toBool())
                ctx.out << "  " << o.value(u"uri").toString();
            ctx.out << "\n";
        }
    }
    return Success;
}

} // namespace pgferry::cli
