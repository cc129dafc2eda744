// Is there a GPU, and which device trains (see ae/device.hpp): what CUDA said at start-up and
// what it means, in plain words, and --device auto|cpu|cuda resolved against it. Compiled in
// every build; without CUDA the status is NotBuilt. Names are distinctive: unity build.
#include "ae/device.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <sstream>
#include <utility>

#include "ae/cli.hpp"
#include "ae/error.hpp"

#ifdef AE_HAVE_CUDA
#include <cuda_runtime_api.h>

#include "ae/cuda/mlp.hpp"

// ae/device.hpp names these codes without CUDA's headers: they must be the runtime's.
static_assert(ae::cuda_error::kSuccess == cudaSuccess);
static_assert(ae::cuda_error::kInitializationError == cudaErrorInitializationError);
static_assert(ae::cuda_error::kInsufficientDriver == cudaErrorInsufficientDriver);
static_assert(ae::cuda_error::kDevicesUnavailable == cudaErrorDevicesUnavailable);
static_assert(ae::cuda_error::kNoDevice == cudaErrorNoDevice);
static_assert(ae::cuda_error::kOperatingSystem == cudaErrorOperatingSystem);
static_assert(ae::cuda_error::kNotPermitted == cudaErrorNotPermitted);
static_assert(ae::cuda_error::kSystemNotReady == cudaErrorSystemNotReady);
static_assert(ae::cuda_error::kSystemDriverMismatch == cudaErrorSystemDriverMismatch);
static_assert(ae::cuda_error::kCompatNotSupportedOnDevice == cudaErrorCompatNotSupportedOnDevice);
#endif

namespace ae {

// ---------------------------------------------------------------- is there a GPU?

namespace {
std::string cuda_version_name(int v) {  // 13000 -> "13.0"
    return std::to_string(v / 1000) + "." + std::to_string(v % 1000 / 10);
}

bool verbose_flag = false;
}  // namespace

GpuStatus classify_cuda_startup(const CudaProbe& p) {
    namespace E = cuda_error;
    GpuStatus s;
    if (p.count_error != E::kSuccess) s.detail = p.error_name + ": " + p.error_text;
    const bool no_driver = p.count_error == E::kInsufficientDriver && p.driver_version == 0;
    if ((p.count_error == E::kSuccess && p.device_count == 0) || p.count_error == E::kNoDevice ||
        no_driver) {
        s.state = GpuState::NoGpu;
        s.summary = no_driver ? "No NVIDIA GPU found (no NVIDIA driver is installed)"
                              : "No NVIDIA GPU found";
        if (p.count_error == E::kSuccess) s.detail = "the CUDA driver reports no device";
        return s;
    }
    if (p.count_error == E::kSuccess) {
        s.state = GpuState::Ready;
        s.summary = std::to_string(p.device_count) + " NVIDIA GPU(s)";
        return s;
    }
    s.state = GpuState::Unusable;
    const std::string named = " (" + p.error_name + ")";
    switch (p.count_error) {
        case E::kInsufficientDriver:
            s.summary =
                "An NVIDIA GPU driver is installed but too old for this build: it runs CUDA " +
                cuda_version_name(p.driver_version) + ", the build needs CUDA " +
                cuda_version_name(p.runtime_version) + named;
            s.fix =
                "Update the NVIDIA driver (CUDA 13 needs driver 580 or newer; nvidia-smi shows "
                "the version), or build with a CUDA toolkit the driver supports";
            break;
        case E::kSystemNotReady:
            s.summary = "The GPUs are not ready for CUDA yet" + named;
            s.fix =
                "On HGX/DGX machines with NVSwitch, start the fabric manager (sudo systemctl "
                "start nvidia-fabricmanager; its version must match the driver's), then retry";
            break;
        case E::kSystemDriverMismatch:
            s.summary =
                "The NVIDIA kernel module and driver library have different versions" + named;
            s.fix = "Reboot after the driver update, or reinstall the driver so that both match";
            break;
        case E::kCompatNotSupportedOnDevice:
            s.summary = "The CUDA forward-compatibility package does not support this GPU" + named;
            s.fix =
                "Remove cuda-compat from the library path (LD_LIBRARY_PATH) or update the driver";
            break;
        case E::kDevicesUnavailable:
            s.summary = "Every GPU is busy or reserved (exclusive-process compute mode)" + named;
            s.fix =
                "Wait for the other process, or set the compute mode to Default (nvidia-smi -c 0)";
            break;
        default:
            s.summary = "CUDA cannot start on this machine's GPU" + named;
            s.fix =
                "Run nvidia-smi: if it fails, repair the driver installation; in a container, "
                "pass the GPU in (docker run --gpus all) and check that /dev/nvidia* are readable";
    }
    return s;
}

bool verbose_enabled() {
    const char* env = std::getenv("AE_VERBOSE");
    return verbose_flag || (env && std::strcmp(env, "0") != 0 && *env);
}
void set_verbose(bool on) {
    verbose_flag = on;
}

bool cuda_built() {
#ifdef AE_HAVE_CUDA
    return true;
#else
    return false;
#endif
}

void gpu_not_built(const char* what) {
    throw Error(std::string(what) +
                ": this build has no CUDA (nvcc was not found, or -DAE_WITH_CUDA=OFF). Use "
                "--device cpu, or install the CUDA toolkit and configure again.");
}

namespace {
GpuStatus probe_gpu_status() {
    GpuStatus s;
#ifndef AE_HAVE_CUDA
    s.state = GpuState::NotBuilt;
    s.summary = "No GPU support in this build (nvcc was not found, or -DAE_WITH_CUDA=OFF)";
#else
    const cuda::StartupProbe& r = cuda::startup_probe();
    s = classify_cuda_startup(
        {r.count_error, r.error_name, r.error_text, r.count, r.driver_version, r.runtime_version});
    if (s.state != GpuState::Ready) return s;
    try {
        const cuda::DeviceProps p = cuda::device_props(0);
        char line[256];
        std::snprintf(line, sizeof line, "%s: %d SMs, %.1f GiB, compute capability %d.%d%s",
                      p.name.c_str(), p.multiprocessors, double(p.global_mem) / double(1ull << 30),
                      p.cc_major, p.cc_minor, r.count > 1 ? " (device 0 of several)" : "");
        s.summary = line;
    } catch (const Error& e) {  // counted, but its properties cannot be read: not usable
        s.state = GpuState::Unusable;
        s.summary = "CUDA sees a GPU but cannot query it";
        s.detail = e.what();
        s.fix = "Run nvidia-smi to see the GPU's state";
    }
#endif
    return s;
}
}  // namespace

const GpuStatus& gpu_status() {
    static const GpuStatus s = probe_gpu_status();  // does not change during a run
    return s;
}

bool cuda_available() {
    return gpu_status().state == GpuState::Ready;
}

std::string gpu_status_text(const GpuStatus& s, bool detail) {
    const auto sentence = [](std::string t) { return t.empty() || t.back() == '.' ? t : t + "."; };
    std::string text = sentence(s.summary);
    if (!s.fix.empty()) text += "\n  Fix: " + sentence(s.fix);
    if (detail && !s.detail.empty()) text += "\n  CUDA said: " + sentence(s.detail);
    return text;
}

std::string cuda_device_summary() {
    const GpuStatus& s = gpu_status();
    std::string line = s.summary;
    if (!s.fix.empty()) line += ". Fix: " + s.fix;
    if (verbose_enabled() && !s.detail.empty()) line += " [CUDA: " + s.detail + "]";
    return line;
}

// ---------------------------------------------------------------- which device trains

std::string resolve_device(const std::string& requested) {
    // auto: the GPU when there is one that works; otherwise the CPU, saying once, plainly, why
    // (CUDA's own error text only with --verbose). cuda: the GPU or a clear error (exit 1).
    if (requested == "cpu") return "cpu";
    if (requested != "auto" && requested != "cuda") {
        throw Error("--device " + requested + ": expected auto, cpu or cuda");
    }
    const GpuStatus& s = gpu_status();
    static bool said = false;
    const bool say = !std::exchange(said, true);
    if (s.state == GpuState::Ready) {
        if (say)
            std::cout
                << "Device: GPU, " << s.summary << ": training with the library's CUDA "
                << "trainer (your exercise code is the CPU reference: --device cpu runs it)\n";
        return "cuda";
    }
    if (requested == "cuda") {
        throw Error("--device cuda: " + gpu_status_text(s, true) +
                    "\n  Use --device cpu (or auto) to train on the CPU.");
    }
    if (say && s.state == GpuState::Unusable) {
        std::cout << "A GPU is there, but CUDA cannot use it: "
                  << gpu_status_text(s, verbose_enabled()) << "\n  Training on the CPU.\n";
    } else if (say) {
        std::cout << s.summary << ": training on the CPU.";
        if (verbose_enabled() && !s.detail.empty()) std::cout << " (CUDA: " << s.detail << ")";
        std::cout << "\n";
    }
    return "cpu";
}

}  // namespace ae
