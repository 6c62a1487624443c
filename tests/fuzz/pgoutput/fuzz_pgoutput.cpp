// libFuzzer target for the pgoutput decoder. The input is a sequence of messages, each prefixed
// by a 16-bit big-endian length, fed to one decoder so that the relation cache and the streaming
// state are exercised across messages. A single message without framing works too: a seed file
// captured from the stream is one message. Anything may be thrown as DecodeError; nothing may crash.
#include "cdc/pgoutputdecoder.h"

#include <cstddef>
#include <cstdint>

using namespace pgferry;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray input(reinterpret_cast<const char *>(data), qsizetype(size));
    cdc::PgOutputDecoder decoder;
    // The whole input as one message (the seed corpus form).
    try {
        decoder.decode(input);
    } catch (const cdc::DecodeError &) {
    }
    // Then as framed messages, keeping the decoder's state between them.
    qsizetype pos = 0;
    while (pos + 2 <= input.size()) {
        const qsizetype len = (qsizetype(quint8(input[pos])) << 8) | quint8(input[pos + 1]);
        pos += 2;
        // Detached copy of exactly the message bytes so that ASan sees any overread.
        const QByteArray message(input.constData() + pos, std::min(len, input.size() - pos));
        pos += message.size();
        try {
            const cdc::Change c = decoder.decode(message, quint64(pos));
            // Touch what the applier reads.
            for (const auto &v : c.newTuple)
                (void)v.text.size();
            if (c.newTuple.size() > c.columns.size())
                __builtin_trap();
        } catch (const cdc::DecodeError &) {
        }
    }
    return 0;
}
