// Fuzz target: lesson 10's UCR reader (l10::read_ucr) and its split (l10::use_ucr, normal class
// 1). Input: the file. Only ae::DataError is an expected outcome; a crash, another exception, a
// sanitizer report (UBSan: float-to-int overflow of a label) or 512 MB of memory is a finding.
// Run: bash scripts/fuzz.sh ucr SECONDS
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>

#include "10_timeseries/lesson.hpp"
#include "ae/error.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string path =
        fuzz::input_file(std::string(reinterpret_cast<const char*>(data), size), "ucr");
    try {
        const ae::l10::UcrData u = ae::l10::read_ucr(path);
        // One label per series, every value finite as a float, at least 2 values per series.
        if (u.label.size() != u.x.shape()[0] || u.x.shape()[1] < 2) __builtin_trap();
        for (const float v : u.x)
            if (!std::isfinite(v)) __builtin_trap();
        ae::l10::Data d;
        ae::l10::use_ucr(d, path, 1, 42);
        if (d.beats_test.shape()[0] != d.beats_kind.size()) __builtin_trap();
    } catch (const ae::DataError&) {
    }
    return 0;
}
