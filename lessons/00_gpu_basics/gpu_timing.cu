// Given: the GPU side of lesson 00 that is not an exercise: device properties, the kernels run
// on host vectors (for the tests), and the timings (CUDA events) of copies, SAXPY, the naive and
// tiled matmul and cuBLAS sgemm. Compiled only when nvcc is there (else given.cpp stands in).
#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <vector>

#include "ae/cuda/buffer.hpp"
#include "ae/cuda/check.hpp"
#include "ae/cuda/mlp.hpp"
#include "exercise.hpp"

namespace ae::l00 {

bool gpu_present() {
    return cuda::device_count() > 0;
}

std::string describe_gpu() {
    if (!gpu_present()) {
        return no_gpu_text();
    }
    const cuda::DeviceProps p = cuda::device_props(0);
    char s[1024];
    const double peak =
        p.memory_clock_khz > 0 ? 2.0 * p.memory_clock_khz * 1e3 * (p.memory_bus_bits / 8) / 1e9 : 0;
    std::snprintf(
        s, sizeof s,
        "GPU 0: %s, compute capability %d.%d\n"
        "  %d streaming multiprocessors (SMs), warp size %d, at most %d threads per block\n"
        "  global memory %.1f GiB (bus %d bits, theoretical peak ~%.0f GB/s), L2 cache %.0f MiB,\n"
        "  shared memory per block %zu KiB",
        p.name.c_str(), p.cc_major, p.cc_minor, p.multiprocessors, p.warp_size,
        p.max_threads_per_block, double(p.global_mem) / double(1ull << 30), p.memory_bus_bits, peak,
        p.l2_cache / 1048576.0, p.shared_mem_per_block / 1024);
    return s;
}

std::vector<float> relu_on_gpu(const std::vector<float>& x) {
    cuda::DeviceBuffer<float> d_x(x), d_y(x.size());
    launch_relu(launch_config(x.size(), 256, 4096), x.size(), d_x.data(), d_y.data());
    CUDA_CHECK(cudaDeviceSynchronize());
    return d_y.to_host();
}

std::vector<float> matmul_on_gpu(bool tiled, int M, int N, int K, const std::vector<float>& A,
                                 const std::vector<float>& B) {
    if (A.size() != size_t(M) * K || B.size() != size_t(K) * N) {
        throw ae::ShapeError("matmul_on_gpu: A or B does not have the stated shape");
    }
    cuda::DeviceBuffer<float> d_A(A), d_B(B), d_C(size_t(M) * N);
    launch_matmul(tiled, M, N, K, d_A.data(), d_B.data(), d_C.data());
    CUDA_CHECK(cudaDeviceSynchronize());
    return d_C.to_host();
}

namespace {

// A CUDA event owned by RAII: destroyed even when a check between create and destroy throws.
struct Event {
    Event() { CUDA_CHECK(cudaEventCreate(&e)); }
    ~Event() { cudaEventDestroy(e); }  // no throw from a destructor
    Event(const Event&) = delete;
    Event& operator=(const Event&) = delete;
    cudaEvent_t e = nullptr;
};

// A cuBLAS handle owned by RAII.
struct BlasHandle {
    BlasHandle() { CUBLAS_CHECK(cublasCreate(&h)); }
    ~BlasHandle() { cublasDestroy(h); }
    BlasHandle(const BlasHandle&) = delete;
    BlasHandle& operator=(const BlasHandle&) = delete;
    cublasHandle_t h = nullptr;
};

// Median time in ms of reps runs of f (after one warm-up), measured with CUDA events.
double time_ms(int reps, const std::function<void()>& f) {
    Event start, stop;
    f();
    std::vector<double> t;
    for (int r = 0; r < reps; ++r) {
        CUDA_CHECK(cudaEventRecord(start.e));
        f();
        CUDA_CHECK(cudaEventRecord(stop.e));
        CUDA_CHECK(cudaEventSynchronize(stop.e));
        float ms = 0;
        CUDA_CHECK(cudaEventElapsedTime(&ms, start.e, stop.e));
        t.push_back(ms);
    }
    std::sort(t.begin(), t.end());
    return t[t.size() / 2];
}

// Page-locked host memory: the copy engine reads it directly (pageable memory is staged).
struct PinnedHost {
    explicit PinnedHost(size_t n) {
        CUDA_CHECK(cudaMallocHost(reinterpret_cast<void**>(&p), n * sizeof(float)));
    }
    ~PinnedHost() { cudaFreeHost(p); }
    PinnedHost(const PinnedHost&) = delete;
    PinnedHost& operator=(const PinnedHost&) = delete;
    float* p = nullptr;
};

std::vector<float> lcg_uniform(size_t n, uint32_t seed) {
    std::vector<float> v(n);
    for (auto& x : v) {
        seed = seed * 1664525u + 1013904223u;
        x = static_cast<float>(seed >> 8) / 16777216.f - 0.5f;
    }
    return v;
}

double rel_err(const std::vector<float>& a, const std::vector<float>& ref) {
    double d = 0, s = 1e-30;
    for (size_t i = 0; i < a.size(); ++i) {
        d = std::max(d, double(std::fabs(a[i] - ref[i])));
        s = std::max(s, double(std::fabs(ref[i])));
    }
    return d / s;
}

}  // namespace

ElementwiseTiming time_elementwise_gpu(size_t n, int reps) {
    PinnedHost x(n), y(n);
    std::fill(x.p, x.p + n, 1.f);
    std::fill(y.p, y.p + n, 2.f);
    cuda::DeviceBuffer<float> d_x(n), d_y(n);
    ElementwiseTiming t;
    t.n = n;
    t.h2d_ms = time_ms(
        reps, [&] { CUDA_CHECK(cudaMemcpy(d_x.data(), x.p, n * 4, cudaMemcpyHostToDevice)); });
    CUDA_CHECK(cudaMemcpy(d_y.data(), y.p, n * 4, cudaMemcpyHostToDevice));
    const Launch l = launch_config(n, 256, 4096);
    t.kernel_ms = time_ms(reps, [&] { launch_saxpy(l, n, 0.5f, d_x.data(), d_y.data()); });
    t.d2h_ms = time_ms(
        reps, [&] { CUDA_CHECK(cudaMemcpy(y.p, d_y.data(), n * 4, cudaMemcpyDeviceToHost)); });
    return t;
}

GemmTiming time_gemm_gpu(int n, int reps) {
    const size_t nn = size_t(n) * n;
    cuda::DeviceBuffer<float> d_A(lcg_uniform(nn, 1)), d_B(lcg_uniform(nn, 2)), d_C(nn), d_ref(nn);
    GemmTiming t;
    t.n = n;
    const float one = 1.f, zero = 0.f;
    // Row-major C = A B is column-major C^T = B^T A^T: pass B first.
    {
        BlasHandle blas;
        t.cublas_ms = time_ms(reps, [&] {
            CUBLAS_CHECK(cublasSgemm(blas.h, CUBLAS_OP_N, CUBLAS_OP_N, n, n, n, &one, d_B.data(), n,
                                     d_A.data(), n, &zero, d_ref.data(), n));
        });
    }
    const std::vector<float> ref = d_ref.to_host();
    t.naive_ms =
        time_ms(reps, [&] { launch_matmul(false, n, n, n, d_A.data(), d_B.data(), d_C.data()); });
    t.max_err_naive = rel_err(d_C.to_host(), ref);
    t.tiled_ms =
        time_ms(reps, [&] { launch_matmul(true, n, n, n, d_A.data(), d_B.data(), d_C.data()); });
    t.max_err_tiled = rel_err(d_C.to_host(), ref);
    return t;
}

}  // namespace ae::l00
