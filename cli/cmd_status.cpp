// pgferry-cli status: not built yet; says so plainly rather than pretending.
#include "cli.h"

namespace pgferry::cli {

int cmdStatus(Context &ctx)
{
    ctx.err << "pgferry-cli status: not implemented yet in this build\n";
    return Failure;
}

} // namespace pgferry::cli
