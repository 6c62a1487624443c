// pgferry-cli cutover: not built yet; says so plainly rather than pretending.
#include "cli.h"

namespace pgferry::cli {

int cmdCutover(Context &ctx)
{
    ctx.err << "pgferry-cli cutover: not implemented yet in this build\n";
    return Failure;
}

} // namespace pgferry::cli
