// Fuzz target: the architecture a checkpoint carries (ae::ArchRecord and ae::parse_mlp_arch),
// and reading it from a checkpoint's header (ae::read_mlp_arch, which bounds the model by the
// bytes present). Input: one mode byte, then the text; with mode bit 0 set the harness stores
// the text as the description of a checkpoint file and reads that. Only ae::DataError is an
// expected outcome. Run: bash scripts/fuzz.sh arch SECONDS
#include <cstddef>
#include <cstdint>
#include <string>

#include "ae/arch_record.hpp"
#include "ae/autoencoder.hpp"
#include "ae/checkpoint.hpp"
#include "ae/error.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 1) return 0;
    const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
    try {
        if (data[0] & 1) {
            const std::string path = fuzz::input_file("", "arch.ckpt");
            ae::save_checkpoint(path, {}, text);
            ae::read_mlp_arch(path, 784);
        } else {
            const ae::ArchRecord r = ae::ArchRecord::parse(text, "fuzz");
            (void)r.text();
            ae::parse_mlp_arch(text, "fuzz", 0);
        }
    } catch (const ae::DataError&) {
    }
    return 0;
}
