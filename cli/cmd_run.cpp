// pgferry-cli run: not built yet; says so plainly rather than pretending.
#include "cli.h"

namespace pgferry::cli {

int cmdRun(Context &ctx)
{
    ctx.err << "pgferry-cli run: not implemented yet in this build\n";
    return Failure;
}

} // namespace pgferry::cli
