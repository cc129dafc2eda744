// Lesson 00: GPU basics. The contract between the lesson program, the tests and your code: you
// write the functions marked "you write" in exercise.cpp. The per-thread functions are AE_HD
// (__host__ __device__): the GPU runs them as kernels, and the CPU runs them in an emulated grid
// (given.cpp), so the tests check your indexing without a GPU. ./workshop check 00 / run 00
#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "ae/todo.hpp"

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

// Step 1 (you write): the thread's global index, and the stride of a grid-stride loop (the
// number of threads in the whole grid).
AE_HD size_t global_index(const Thread1D& t);
AE_HD size_t grid_stride(const Thread1D& t);

// Step 2 (you write): one thread's share of an elementwise kernel, as a grid-stride loop over
// i = global_index, global_index + stride, ... < n. Every i in [0, n) must be done exactly once,
// whatever the grid size. x, y: n floats.
AE_HD void saxpy_thread(const Thread1D& t, size_t n, float a, const float* x,
                        float* y);                                              // y = a x + y
AE_HD void relu_thread(const Thread1D& t, size_t n, const float* x, float* y);  // y = max(x, 0)

// C (M, N) = A (M, K) B (K, N), row-major. Blocks of kTile x kTile threads; block (bx, by) owns
// the tile of C at rows by*kTile.., columns bx*kTile..; thread (tx, ty) owns row by*kTile+ty,
// column bx*kTile+tx (tx varies fastest, so a warp reads neighbouring columns).
constexpr int kTile = 16;
struct Thread2D {
    unsigned bx, by, tx, ty;
};

// Step 3a (you write): the naive kernel's thread: C[row, col] = sum_k A[row, k] B[k, col],
// reading A and B from global memory, nothing when (row, col) is outside C.
AE_HD void matmul_naive_thread(const Thread2D& t, int M, int N, int K, const float* A,
                               const float* B, float* C);

// Step 3b (you write): the tiled kernel, between two barriers. Phase 1 of tile step s: the
// thread copies A[row, s*kTile + tx] into sA[ty][tx] and B[s*kTile + ty, col] into sB[ty][tx],
// writing 0 where the index falls outside A or B.
AE_HD void load_tiles(const Thread2D& t, int s, int M, int N, int K, const float* A, const float* B,
                      float sA[kTile][kTile], float sB[kTile][kTile]);
// Phase 2: acc + sum over k < kTile of sA[ty][k] sB[k][tx] (shared memory only).
AE_HD float tile_dot(const Thread2D& t, const float sA[kTile][kTile], const float sB[kTile][kTile],
                     float acc);

// Step 4 (you write): the host side. A 1-D launch for n elements: ceil(n / threads) blocks,
// at most max_blocks (the grid-stride loop does the rest), at least 1.
struct Launch {
    unsigned blocks, threads;
};
Launch launch_config(size_t n, unsigned threads, unsigned max_blocks);
// Allocate x and y on the device, copy them in, launch saxpy_kernel, check, copy y back:
// returns a x + y. Needs a GPU (throws ae::Error without one).
std::vector<float> saxpy_on_gpu(float a, const std::vector<float>& x, const std::vector<float>& y);

// ---- Given (given.cpp): the CPU emulation of a grid. Each block's threads run one after the
// other; the tiled version runs every thread's phase 1, then every thread's phase 2, which is
// exactly what __syncthreads() guarantees on the GPU.
void emulate_saxpy(Launch launch, size_t n, float a, const float* x, float* y);
void emulate_relu(Launch launch, size_t n, const float* x, float* y);
void emulate_matmul_naive(int M, int N, int K, const float* A, const float* B, float* C);
void emulate_matmul_tiled(int M, int N, int K, const float* A, const float* B, float* C);

// ---- Given (kernels.cuh, gpu_timing.cu): the same kernels on the GPU. Without a GPU these
// throw ae::Error; check gpu_present() first.
bool gpu_present();
std::string describe_gpu();  // the device's properties, several lines, or why there is none
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

}  // namespace ae::l00
