// Shared by the GPU tests (gpu_train.cpp, gpu_lessons.cpp), doctest cases like the others: each
// case starts with `if (!gpu_check::ready()) return;`, which prints "SKIPPED: no usable GPU"
// (CTest: Skipped, SKIP_REGULAR_EXPRESSION) where there is none, but FAILS when a GPU is there
// and CUDA cannot use it (old driver, not ready ...) or when AE_REQUIRE_GPU=1
// (scripts/check-gpu.sh): a broken GPU machine must not look green. report() prints one
// PASS/FAIL line with the figures compared and checks it.
#pragma once
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "ae/data.hpp"
#include "ae/device.hpp"

namespace gpu_check {

// True when a usable GPU is there (its name printed once); otherwise the case is skipped, or
// fails where a GPU is required or present but unusable.
inline bool ready() {
    const ae::GpuStatus& status = ae::gpu_status();
    REQUIRE_MESSAGE(
        status.state != ae::GpuState::Unusable,
        "a GPU is there, but CUDA cannot use it: " << ae::gpu_status_text(status, true));
    if (status.state == ae::GpuState::Ready) {
        static const bool once = std::printf("GPU: %s\n", ae::cuda_device_summary().c_str()) > 0;
        (void)once;
        return true;
    }
    const char* require = std::getenv("AE_REQUIRE_GPU");
    REQUIRE_MESSAGE(!(require && std::string(require) == "1"),
                    "AE_REQUIRE_GPU=1 but " << ae::gpu_status_text(status, true));
    std::printf(
        "SKIPPED: no usable GPU: %s\n  The GPU tests need an NVIDIA GPU; the CPU tests "
        "cover the rest.\n",
        ae::gpu_status_text(status, true).c_str());
    return false;
}

// One comparison: "PASS|FAIL  what  (detail)" on stdout, and a doctest check of ok.
inline void report(bool ok, const std::string& what, const std::string& detail) {
    std::printf("%s  %s  (%s)\n", ok ? "PASS" : "FAIL", what.c_str(), detail.c_str());
    CHECK_MESSAGE(ok, what << "  (" << detail << ")");
}

// The data every GPU case trains on: the first n training images of the committed sample.
inline ae::Matrix sample_images(size_t n) {
    ae::DataRequest r;
    r.sample = true;
    r.max_train = n;
    return ae::load_data(r).train.images;
}

}  // namespace gpu_check
