// Shared by the GPU test programs (gpu_train.cpp, gpu_lessons.cpp): PASS/FAIL lines and the
// main that skips without a GPU (exit code 77 = "Skipped" in CTest, SKIP_RETURN_CODE) but
// FAILS when a GPU is there and CUDA cannot use it (old driver, not ready ...): a broken GPU
// machine must not look green.
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

// Runs checks(only), only = argv[1] or "" for every check; 77 without a GPU, 1 on a failure
// or when the GPU cannot be used.
inline int main(int argc, char** argv, const std::function<void(const std::string&)>& checks) {
    const std::string only = argc > 1 ? argv[1] : "";
    const ae::GpuStatus& status = ae::gpu_status();
    if (status.state == ae::GpuState::Unusable) {
        std::printf("FAIL  a GPU is there, but CUDA cannot use it: %s\n",
                    ae::gpu_status_text(status, true).c_str());
        return 1;
    }
    if (status.state != ae::GpuState::Ready) {
        std::printf(
            "SKIPPED: %s\n  The GPU tests need an NVIDIA GPU; the CPU tests cover the rest.\n",
            ae::gpu_status_text(status, true).c_str());
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
