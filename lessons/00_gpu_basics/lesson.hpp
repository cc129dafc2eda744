// Lesson 00, what the lesson gives you: CUDA's built-in indices as plain structs, the CPU
// emulation of a grid (given.cpp) that runs your per-thread functions block by block, thread by
// thread, and the GPU side (kernels.cuh, gpu_timing.cu: the same kernels on a real device, and
// their timings). The functions you write are in exercise.hpp.
// Check: ./workshop check 00   Run: ./workshop run 00
#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "ae/todo.hpp"

// Code shared by host and device: nvcc compiles an AE_HD function for both, g++ for the CPU.
#if defined(__CUDACC__)
#define AE_HD __host__ __device__
#else
#define AE_HD
#endif

#ifdef __CUDA_ARCH__
// Device code cannot throw: a stub stops the kernel. The tests and the program run the CPU
// emulation first, so an unwritten stub is reported there, before any kernel is launched.
#undef AE_TODO
#define AE_TODO(lesson, function, ...) \
    do {                               \
        __trap();                      \
        __builtin_unreachable();       \
    } while (0)
#endif

namespace ae::l00 {

// Who am I? CUDA's built-ins of a 1-D launch: blockIdx.x, blockDim.x, threadIdx.x, gridDim.x.
struct Thread1D {
    unsigned block, block_dim, thread, grid_dim;
};

// The tile size of the matrix multiply: blocks of kTile x kTile threads.
constexpr int kTile = 16;
// Who am I in a 2-D launch of kTile x kTile blocks: blockIdx.x/y (bx, by), threadIdx.x/y (tx, ty).
// tx varies fastest: the 32 threads of a warp have neighbouring tx.
struct Thread2D {
    unsigned bx, by, tx, ty;
};

// A 1-D launch configuration: kernel<<<blocks, threads>>>.
struct Launch {
    unsigned blocks, threads;
};

// ---- The CPU emulation of a grid (given.cpp). Each block's threads run one after the other;
// the tiled version runs every thread's load_tiles, then every thread's tile_dot, which is
// exactly what __syncthreads() guarantees on the GPU. A, B, C row-major: A (M, K), B (K, N),
// C (M, N).
void emulate_saxpy(Launch launch, size_t n, float a, const float* x, float* y);
void emulate_relu(Launch launch, size_t n, const float* x, float* y);
void emulate_matmul_naive(int M, int N, int K, const float* A, const float* B, float* C);
void emulate_matmul_tiled(int M, int N, int K, const float* A, const float* B, float* C);

// ---- The same kernels on the GPU (kernels.cuh, gpu_timing.cu). Without a GPU these throw
// ae::Error; check gpu_present() first.
bool gpu_present();
std::string describe_gpu();  // the device's properties, several lines, or why there is none
std::string no_gpu_text();   // why there is none, in plain words (CUDA's text with --verbose)
std::vector<float> relu_on_gpu(const std::vector<float>& x);
std::vector<float> matmul_on_gpu(bool tiled, int M, int N, int K, const std::vector<float>& A,
                                 const std::vector<float>& B);
// Launchers on device pointers (used by the timings).
void launch_saxpy(Launch launch, size_t n, float a, const float* d_x, float* d_y);
void launch_relu(Launch launch, size_t n, const float* d_x, float* d_y);
void launch_matmul(bool tiled, int M, int N, int K, const float* d_A, const float* d_B, float* d_C);

// Timings in milliseconds (CUDA events), median of reps runs.
struct ElementwiseTiming {
    size_t n = 0;
    double h2d_ms = 0, d2h_ms = 0, kernel_ms = 0;  // copy x to the device, copy y back, SAXPY
};
ElementwiseTiming time_elementwise_gpu(size_t n, int reps);
struct GemmTiming {
    int n = 0;
    double naive_ms = 0, tiled_ms = 0, cublas_ms = 0;
    double max_err_naive = 0, max_err_tiled = 0;  // vs cuBLAS, max |diff| / max |C|
};
GemmTiming time_gemm_gpu(int n, int reps);

// Your kernels against the CPU, in the emulated grid always, on the GPU when there is one: one
// PASSED line per kernel, or FAILED and an ae::Error that says to run ./workshop check 00.
void check_kernels(bool gpu);

}  // namespace ae::l00
