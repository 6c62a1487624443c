// pgferry-cli report: not built yet; says so plainly rather than pretending.
#include "cli.h"

namespace pgferry::cli {

int cmdReport(Context &ctx)
{
    ctx.err << "pgferry-cli report: not implemented yet in this build\n";
    return Failure;
}

} // namespace pgferry::cli
