// Fuzz target: the .npy reader (ae::load_npy). Input: the file. Only ae::DataError is an
// expected outcome; a crash, another exception or 512 MB of memory is a finding.
// Run: bash scripts/fuzz.sh npy SECONDS
#include <cstddef>
#include <cstdint>
#include <string>

#include "ae/error.hpp"
#include "ae/io.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string path =
        fuzz::input_file(std::string(reinterpret_cast<const char*>(data), size), "npy");
    try {
        const ae::Matrix m = ae::load_npy(path);
        // The shape describes exactly the elements there, and the file holds them.
        uint64_t n = 0;
        if (__builtin_mul_overflow(uint64_t{m.shape()[0]}, uint64_t{m.shape()[1]}, &n) ||
            n != m.size() || n * sizeof(float) > size)
            __builtin_trap();
        float sum = 0.f;  // touch every element (ASan checks the reads)
        for (size_t i = 0; i < m.size(); ++i) sum += m.data()[i];
        (void)sum;
    } catch (const ae::DataError&) {
    }
    return 0;
}
