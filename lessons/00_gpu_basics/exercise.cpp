// Lesson 00: GPU basics. Your code goes here: thread indexing, grid-stride loops, a tiled matrix
// multiply and the host code of a launch (README steps 1-4; the contract is in exercise.hpp).
// Compiled by nvcc when CUDA is there (then it also runs on the GPU), by the C++ compiler if not.
// Check: ./workshop check 00   Watch: ./workshop watch 00   Hints: ./workshop hint 00 S
#include "ae/error.hpp"
#include "ae/todo.hpp"
#include "exercise.hpp"

#ifdef __CUDACC__
#include "ae/cuda/buffer.hpp"
#include "kernels.cuh"
#endif

namespace ae::l00 {

AE_HD size_t global_index(const Thread1D& t) {
    // TODO(lesson 00, step 1): see README "Step 1: Thread indexing".
    AE_TODO("00", "global_index", t);
}

AE_HD size_t grid_stride(const Thread1D& t) {
    // TODO(lesson 00, step 1): see README "Step 1: Thread indexing".
    AE_TODO("00", "grid_stride", t);
}

AE_HD void saxpy_thread(const Thread1D& t, size_t n, float a, const float* x, float* y) {
    // TODO(lesson 00, step 2): see README "Step 2: Grid-stride loops".
    AE_TODO("00", "saxpy_thread", t, n, a, x, y);
}

AE_HD void relu_thread(const Thread1D& t, size_t n, const float* x, float* y) {
    // TODO(lesson 00, step 2): see README "Step 2: Grid-stride loops".
    AE_TODO("00", "relu_thread", t, n, x, y);
}

AE_HD void matmul_naive_thread(const Thread2D& t, int M, int N, int K, const float* A,
                               const float* B, float* C) {
    // TODO(lesson 00, step 3a): see README "Step 3a: The naive matrix multiply".
    AE_TODO("00", "matmul_naive_thread", t, M, N, K, A, B, C);
}

AE_HD void load_tiles(const Thread2D& t, int s, int M, int N, int K, const float* A, const float* B,
                      float sA[kTile][kTile], float sB[kTile][kTile]) {
    // TODO(lesson 00, step 3b): see README "Step 3b: Tiles in shared memory".
    AE_TODO("00", "load_tiles", t, s, M, N, K, A, B, sA, sB);
}

AE_HD float tile_dot(const Thread2D& t, const float sA[kTile][kTile], const float sB[kTile][kTile],
                     float acc) {
    // TODO(lesson 00, step 3b): see README "Step 3b: Tiles in shared memory".
    AE_TODO("00", "tile_dot", t, sA, sB, acc);
}

Launch launch_config(size_t n, unsigned threads, unsigned max_blocks) {
    // TODO(lesson 00, step 4): see README "Step 4: Host code".
    AE_TODO("00", "launch_config", n, threads, max_blocks);
}

#ifdef __CUDACC__
std::vector<float> saxpy_on_gpu(float a, const std::vector<float>& x, const std::vector<float>& y) {
    // TODO(lesson 00, step 4): see README "Step 4: Host code".
    AE_TODO("00", "saxpy_on_gpu", a, x, y);
}
#else
// Given: a build without CUDA has no kernel to launch.
std::vector<float> saxpy_on_gpu(float, const std::vector<float>&, const std::vector<float>&) {
    throw ae::Error("saxpy_on_gpu: this build has no CUDA (nvcc was not found)");
}
#endif

}  // namespace ae::l00
