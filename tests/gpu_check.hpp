// Shared by the GPU test programs (gpu_train.cpp, gpu_lessons.cpp): PASS/FAIL lines and the
// main that skips without a GPU (exit code 77 = "Skipped" in CTest, SKIP_RETURN_CODE).
#pragma once
#include <cstdio>
#include <exception>
#include <functional>
#include <string>

#include "ae/device.hpp"

namespace gpu_check {

inline int failures = 0, passes = 0;

inline void report(bool ok, const std::string& what, const std::string& detail) {
    std::printf("%s  %s  (%s)\n", ok ? "PASS" : "FAIL", what.c_str(), detail.c_str());
    ok ? ++passes : ++failures;
}

// Runs checks(only), only = argv[1] or "" for every check; 77 without a GPU, 1 on a failure.
inline int main(int argc, char** argv, const std::function<void(const std::string&)>& checks) {
    const std::string only = argc > 1 ? argv[1] : "";
    if (!ae::cuda_available()) {
        std::printf(
            "SKIPPED: %s. The GPU tests need an NVIDIA GPU; the CPU tests cover the rest.\n",
            ae::cuda_device_summary().c_str());
        return 77;
    }
    std::printf("GPU: %s\n", ae::cuda_device_summary().c_str());
    try {
        checks(only);
    } catch (const std::exception& e) {
        std::printf("FAIL  exception: %s\n", e.what());
        ++failures;
    }
    std::printf("%s: %d passed, %d failed\n", failures ? "FAILED" : "PASSED", passes, failures);
    return failures ? 1 : 0;
}

}  // namespace gpu_check
