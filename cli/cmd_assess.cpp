// pgferry-cli assess: not built yet; says so plainly rather than pretending.
#include "cli.h"

namespace pgferry::cli {

int cmdAssess(Context &ctx)
{
    ctx.err << "pgferry-cli assess: not implemented yet in this build\n";
    return Failure;
}

} // namespace pgferry::cli
