// pgferry-cli azure: not built yet; says so plainly rather than pretending.
#include "cli.h"

namespace pgferry::cli {

int cmdAzure(Context &ctx)
{
    ctx.err << "pgferry-cli azure: not implemented yet in this build\n";
    return Failure;
}

} // namespace pgferry::cli
