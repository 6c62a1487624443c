#include "format.h"

#include <QLocale>
#include <cmath>

namespace pgferry::wizard {

QString Format::bytes(qint64 bytes)
{
    if (bytes < 0)
        return QStringLiteral("–");
    return QLocale().formattedDataSize(bytes, 1, QLocale::DataSizeTraditionalFormat);
}

QString Format::count(qint64 n)
{
    return QLocale().toString(n);
}

QString Format::rows(double perSecond)
{
    return tr("%1 rows/s").arg(QLocale().toString(qint64(std::llround(perSecond))));
}

QString Format::rate(double bytesPerSecond)
{
    return tr("%1/s").arg(bytes(qint64(bytesPerSecond)));
}

QString Format::duration(double seconds)
{
    if (seconds < 0 || !std::isfinite(seconds))
        return QStringLiteral("–");
    const qint64 s = qint64(std::llround(seconds));
    if (s < 60)
        return tr("%1 s").arg(s);
    if (s < 3600)
        return tr("%1 min %2 s").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
    if (s < 86400)
        return tr("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60, 2, 10, QLatin1Char('0'));
    return tr("%1 d %2 h").arg(s / 86400).arg((s % 86400) / 3600);
}

QString Format::runState(engine::RunState s)
{
    using engine::RunState;
    switch (s) {
    case RunState::NotStarted:
        return tr("Not started");
    case RunState::Assessing:
        return tr("Assessing");
    case RunState::Preparing:
        return tr("Preparing");
    case RunState::Running:
        return tr("Running");
    case RunState::Streaming:
        return tr("Streaming changes");
    case RunState::CuttingOver:
        return tr("Cutting over");
    case RunState::Completed:
        return tr("Completed");
    case RunState::Failed:
        return tr("Failed");
    case RunState::Cancelled:
        return tr("Cancelled");
    case RunState::Stopped:
        return tr("Stopped");
    case RunState::Fallback:
        return tr("Cut over, fallback streaming");
    case RunState::FailingBack:
        return tr("Failing back");
    }
    return {};
}

QString Format::phase(engine::DatabasePhase p)
{
    using engine::DatabasePhase;
    switch (p) {
    case DatabasePhase::Pending:
        return tr("Waiting");
    case DatabasePhase::Assess:
        return tr("Assessing");
    case DatabasePhase::Prepare:
        return tr("Preparing");
    case DatabasePhase::Schema:
        return tr("Copying the schema");
    case DatabasePhase::FullLoad:
        return tr("Full load");
    case DatabasePhase::PostData:
        return tr("Building indexes");
    case DatabasePhase::Streaming:
        return tr("Streaming changes");
    case DatabasePhase::Cutover:
        return tr("Cutting over");
    case DatabasePhase::Verify:
        return tr("Verifying");
    case DatabasePhase::Done:
        return tr("Done");
    case DatabasePhase::Failed:
        return tr("Failed");
    case DatabasePhase::Fallback:
        return tr("Fallback streaming");
    case DatabasePhase::FailingBack:
        return tr("Failing back");
    }
    return {};
}

QString Format::tableState(engine::TableState s)
{
    using engine::TableState;
    switch (s) {
    case TableState::Queued:
        return tr("Queued");
    case TableState::Loading:
        return tr("Loading");
    case TableState::Loaded:
        return tr("Loaded");
    case TableState::Indexing:
        return tr("Indexing");
    case TableState::Done:
        return tr("Done");
    case TableState::Failed:
        return tr("Failed");
    }
    return {};
}

} // namespace pgferry::wizard
