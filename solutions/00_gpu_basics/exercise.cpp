// Lesson 00 reference solution: thread indexing, grid-stride loops, naive and tiled matrix
// multiply, and the host code of a launch. Compiled by nvcc when CUDA is there, else by g++.
// Run: ./workshop solution 00   (the contract is in exercise.hpp, the README has the steps)
#include "ae/error.hpp"
#include "exercise.hpp"

#ifdef __CUDACC__
#include "ae/cuda/buffer.hpp"
#include "kernels.cuh"
#endif

namespace ae::l00 {

AE_HD size_t global_index(const Thread1D& t) {
    return static_cast<size_t>(t.block) * t.block_dim + t.thread;  // size_t: no 32-bit overflow
}

AE_HD size_t grid_stride(const Thread1D& t) {
    return static_cast<size_t>(t.grid_dim) * t.block_dim;
}

AE_HD void saxpy_thread(const Thread1D& t, size_t n, float a, const float* x, float* y) {
    for (size_t i = global_index(t); i < n; i += grid_stride(t)) y[i] = a * x[i] + y[i];
}

AE_HD void relu_thread(const Thread1D& t, size_t n, const float* x, float* y) {
    for (size_t i = global_index(t); i < n; i += grid_stride(t)) y[i] = x[i] > 0.f ? x[i] : 0.f;
}

AE_HD void matmul_naive_thread(const Thread2D& t, int M, int N, int K, const float* A,
                               const float* B, float* C) {
    const int row = static_cast<int>(t.by * kTile + t.ty),
              col = static_cast<int>(t.bx * kTile + t.tx);
    if (row >= M || col >= N) return;
    float acc = 0.f;
    for (int k = 0; k < K; ++k) acc += A[row * K + k] * B[k * N + col];
    C[row * N + col] = acc;
}

AE_HD void load_tiles(const Thread2D& t, int s, int M, int N, int K, const float* A, const float* B,
                      float sA[kTile][kTile], float sB[kTile][kTile]) {
    const int row = static_cast<int>(t.by * kTile + t.ty),
              col = static_cast<int>(t.bx * kTile + t.tx);
    const int ka = s * kTile + static_cast<int>(t.tx), kb = s * kTile + static_cast<int>(t.ty);
    sA[t.ty][t.tx] = row < M && ka < K ? A[row * K + ka] : 0.f;
    sB[t.ty][t.tx] = kb < K && col < N ? B[kb * N + col] : 0.f;
}

AE_HD float tile_dot(const Thread2D& t, const float sA[kTile][kTile], const float sB[kTile][kTile],
                     float acc) {
    for (int k = 0; k < kTile; ++k) acc += sA[t.ty][k] * sB[k][t.tx];
    return acc;
}

Launch launch_config(size_t n, unsigned threads, unsigned max_blocks) {
    const size_t blocks = (n + threads - 1) / threads;
    return {static_cast<unsigned>(blocks < 1 ? 1 : (blocks > max_blocks ? max_blocks : blocks)),
            threads};
}

#ifdef __CUDACC__
std::vector<float> saxpy_on_gpu(float a, const std::vector<float>& x, const std::vector<float>& y) {
    if (x.size() != y.size()) throw ae::ShapeError("saxpy_on_gpu: x and y differ in length");
    const Launch l = launch_config(x.size(), 256, 4096);
    cuda::DeviceBuffer<float> d_x(x), d_y(y);  // cudaMalloc + cudaMemcpy host -> device
    saxpy_kernel<<<l.blocks, l.threads>>>(x.size(), a, d_x.data(), d_y.data());
    CUDA_CHECK_LAUNCH();                  // a bad launch configuration shows here
    CUDA_CHECK(cudaDeviceSynchronize());  // a fault inside the kernel shows here
    return d_y.to_host();                 // device -> host; cudaFree in the destructors
}
#else
std::vector<float> saxpy_on_gpu(float, const std::vector<float>&, const std::vector<float>&) {
    throw ae::Error("saxpy_on_gpu: this build has no CUDA (nvcc was not found)");
}
#endif

}  // namespace ae::l00
