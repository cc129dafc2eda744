// Device query for the workshop: how many GPUs, and what they are. Without a GPU (or without a
// driver) cudaGetDeviceCount fails; that is not an error here, it means "0 devices", and the
// sticky error is cleared so that later CUDA calls do not report it.
#include <cuda_runtime_api.h>

#include "ae/cuda/check.hpp"
#include "ae/cuda/mlp.hpp"

namespace ae::cuda {

namespace {
struct CountResult {
    int count = 0;
    std::string reason;
};
CountResult query_count() {
    CountResult r;
    const cudaError_t e = cudaGetDeviceCount(&r.count);
    if (e != cudaSuccess) {
        cudaGetLastError();  // clear it: "no driver" must not poison later calls
        r.count = 0;
        // Without any NVIDIA driver the runtime says "driver version is insufficient": say it
        // plainly.
        const bool no_driver = e == cudaErrorInsufficientDriver || e == cudaErrorNoDevice;
        r.reason = std::string(no_driver ? "no NVIDIA GPU or driver on this machine, " : "") +
                   cudaGetErrorName(e) + ": " + cudaGetErrorString(e);
    } else if (r.count == 0) {
        r.reason = "the CUDA driver reports no device";
    }
    return r;
}
}  // namespace

int device_count() {
    static const CountResult r = query_count();  // the answer does not change during a run
    return r.count;
}

std::string no_device_reason() {
    static const CountResult r = query_count();
    return r.count > 0 ? std::string() : r.reason;
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
