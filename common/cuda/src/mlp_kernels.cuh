// The GPU kernels of the MLP trainer (mlp_trainer.cu) and their launchers. The CPU reference
// they must match is common/src/{nn,loss,optim}.cpp: Dense + activations, MSE and BCE-with-
// logits (mean over N*D), Adam (the bias correction folded into the step size) and SGD.
// Every kernel is a grid-stride loop over the elements it owns; shapes are checked by the caller.
#pragma once
#include <cuda_runtime.h>
#include <curand_kernel.h>

#include <algorithm>
#include <cstdint>

#include "ae/cuda/check.hpp"
#include "ae/cuda/mlp.hpp"

#include <string>

namespace ae::cuda::kernels {
// Internal linkage: each .cu that includes this (mlp_trainer.cu, vae_trainer.cu) gets its own
// copy; without relocatable device code, a kernel defined in two objects would not link.
namespace {

// ---------------------------------------------------------------- GPU kernels

__device__ inline float activate(Act a, float z) {
    switch (a) {
        case Act::ReLU:
            return z > 0.f ? z : 0.f;
        case Act::Sigmoid:
            return z >= 0.f ? 1.f / (1.f + __expf(-z)) : __expf(z) / (1.f + __expf(z));
        case Act::Tanh:
            return tanhf(z);
        default:
            return z;
    }
}
// d act / d z, written with the output y = act(z), which is what the forward pass keeps.
__device__ inline float activate_grad(Act a, float y) {
    switch (a) {
        case Act::ReLU:
            return y > 0.f ? 1.f : 0.f;
        case Act::Sigmoid:
            return y * (1.f - y);
        case Act::Tanh:
            return 1.f - y * y;
        default:
            return 1.f;
    }
}

// Rows perm[begin + r] of data (n, D) into target (rows, D); with a corruption, the corrupted
// copy into input. perm == nullptr: rows begin + r. The noise stream is Philox from seed with
// subsequence = element and offset = the global step (read on the device, so a replayed graph
// draws anew).
__global__ void gather_rows_noise(const float* data, const uint32_t* perm, size_t begin, int rows,
                                  int D, float* target, float* input, CorruptionSpec noise,
                                  uint64_t seed, const long long* d_step_base, int step_in_epoch) {
    const size_t total = static_cast<size_t>(rows) * D;
    const bool corrupt = noise.kind != CorruptionKind::None && noise.level > 0.f;
    const long long step = corrupt ? *d_step_base + step_in_epoch : 0;
    const float p = noise.level;
    for (size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < total;
         i += size_t(gridDim.x) * blockDim.x) {
        const size_t r = i / D, c = i % D;
        const size_t src = perm ? perm[begin + r] : begin + r;
        const float x = data[src * D + c];
        target[i] = x;
        if (!corrupt) continue;
        curandStatePhilox4_32_10_t st;
        curand_init(seed, i, static_cast<unsigned long long>(step) * 4ull, &st);
        float v = x;
        if (noise.kind == CorruptionKind::Gaussian) {
            v = fminf(fmaxf(v + p * curand_normal(&st), 0.f), 1.f);
        } else if (noise.kind == CorruptionKind::Masking) {
            if (curand_uniform(&st) <= p) v = 0.f;
        } else {  // SaltPepper: u in (0, 1]; below p/2 pepper, below p salt
            const float u = curand_uniform(&st);
            if (u <= p) v = u <= 0.5f * p ? 0.f : 1.f;
        }
        input[i] = v;
    }
}

// y (rows, out) = act(y + b), in place on the product the GEMM wrote.
__global__ void bias_activate(float* y, const float* b, int rows, int out, Act act) {
    const size_t total = static_cast<size_t>(rows) * out;
    for (size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < total;
         i += size_t(gridDim.x) * blockDim.x) {
        y[i] = activate(act, y[i] + b[i % out]);
    }
}

// g *= act'(y), elementwise (the backward pass of an activation).
__global__ void activation_backward(float* g, const float* y, size_t total, Act act) {
    for (size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < total;
         i += size_t(gridDim.x) * blockDim.x) {
        g[i] *= activate_grad(act, y[i]);
    }
}

// The loss of the output y (rows, D) against target, and its gradient with respect to the
// last layer's pre-activation (the activation's backward is fused in). loss_sum += the sum of
// the elementwise losses times loss_scale (1/D: then loss_sum / rows is the batch mean).
__global__ void loss_and_grad(const float* y, const float* target, size_t total, LossKind loss,
                              Act last, float grad_scale, float loss_scale, float* g,
                              double* loss_sum) {
    double local = 0;
    for (size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < total;
         i += size_t(gridDim.x) * blockDim.x) {
        const float z = y[i], t = target[i];
        float dl;
        if (loss == LossKind::Mse) {
            const float e = z - t;
            local += double(e) * e;
            dl = 2.f * e;
        } else {  // BCE on logits z: max(z, 0) - z t + log(1 + exp(-|z|)); gradient sigmoid(z) - t
            local += fmaxf(z, 0.f) - z * t + log1pf(__expf(-fabsf(z)));
            dl = activate(Act::Sigmoid, z) - t;
        }
        g[i] = grad_scale * dl * activate_grad(last, z);
    }
    for (int off = 16; off > 0; off /= 2) local += __shfl_down_sync(0xffffffffu, local, off);
    if ((threadIdx.x & 31) == 0) atomicAdd(loss_sum, local * loss_scale);
}

// The optimiser over every parameter at once (they live in one flat buffer), as ae::Adam and
// ae::Sgd (decoupled weight decay: w <- (1 - lr wd) w first). Adam: m, v its moments, t =
// *d_step_base + step_in_epoch, 1-based, read on the device so that a replayed graph keeps
// counting. Sgd: m is the velocity (unused without momentum).
__global__ void optimizer_update(float* w, const float* g, float* m, float* v, size_t n,
                                 OptimizerSpec o, const long long* d_step_base, int step_in_epoch) {
    const float keep = 1.f - o.lr * o.weight_decay;
    const size_t first = blockIdx.x * size_t(blockDim.x) + threadIdx.x;
    const size_t stride = size_t(gridDim.x) * blockDim.x;
    if (o.kind == OptimizerKind::Sgd) {
        for (size_t i = first; i < n; i += stride) {
            float step = g[i];
            if (o.momentum != 0.f) m[i] = step = o.momentum * m[i] + g[i];
            w[i] = keep * w[i] - o.lr * step;
        }
        return;
    }
    const float t = static_cast<float>(*d_step_base + step_in_epoch);
    const float c1 = 1.f - powf(o.beta1, t), c2 = 1.f - powf(o.beta2, t);
    const float step = o.lr * sqrtf(c2) / c1, eps_hat = o.eps * sqrtf(c2);
    for (size_t i = first; i < n; i += stride) {
        const float gi = g[i];
        const float mi = o.beta1 * m[i] + (1.f - o.beta1) * gi;
        const float vi = o.beta2 * v[i] + (1.f - o.beta2) * gi * gi;
        m[i] = mi;
        v[i] = vi;
        w[i] = keep * w[i] - step * mi / (sqrtf(vi) + eps_hat);
    }
}

__global__ void add_to_counter(long long* c, long long by) {
    *c += by;
}

__global__ void fill_value(float* p, size_t n, float value) {
    for (size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < n;
         i += size_t(gridDim.x) * blockDim.x) {
        p[i] = value;
    }
}

}  // namespace

// ---------------------------------------------------------------- launch configuration

constexpr int kThreads = 256;
// Enough blocks to fill the GPU, capped: the grid-stride loop covers the rest.
inline int blocks_for(size_t n) {
    const size_t b = (n + kThreads - 1) / kThreads;
    return static_cast<int>(std::max<size_t>(1, std::min<size_t>(b, 2048)));
}

// The checks of a trainer's run_epoch: one row order for all resident rows, and a batch size
// the device buffers were sized for. `who` names the trainer in the message.
inline void check_epoch_args(const char* who, size_t order_rows, size_t n_data, int batch_size,
                             int max_batch) {
    if (order_rows != n_data || n_data == 0) {
        throw ae::Error(std::string(who) + "::run_epoch: order of " + std::to_string(order_rows) +
                        " rows for " + std::to_string(n_data) + " resident rows");
    }
    if (batch_size <= 0 || batch_size > max_batch) {
        throw ae::Error(std::string(who) + "::run_epoch: batch size " + std::to_string(batch_size) +
                        " outside [1, " + std::to_string(max_batch) + "]");
    }
}

// The check of a trainer's step: a batch the device buffers were sized for.
inline void check_batch_rows(const char* who, int rows, int max_batch) {
    if (rows <= 0 || rows > max_batch) {
        throw ae::Error(std::string(who) + ": batch of " + std::to_string(rows) +
                        " rows, the trainer holds at most " + std::to_string(max_batch));
    }
}

// One optimiser step on a trainer's flat parameter buffer: every tensor in one launch.
inline void launch_optimizer_update(cudaStream_t stream, float* params, const float* grads,
                                    float* m, float* v, size_t n, const OptimizerSpec& opt,
                                    const long long* d_step_base, int step_in_epoch) {
    optimizer_update<<<blocks_for(n), kThreads, 0, stream>>>(params, grads, m, v, n, opt,
                                                             d_step_base, step_in_epoch);
    CUDA_CHECK_LAUNCH();
}

}  // namespace ae::cuda::kernels
