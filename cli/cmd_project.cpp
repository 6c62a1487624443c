// pgferry-cli project: not built yet; says so plainly rather than pretending.
#include "cli.h"

namespace pgferry::cli {

int cmdProject(Context &ctx)
{
    ctx.err << "pgferry-cli project: not implemented yet in this build\n";
    return Failure;
}

} // namespace pgferry::cli
