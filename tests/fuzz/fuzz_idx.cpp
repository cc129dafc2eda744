// Fuzz target: the IDX readers (ae::read_idx_images, ae::read_idx_labels), plain and gzip.
// Input: one mode byte, then the file. Mode bit 0: labels (else images); bit 1: the harness
// gzips the file (so damaged headers meet the gzip bounds), else it is written as it is (a
// seed that is itself a .gz stream exercises corrupt compressed data). Only ae::DataError is
// an expected outcome; anything else (a crash, another exception, 512 MB) is a finding.
// Run: bash scripts/fuzz.sh idx SECONDS
#include <cstddef>
#include <cstdint>
#include <string>

#include "ae/data.hpp"
#include "ae/error.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 1) return 0;
    const uint8_t mode = data[0];
    const std::string path = fuzz::input_file(
        std::string(reinterpret_cast<const char*>(data + 1), size - 1), "idx", mode & 2);
    try {
        if (mode & 1) {
            const ae::Labels l = ae::read_idx_labels(path);
            for (int v : l)
                if (v < 0 || v > 9) __builtin_trap();  // the reader promises labels in 0..9
        } else {
            size_t rows = 0, cols = 0;
            const ae::Matrix x = ae::read_idx_images(path, &rows, &cols);
            if (x.shape()[1] != rows * cols) __builtin_trap();
            for (float v : x)
                if (!(v >= 0.f && v <= 1.f)) __builtin_trap();
        }
    } catch (const ae::DataError&) {
    }
    return 0;
}
