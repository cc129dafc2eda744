// Device query for the workshop: what the CUDA runtime says at start-up, and what the GPUs are.
// Without a GPU (or without a driver) cudaGetDeviceCount fails; that is recorded for
// ae::classify_cuda_startup (common/src/gpu_status.cpp), which tells "no GPU" from "a GPU that
// cannot be used", and the sticky error is cleared so that later CUDA calls do not report it.
#include <cuda_runtime_api.h>

#include "ae/cuda/check.hpp"
#include "ae/cuda/mlp.hpp"

namespace ae::cuda {

namespace {
StartupProbe probe() {
    StartupProbe r;
    if (cudaDriverGetVersion(&r.driver_version) != cudaSuccess) r.driver_version = 0;
    if (cudaRuntimeGetVersion(&r.runtime_version) != cudaSuccess) r.runtime_version = 0;
    const cudaError_t e = cudaGetDeviceCount(&r.count);
    r.count_error = static_cast<int>(e);
    if (e != cudaSuccess) {
        r.error_name = cudaGetErrorName(e);
        r.error_text = cudaGetErrorString(e);
        r.count = 0;
    }
    cudaGetLastError();  // clear it: "no driver" must not poison later calls
    return r;
}
}  // namespace

const StartupProbe& startup_probe() {
    static const StartupProbe r = probe();  // the answer does not change during a run
    return r;
}

int device_count() {
    return startup_probe().count;
}

std::string no_device_reason() {
    const StartupProbe& r = startup_probe();
    if (r.count > 0) return "";
    if (r.count_error == cudaSuccess) return "the CUDA driver reports no device";
    return r.error_name + ": " + r.error_text;
}

DeviceProps device_props(int index) {
    cudaDeviceProp p{};
    CUDA_CHECK(cudaGetDeviceProperties(&p, index));
    DeviceProps d;
    d.index = index;
    d.name = p.name;
    d.cc_major = p.major;
    d.cc_minor = p.minor;
    d.multiprocessors = p.multiProcessorCount;
    d.global_mem = p.totalGlobalMem;
    d.shared_mem_per_block = p.sharedMemPerBlock;
    d.max_threads_per_block = p.maxThreadsPerBlock;
    d.warp_size = p.warpSize;
    d.l2_cache = p.l2CacheSize;
    d.memory_bus_bits = p.memoryBusWidth;
    if (cudaDeviceGetAttribute(&d.memory_clock_khz, cudaDevAttrMemoryClockRate, index) !=
        cudaSuccess) {
        cudaGetLastError();
        d.memory_clock_khz = 0;
    }
    return d;
}

}  // namespace ae::cuda
