// Tests of the device-selection logic (ae::resolve_device, ae::classify_cuda_startup,
// ae/device.hpp) that run on every machine: with or without CUDA, with or without a GPU; the
// start-up classification with made-up CUDA codes. The GPU itself is tested by test_gpu
// (tests/gpu_train.cpp, label "gpu"), which is skipped where there is none.
#include <doctest/doctest.h>

#include <string>

#include "ae/cli.hpp"
#include "ae/device.hpp"
#include "ae/error.hpp"
#include "ae/training.hpp"

using namespace ae;

TEST_CASE(
    "common device: --device cpu is always the CPU; auto picks the GPU exactly when one is there") {
    CHECK(resolve_device("cpu") == "cpu");
    CHECK(resolve_device("auto") == (cuda_available() ? "cuda" : "cpu"));
#ifdef AE_HAVE_CUDA
    CHECK(cuda_built());
#else
    CHECK_FALSE(cuda_built());
    CHECK_FALSE(cuda_available());
#endif
    CHECK_FALSE(cuda_device_summary().empty());
}

TEST_CASE("common device: --device cuda without a GPU is a clear error that names --device cpu") {
    if (cuda_available()) {
        CHECK(resolve_device("cuda") == "cuda");
        return;
    }
    try {
        resolve_device("cuda");
        FAIL("resolve_device(\"cuda\") returned without a GPU");
    } catch (const Error& e) {
        INFO("message: " << e.what());
        CHECK(std::string(e.what()).find("--device cpu") != std::string::npos);
    }
}

TEST_CASE("common device: the GPU trainer without a GPU throws ae::Error instead of crashing") {
    if (cuda_available()) return;  // covered by test_gpu
    Rng rng(1);
    Sequential m;
    m.add<Dense>(4, 2, rng);
    m.add<ReLU>();
    m.add<Dense>(2, 4, rng);
    CHECK_THROWS_AS(GpuAutoencoder(m, Objective{}, OptimizerSpec{}, 8), Error);
}

namespace {
CudaProbe probe(int code, const std::string& name, int count, int driver, int runtime = 13000) {
    return {code, name, name.empty() ? "" : name + " text", count, driver, runtime};
}
}  // namespace

TEST_CASE("common device: CUDA start-up codes that mean there is no GPU") {
    namespace E = cuda_error;
    // This machine's case: no NVIDIA driver at all; the runtime says "insufficient driver".
    GpuStatus s =
        classify_cuda_startup(probe(E::kInsufficientDriver, "cudaErrorInsufficientDriver", 0, 0));
    CHECK(s.state == GpuState::NoGpu);
    CHECK(s.summary.find("No NVIDIA GPU found") == 0);
    CHECK(s.detail.find("cudaErrorInsufficientDriver") != std::string::npos);
    CHECK(s.fix.empty());
    CHECK(classify_cuda_startup(probe(E::kNoDevice, "cudaErrorNoDevice", 0, 13000)).state ==
          GpuState::NoGpu);
    CHECK(classify_cuda_startup(probe(E::kSuccess, "", 0, 13000)).state == GpuState::NoGpu);
    CHECK(classify_cuda_startup(probe(E::kSuccess, "", 2, 13000)).state == GpuState::Ready);
}

TEST_CASE("common device: a GPU that CUDA cannot use is named, with the fix") {
    namespace E = cuda_error;
    // A driver is installed (it reports CUDA 12.4) but is older than the CUDA 13 runtime.
    GpuStatus old = classify_cuda_startup(
        probe(E::kInsufficientDriver, "cudaErrorInsufficientDriver", 0, 12040, 13000));
    CHECK(old.state == GpuState::Unusable);
    CHECK(old.summary.find("too old") != std::string::npos);
    CHECK(old.summary.find("12.4") != std::string::npos);
    CHECK(old.summary.find("13.0") != std::string::npos);
    CHECK(old.fix.find("580") != std::string::npos);
    // HGX machines whose fabric manager is down.
    GpuStatus fabric =
        classify_cuda_startup(probe(E::kSystemNotReady, "cudaErrorSystemNotReady", 0, 13000));
    CHECK(fabric.state == GpuState::Unusable);
    CHECK(fabric.summary.find("cudaErrorSystemNotReady") != std::string::npos);
    CHECK(fabric.fix.find("fabricmanager") != std::string::npos);
    for (int code : {E::kSystemDriverMismatch, E::kCompatNotSupportedOnDevice,
                     E::kDevicesUnavailable, E::kInitializationError, E::kNotPermitted, 999}) {
        INFO("cudaError_t " << code);
        const GpuStatus s = classify_cuda_startup(probe(code, "cudaErrorSomething", 0, 13000));
        CHECK(s.state == GpuState::Unusable);
        CHECK_FALSE(s.fix.empty());
        CHECK(s.summary.find("cudaErrorSomething") != std::string::npos);
    }
    // What people read: the fix always, CUDA's own text only when asked (--verbose).
    CHECK(gpu_status_text(fabric, false).find("Fix: ") != std::string::npos);
    CHECK(gpu_status_text(fabric, false).find("text") == std::string::npos);
    CHECK(gpu_status_text(fabric, true).find("cudaErrorSystemNotReady text") != std::string::npos);
}

TEST_CASE("common device: this machine's status agrees with cuda_available and the build") {
    const GpuStatus& s = gpu_status();
    CHECK(cuda_available() == (s.state == GpuState::Ready));
    CHECK((s.state == GpuState::NotBuilt) == !cuda_built());
    CHECK_FALSE(s.summary.empty());
}
