// The kernels of lesson 04's penalties on the code h (rows, H) (L1, KL sparsity, contractive),
// used by mlp_trainer.cu. CPU reference: solutions/04_sparse/exercise.cpp, with the same
// reductions: L1 and contractive are means over the rows, KL a sum over the units of the KL of
// the batch mean. Each kernel adds weight * rows * P to loss_sum (the trainer divides by rows).
#pragma once
#include <cuda_runtime.h>

#include <cstddef>

namespace ae::cuda::kernels {

// Warp sum of a per-thread double, then one atomicAdd per warp.
__device__ inline void warp_add_to(double* sum, double local) {
    for (int off = 16; off > 0; off /= 2) local += __shfl_down_sync(0xffffffffu, local, off);
    if ((threadIdx.x & 31) == 0) atomicAdd(sum, local);
}

// L1: g += weight sign(h) / N; loss_sum += weight sum |h| (= weight * rows * P).
__global__ void l1_penalty_grad(const float* h, float* g, size_t total, int rows, float weight,
                                double* loss_sum) {
    const float scale = weight / static_cast<float>(rows);
    double local = 0;
    for (size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < total;
         i += size_t(gridDim.x) * blockDim.x) {
        const float v = h[i];
        local += fabsf(v);
        g[i] += scale * static_cast<float>((v > 0.f) - (v < 0.f));
    }
    warp_add_to(loss_sum, local * weight);
}

// KL, per unit j (one thread each): rho_hat_j over the rows, then dP/dh_nj = row_j for every n
// (it does not depend on n) and loss_sum += weight * rows * KL_j.
__global__ void kl_penalty_units(const float* h, int rows, int units, float rho, float weight,
                                 float* row, double* loss_sum) {
    double local = 0;
    for (int j = blockIdx.x * blockDim.x + threadIdx.x; j < units; j += gridDim.x * blockDim.x) {
        double s = 0;
        for (int r = 0; r < rows; ++r) s += h[size_t(r) * units + j];
        const double rh = fmin(fmax(s / rows, 1e-6), 1.0 - 1e-6);
        const double p = rho;
        local += p * log(p / rh) + (1 - p) * log((1 - p) / (1 - rh));
        row[j] = static_cast<float>((-p / rh + (1 - p) / (1 - rh)) / rows);
    }
    warp_add_to(loss_sum, local * weight * rows);
}

// g (rows, units) += weight * row[j], broadcast over the rows.
__global__ void add_row_scaled(float* g, const float* row, size_t total, int units, float weight) {
    for (size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < total;
         i += size_t(gridDim.x) * blockDim.x) {
        g[i] += weight * row[i % units];
    }
}

// Contractive, per unit j: wsq_j = sum_i W_ij^2 over the D rows of W (D, H), and
// s2sum_j = sum_n (h_nj (1 - h_nj))^2.
__global__ void contractive_units(const float* W, int d, const float* h, int rows, int units,
                                  float* wsq, float* s2sum) {
    for (int j = blockIdx.x * blockDim.x + threadIdx.x; j < units; j += gridDim.x * blockDim.x) {
        double w = 0, s = 0;
        for (int i = 0; i < d; ++i)
            w += double(W[size_t(i) * units + j]) * W[size_t(i) * units + j];
        for (int r = 0; r < rows; ++r) {
            const float hv = h[size_t(r) * units + j], sv = hv * (1.f - hv);
            s += double(sv * sv);
        }
        wsq[j] = static_cast<float>(w);
        s2sum[j] = static_cast<float>(s);
    }
}

// dA (rows, units) = weight * dP/da = weight * 2/N s^2 (1 - 2h) wsq_j (a = the pre-activation);
// loss_sum += weight * sum s^2 wsq_j (= weight * rows * P).
__global__ void contractive_da(const float* h, const float* wsq, size_t total, int rows, int units,
                               float weight, float* dA, double* loss_sum) {
    const double two_over_n = 2.0 / rows;
    double local = 0;
    for (size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < total;
         i += size_t(gridDim.x) * blockDim.x) {
        const float hv = h[i], s = hv * (1.f - hv), s2 = s * s;
        const double w = wsq[i % units];
        local += double(s2) * w;
        dA[i] = weight * static_cast<float>(two_over_n * s2 * (1.f - 2.f * hv) * w);
    }
    warp_add_to(loss_sum, local * weight);
}

// dW (d, units) += weight * 2/N W_ij s2sum_j: the path through wsq_j itself.
__global__ void contractive_dw_direct(const float* W, const float* s2sum, size_t total, int rows,
                                      int units, float weight, float* dW) {
    const float scale = weight * static_cast<float>(2.0 / rows);
    for (size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < total;
         i += size_t(gridDim.x) * blockDim.x) {
        dW[i] += scale * W[i] * s2sum[i % units];
    }
}

}  // namespace ae::cuda::kernels
