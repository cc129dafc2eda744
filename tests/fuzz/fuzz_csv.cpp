// Fuzz target: lesson 10's CSV column reader (l10::read_csv_column, column "mv"). Input: the
// file. Only ae::DataError is an expected outcome; a crash, another exception, a sanitizer
// report or 512 MB of memory is a finding.
// Run: bash scripts/fuzz.sh csv SECONDS
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>

#include "10_timeseries/lesson.hpp"
#include "ae/error.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string path =
        fuzz::input_file(std::string(reinterpret_cast<const char*>(data), size), "csv");
    try {
        const std::vector<double> v = ae::l10::read_csv_column(path, "mv");
        if (v.size() < 2) __builtin_trap();
        for (const double x : v)
            if (!std::isfinite(x) || !std::isfinite(static_cast<float>(x))) __builtin_trap();
    } catch (const ae::DataError&) {
    }
    return 0;
}
