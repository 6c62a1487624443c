// libFuzzer target for parseProject(): no input may crash, hang or leak, every failure has a
// message, and whatever loads is written and read back to the same project, byte for byte.
#include "project/projectfile.h"

#include <cstdint>
#include <cstdlib>

using namespace pgferry::project;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray input(reinterpret_cast<const char *>(data), qsizetype(size));
    const LoadResult r = parseProject(input);
    if (r.ok() == !r.errors.isEmpty() || r.project.has_value() != r.ok())
        std::abort(); // a result is either a project or a list of problems
    for (const QString &e : r.errors)
        if (e.isEmpty())
            std::abort();
    if (!r.ok())
        return 0;
    const QByteArray saved = serializeProject(*r.project);
    const LoadResult again = parseProject(saved);
    if (!again.ok() || !(*again.project == *r.project))
        std::abort(); // what loads must save and load back equal
    if (serializeProject(*again.project) != saved)
        std::abort(); // and saving is deterministic
    return 0;
}
