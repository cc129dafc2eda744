// Fuzz target: the checkpoint loader (ae::load_checkpoint) into a fixed two-parameter model,
// 'enc.0.W' (2, 3) and 'enc.0.b' (1, 3). Input: one mode byte, then the file. With mode bit 0
// set the harness rewrites the size field and the CRC-32 to match, so mutations reach the
// parser behind the checksum; otherwise the file is loaded as it is. Only ae::DataError is an
// expected outcome. Run: bash scripts/fuzz.sh checkpoint SECONDS
#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "ae/checkpoint.hpp"
#include "ae/error.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 1) return 0;
    std::string bytes(reinterpret_cast<const char*>(data + 1), size - 1);
    if ((data[0] & 1) && bytes.size() >= 24) {
        const uint64_t total = bytes.size();
        std::memcpy(&bytes[12], &total, sizeof total);  // after magic (8) and version (4)
        const uint32_t crc = static_cast<uint32_t>(
            crc32(crc32(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(bytes.data()),
                  static_cast<uInt>(bytes.size() - 4)));
        std::memcpy(&bytes[bytes.size() - 4], &crc, sizeof crc);
    }
    const std::string path = fuzz::input_file(bytes, "ckpt");
    ae::Matrix w({2, 3}), b({1, 3}), gw({2, 3}), gb({1, 3});
    const std::vector<ae::Param> params{{"enc.0.W", &w, &gw}, {"enc.0.b", &b, &gb}};
    try {
        ae::load_checkpoint(path, params);
    } catch (const ae::DataError&) {
    }
    return 0;
}
