// Lesson 00: GPU basics. The functions you write in exercise.cpp, with their contracts; README
// "Step S" explains each. The per-thread functions are AE_HD (__host__ __device__): the GPU runs
// them as kernels, the CPU in the emulated grid of lesson.hpp, so the tests need no GPU.
// Check: ./workshop check 00   Watch: ./workshop watch 00   Hints: ./workshop hint 00 S
#pragma once
#include <cstddef>
#include <vector>

#include "lesson.hpp"  // Thread1D, Thread2D, kTile, Launch, AE_HD

namespace ae::l00 {

// README step 1. The thread's global index in a 1-D grid, and the stride of a grid-stride loop
// (the number of threads in the whole grid). Exact for grids of more than 2^32 threads.
AE_HD size_t global_index(const Thread1D& t);
AE_HD size_t grid_stride(const Thread1D& t);

// README step 2. One thread's share of an elementwise kernel over x, y: n floats. Together, the
// threads of any grid (smaller or larger than n) do every i in [0, n) exactly once and touch
// nothing at i >= n.
AE_HD void saxpy_thread(const Thread1D& t, size_t n, float a, const float* x,
                        float* y);                                              // y = a x + y
AE_HD void relu_thread(const Thread1D& t, size_t n, const float* x, float* y);  // y = max(x, 0)

// C (M, N) = A (M, K) B (K, N), all row-major, computed by a 2-D grid of kTile x kTile blocks:
// thread (tx, ty) of block (bx, by) owns the entry of C at row by*kTile + ty, column bx*kTile + tx.

// README step 3a. The naive kernel's thread: its entry of C, reading A and B from global
// memory; a thread whose entry is outside C writes nothing.
AE_HD void matmul_naive_thread(const Thread2D& t, int M, int N, int K, const float* A,
                               const float* B, float* C);

// README step 3b. The tiled kernel, in two phases between barriers. Tile step s covers
// k in [s*kTile, (s+1)*kTile). load_tiles: the thread copies one element of A's tile into
// sA[ty][tx] and one of B's tile into sB[ty][tx], 0 where the element is outside A or B.
AE_HD void load_tiles(const Thread2D& t, int s, int M, int N, int K, const float* A, const float* B,
                      float sA[kTile][kTile], float sB[kTile][kTile]);
// tile_dot: acc plus this tile step's contribution to the thread's entry of C (shared memory only).
AE_HD float tile_dot(const Thread2D& t, const float sA[kTile][kTile], const float sB[kTile][kTile],
                     float acc);

// README step 4. The host side. A 1-D launch for n elements with `threads` per block: enough
// blocks to give every element a thread, but at most max_blocks (the grid-stride loop does the
// rest) and at least 1.
Launch launch_config(size_t n, unsigned threads, unsigned max_blocks);
// a x + y computed by saxpy_kernel on the GPU: copies in, launch, checks, copy out. x and y of
// equal length. Needs a GPU (throws ae::Error without one).
std::vector<float> saxpy_on_gpu(float a, const std::vector<float>& x, const std::vector<float>& y);

}  // namespace ae::l00
