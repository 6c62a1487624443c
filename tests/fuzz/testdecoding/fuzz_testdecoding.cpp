// libFuzzer target for the test_decoding parser. The input is split into lines, each parsed by
// one parser (so the drift tracking across lines is exercised too). Anything may be thrown as
// DecodeError; nothing may crash or read out of bounds.
#include "cdc/testdecodingparser.h"

#include <cstddef>
#include <cstdint>

using namespace pgferry;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray input(reinterpret_cast<const char *>(data), qsizetype(size));
    cdc::TestDecodingParser parser;
    qsizetype pos = 0;
    while (pos <= input.size()) {
        qsizetype end = input.indexOf('\n', pos);
        if (end < 0)
            end = input.size();
        // Detached copy of exactly the line so that ASan sees any overread.
        const QByteArray line(input.constData() + pos, end - pos);
        try {
            const cdc::Change c = parser.parse(line, quint64(pos));
            if (c.newTuple.size() != c.columns.size() || c.oldTuple.size() != c.oldColumns.size())
                __builtin_trap();
        } catch (const cdc::DecodeError &) {
        }
        pos = end + 1;
    }
    return 0;
}
