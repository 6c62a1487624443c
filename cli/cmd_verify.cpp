// pgferry-cli verify: not built yet; says so plainly rather than pretending.
#include "cli.h"

namespace pgferry::cli {

int cmdVerify(Context &ctx)
{
    ctx.err << "pgferry-cli verify: not implemented yet in this build\n";
    return Failure;
}

} // namespace pgferry::cli
