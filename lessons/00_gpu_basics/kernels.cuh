// Given: the kernels of lesson 00. Each one only reads CUDA's built-in indices and calls your
// per-thread function from exercise.hpp, so the same code runs in the CPU emulation (given.cpp).
// Included by exercise.cpp when it is compiled by nvcc: a kernel and the device functions it
// calls must be in one translation unit (without relocatable device code).
#pragma once
#include <cuda_runtime.h>

#include "ae/cuda/check.hpp"
#include "exercise.hpp"

namespace ae::l00 {

__global__ void saxpy_kernel(size_t n, float a, const float* x, float* y) {
    saxpy_thread(Thread1D{blockIdx.x, blockDim.x, threadIdx.x, gridDim.x}, n, a, x, y);
}

__global__ void relu_kernel(size_t n, const float* x, float* y) {
    relu_thread(Thread1D{blockIdx.x, blockDim.x, threadIdx.x, gridDim.x}, n, x, y);
}

__global__ void matmul_naive_kernel(int M, int N, int K, const float* A, const float* B, float* C) {
    matmul_naive_thread(Thread2D{blockIdx.x, blockIdx.y, threadIdx.x, threadIdx.y}, M, N, K, A, B,
                        C);
}

// Shared memory is per block: the kTile x kTile tiles of A and B that the block's threads load
// together (each element once) and then all read (kTile times each).
__global__ void matmul_tiled_kernel(int M, int N, int K, const float* A, const float* B, float* C) {
    __shared__ float sA[kTile][kTile];
    __shared__ float sB[kTile][kTile];
    const Thread2D t{blockIdx.x, blockIdx.y, threadIdx.x, threadIdx.y};
    float acc = 0.f;
    for (int s = 0; s < (K + kTile - 1) / kTile; ++s) {
        load_tiles(t, s, M, N, K, A, B, sA, sB);
        __syncthreads();  // every tile entry is written before anyone reads it
        acc = tile_dot(t, sA, sB, acc);
        __syncthreads();  // everyone has read the tiles before the next step overwrites them
    }
    const int row = static_cast<int>(t.by) * kTile + static_cast<int>(t.ty);
    const int col = static_cast<int>(t.bx) * kTile + static_cast<int>(t.tx);
    if (row < M && col < N) C[row * N + col] = acc;
}

// Launchers on device pointers: the shape of the launch, then a check of the launch itself.
void launch_saxpy(Launch l, size_t n, float a, const float* d_x, float* d_y) {
    saxpy_kernel<<<l.blocks, l.threads>>>(n, a, d_x, d_y);
    CUDA_CHECK_LAUNCH();
}

void launch_relu(Launch l, size_t n, const float* d_x, float* d_y) {
    relu_kernel<<<l.blocks, l.threads>>>(n, d_x, d_y);
    CUDA_CHECK_LAUNCH();
}

void launch_matmul(bool tiled, int M, int N, int K, const float* d_A, const float* d_B,
                   float* d_C) {
    const dim3 block(kTile, kTile);
    const dim3 grid((N + kTile - 1) / kTile, (M + kTile - 1) / kTile);
    if (tiled) {
        matmul_tiled_kernel<<<grid, block>>>(M, N, K, d_A, d_B, d_C);
    } else {
        matmul_naive_kernel<<<grid, block>>>(M, N, K, d_A, d_B, d_C);
    }
    CUDA_CHECK_LAUNCH();
}

}  // namespace ae::l00
