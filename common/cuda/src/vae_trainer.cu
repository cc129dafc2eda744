// VaeTrainer (ae/cuda/vae.hpp): lesson 05's VAE trained on the GPU. Products go to cuBLAS
// (blas.cuh); bias, ReLU and the optimiser reuse mlp_kernels.cuh; the kernels below are the VAE's
// own (noise, the reparameterisation, BCE on logits summed over pixels, the KL term). CPU
// reference: solutions/05_vae/exercise.cpp (loss_and_gradients) + lessons/05_vae/given.cpp
// (train_vae); tests/gpu_lessons.cpp ("vae") compares one step of the two with the same eps.
#include <cublas_v2.h>
#include <cuda_runtime.h>
#include <curand_kernel.h>

#include <string>

#include "ae/cuda/buffer.hpp"
#include "ae/cuda/check.hpp"
#include "ae/cuda/vae.hpp"
#include "blas.cuh"
#include "mlp_kernels.cuh"

namespace ae::cuda {

using kernels::blocks_for;
using kernels::kThreads;

// ---------------------------------------------------------------- GPU kernels

namespace vae_kernels {

// eps (n) ~ N(0, 1): Philox, one subsequence per (global step, element), so that every step
// draws anew and a run is reproducible from the seed.
__global__ void draw_normal(float* eps, size_t n, uint64_t seed, const long long* d_step_base,
                            int step_in_epoch, size_t per_step) {
    const unsigned long long step = static_cast<unsigned long long>(*d_step_base + step_in_epoch);
    for (size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < n;
         i += size_t(gridDim.x) * blockDim.x) {
        curandStatePhilox4_32_10_t st;
        curand_init(seed, step * per_step + i, 0, &st);
        eps[i] = curand_normal(&st);
    }
}

// z = mu + exp(logvar / 2) eps, elementwise over (rows, Z).
__global__ void reparameterize(const float* mu, const float* logvar, const float* eps, float* z,
                               size_t n) {
    for (size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < n;
         i += size_t(gridDim.x) * blockDim.x) {
        z[i] = mu[i] + expf(0.5f * logvar[i]) * eps[i];
    }
}

// BCE of the logits l against x, summed: max(l, 0) - l x + log(1 + exp(-|l|)) into loss_sum;
// g = (sigmoid(l) - x) / rows (the gradient of the mean over the batch).
__global__ void bce_logits_sum(const float* logits, const float* x, size_t n, float inv_rows,
                               float* g, double* loss_sum) {
    double local = 0;
    for (size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < n;
         i += size_t(gridDim.x) * blockDim.x) {
        const float l = logits[i], t = x[i];
        local += fmaxf(l, 0.f) - l * t + log1pf(expf(-fabsf(l)));
        g[i] = (kernels::activate(Act::Sigmoid, l) - t) * inv_rows;
    }
    for (int off = 16; off > 0; off /= 2) local += __shfl_down_sync(0xffffffffu, local, off);
    if ((threadIdx.x & 31) == 0) atomicAdd(loss_sum, local);
}

// The KL term and the backward pass of the reparameterisation, over (rows, Z):
//   g_mu = g_z + beta mu / N,  g_logvar = g_z exp(logvar / 2) eps / 2 + beta (exp(logvar) - 1) / 2N
// and loss_sum += beta * KL summed (= rows * beta * the mean KL).
__global__ void kl_reparam_backward(const float* mu, const float* logvar, const float* eps,
                                    const float* g_z, size_t n, float beta, float inv_rows,
                                    float* g_mu, float* g_logvar, double* loss_sum) {
    double local = 0;
    for (size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < n;
         i += size_t(gridDim.x) * blockDim.x) {
        const float m = mu[i], lv = logvar[i], var = expf(lv);
        local += 0.5 * (double(m) * m + var - 1.0 - lv);
        g_mu[i] = g_z[i] + beta * m * inv_rows;
        g_logvar[i] =
            g_z[i] * (0.5f * expf(0.5f * lv) * eps[i]) + beta * (var - 1.f) * 0.5f * inv_rows;
    }
    for (int off = 16; off > 0; off /= 2) local += __shfl_down_sync(0xffffffffu, local, off);
    if ((threadIdx.x & 31) == 0) atomicAdd(loss_sum, local * beta);
}

}  // namespace vae_kernels

// ---------------------------------------------------------------- the trainer

namespace {
enum VaeLayer { kTrunk, kMu, kLogvar, kDec1, kDec2, kVaeLayers };
}

struct VaeTrainer::Impl {
    VaeShape shape;
    float beta = 1.f;
    OptimizerSpec opt;
    uint64_t seed = 0;
    int max_batch = 0;
    int in[kVaeLayers] = {}, out[kVaeLayers] = {};
    size_t w_off[kVaeLayers] = {}, b_off[kVaeLayers] = {};
    DeviceBuffer<float> d_params, d_grads, d_m, d_v;
    // Activations and their gradients: x (rows, D); h, a (rows, H); mu, logvar, eps, z (rows, Z)
    DeviceBuffer<float> d_x, d_h, d_mu, d_lv, d_eps, d_z, d_a, d_logits;
    DeviceBuffer<float> d_glogits, d_ga, d_gz, d_gmu, d_glv, d_gh, d_ones, d_staging, d_data;
    DeviceBuffer<uint32_t> d_perm;
    DeviceBuffer<long long> d_step_base;
    DeviceBuffer<double> d_loss_sum;
    size_t n_data = 0;
    cudaStream_t stream = nullptr;
    cublasHandle_t blas = nullptr;

    ~Impl() {  // no throws: failures while tearing down are not actionable
        if (blas) cublasDestroy(blas);
        if (stream) cudaStreamDestroy(stream);
    }

    float* W(int l) { return d_params.data() + w_off[l]; }
    float* b(int l) { return d_params.data() + b_off[l]; }

    // Row-major C (M, N) = op(A) op(B) + beta_c C (blas.cuh).
    void gemm(bool ta, bool tb, int M, int N, int K, const float* A, int lda, const float* B,
              int ldb, float* C, int ldc, float beta_c = 0.f) {
        blas::gemm(blas, ta, tb, M, N, K, A, lda, B, ldb, C, ldc, beta_c);
    }

    // y (rows, out) = act(x W + b).
    void dense_forward(int l, const float* x, int rows, float* y, Act act) {
        gemm(false, false, rows, out[l], in[l], x, in[l], W(l), out[l], y, out[l]);
        kernels::bias_activate<<<blocks_for(size_t(rows) * out[l]), kThreads, 0, stream>>>(
            y, b(l), rows, out[l], act);
        CUDA_CHECK_LAUNCH();
    }
    // dW = x^T g, db = column sums of g (g = dL/d(pre-activation): (rows, out)).
    void dense_grads(int l, const float* x, const float* g, int rows) {
        gemm(true, false, in[l], out[l], rows, x, in[l], g, out[l], d_grads.data() + w_off[l],
             out[l]);
        blas::column_sums(blas, g, rows, out[l], d_ones.data(), d_grads.data() + b_off[l]);
    }
    // g_in (rows, in) = g W^T (+ g_in when accumulate).
    void input_grad(int l, const float* g, int rows, float* g_in, bool accumulate = false) {
        gemm(false, true, rows, in[l], out[l], g, out[l], W(l), out[l], g_in, in[l],
             accumulate ? 1.f : 0.f);
    }
    void relu_backward(float* g, const float* y, size_t n) {
        kernels::activation_backward<<<blocks_for(n), kThreads, 0, stream>>>(g, y, n, Act::ReLU);
        CUDA_CHECK_LAUNCH();
    }

    void forward(int rows) {
        dense_forward(kTrunk, d_x.data(), rows, d_h.data(), Act::ReLU);
        dense_forward(kMu, d_h.data(), rows, d_mu.data(), Act::Identity);
        dense_forward(kLogvar, d_h.data(), rows, d_lv.data(), Act::Identity);
        const size_t nz = size_t(rows) * shape.z;
        vae_kernels::reparameterize<<<blocks_for(nz), kThreads, 0, stream>>>(
            d_mu.data(), d_lv.data(), d_eps.data(), d_z.data(), nz);
        CUDA_CHECK_LAUNCH();
        dense_forward(kDec1, d_z.data(), rows, d_a.data(), Act::ReLU);
        dense_forward(kDec2, d_a.data(), rows, d_logits.data(), Act::Identity);
    }

    void backward(int rows) {
        const float inv_rows = 1.f / static_cast<float>(rows);
        const size_t nd = size_t(rows) * shape.d, nh = size_t(rows) * shape.h;
        const size_t nz = size_t(rows) * shape.z;
        vae_kernels::bce_logits_sum<<<blocks_for(nd), kThreads, 0, stream>>>(
            d_logits.data(), d_x.data(), nd, inv_rows, d_glogits.data(), d_loss_sum.data());
        CUDA_CHECK_LAUNCH();
        dense_grads(kDec2, d_a.data(), d_glogits.data(), rows);
        input_grad(kDec2, d_glogits.data(), rows, d_ga.data());
        relu_backward(d_ga.data(), d_a.data(), nh);
        dense_grads(kDec1, d_z.data(), d_ga.data(), rows);
        input_grad(kDec1, d_ga.data(), rows, d_gz.data());
        vae_kernels::kl_reparam_backward<<<blocks_for(nz), kThreads, 0, stream>>>(
            d_mu.data(), d_lv.data(), d_eps.data(), d_gz.data(), nz, beta, inv_rows, d_gmu.data(),
            d_glv.data(), d_loss_sum.data());
        CUDA_CHECK_LAUNCH();
        dense_grads(kMu, d_h.data(), d_gmu.data(), rows);
        dense_grads(kLogvar, d_h.data(), d_glv.data(), rows);
        input_grad(kMu, d_gmu.data(), rows, d_gh.data());
        input_grad(kLogvar, d_glv.data(), rows, d_gh.data(), true);  // both heads read h
        relu_backward(d_gh.data(), d_h.data(), nh);
        dense_grads(kTrunk, d_x.data(), d_gh.data(), rows);
    }

    // One step on rows perm[begin..) of src (rows begin.. when perm is null); draw: fresh eps.
    void step(const float* src, const uint32_t* perm, size_t begin, int rows, int step_in_epoch,
              bool draw) {
        kernels::check_batch_rows("VaeTrainer", rows, max_batch);
        const size_t nd = size_t(rows) * shape.d, nz = size_t(rows) * shape.z;
        kernels::gather_rows_noise<<<blocks_for(nd), kThreads, 0, stream>>>(
            src, perm, begin, rows, shape.d, d_x.data(), d_x.data(), CorruptionSpec{}, seed,
            d_step_base.data(), step_in_epoch);
        CUDA_CHECK_LAUNCH();
        if (draw) {
            vae_kernels::draw_normal<<<blocks_for(nz), kThreads, 0, stream>>>(
                d_eps.data(), nz, seed, d_step_base.data(), step_in_epoch,
                size_t(max_batch) * shape.z);
            CUDA_CHECK_LAUNCH();
        }
        forward(rows);
        backward(rows);
        kernels::launch_optimizer_update(stream, d_params.data(), d_grads.data(), d_m.data(),
                                         d_v.data(), d_params.size(), opt, d_step_base.data(),
                                         step_in_epoch);
    }

    void bump_step_base(long long by) {
        kernels::add_to_counter<<<1, 1, 0, stream>>>(d_step_base.data(), by);
        CUDA_CHECK_LAUNCH();
    }

    double read_loss_sum() {
        double sum = 0;
        CUDA_CHECK(cudaMemcpyAsync(&sum, d_loss_sum.data(), sizeof(double), cudaMemcpyDeviceToHost,
                                   stream));
        CUDA_CHECK(cudaStreamSynchronize(stream));
        return sum;
    }

    void allocate() {
        const int D = shape.d, H = shape.h, Z = shape.z;
        const int ins[kVaeLayers] = {D, H, H, Z, H}, outs[kVaeLayers] = {H, Z, Z, H, D};
        size_t n = 0;
        for (int l = 0; l < kVaeLayers; ++l) {
            in[l] = ins[l], out[l] = outs[l];
            w_off[l] = n;
            n += size_t(in[l]) * out[l];
            b_off[l] = n;
            n += size_t(out[l]);
        }
        for (auto* p : {&d_params, &d_grads, &d_m, &d_v}) {
            p->resize(n);
            p->zero();
        }
        const size_t B = size_t(max_batch);
        for (auto* p : {&d_x, &d_logits, &d_glogits, &d_staging}) p->resize(B * D);
        for (auto* p : {&d_h, &d_a, &d_ga, &d_gh}) p->resize(B * H);
        for (auto* p : {&d_mu, &d_lv, &d_eps, &d_z, &d_gz, &d_gmu, &d_glv}) p->resize(B * Z);
        d_ones.resize(B);
        d_step_base.resize(1);
        d_step_base.zero();
        d_loss_sum.resize(1);
    }
};

VaeTrainer::VaeTrainer(const VaeShape& shape, float beta, const OptimizerSpec& optimizer,
                       uint64_t seed, int max_batch)
    : impl_(std::make_unique<Impl>()) {
    Impl& s = *impl_;
    if (shape.d <= 0 || shape.h <= 0 || shape.z <= 0 || max_batch <= 0) {
        throw ae::Error("VaeTrainer: sizes and max_batch must be positive");
    }
    s.shape = shape, s.beta = beta, s.opt = optimizer, s.seed = seed, s.max_batch = max_batch;
    s.allocate();
    CUDA_CHECK(cudaStreamCreate(&s.stream));
    CUBLAS_CHECK(cublasCreate(&s.blas));
    CUBLAS_CHECK(cublasSetStream(s.blas, s.stream));
    kernels::fill_value<<<blocks_for(max_batch), kThreads, 0, s.stream>>>(s.d_ones.data(),
                                                                          max_batch, 1.f);
    CUDA_CHECK_LAUNCH();
    CUDA_CHECK(cudaStreamSynchronize(s.stream));
}

VaeTrainer::~VaeTrainer() = default;

size_t VaeTrainer::tensor_size(size_t k) const {
    if (k >= kTensors) throw ae::Error("VaeTrainer: tensor " + std::to_string(k));
    const Impl& s = *impl_;
    const int l = static_cast<int>(k / 2);
    return k % 2 == 0 ? size_t(s.in[l]) * s.out[l] : size_t(s.out[l]);
}

namespace {
size_t vae_tensor_offset(const size_t* w_off, const size_t* b_off, size_t k) {
    return k % 2 == 0 ? w_off[k / 2] : b_off[k / 2];
}

// Copies n floats between the host and the device once the stream's work is done.
void copy_when_idle(cudaStream_t stream, void* to, const void* from, size_t n,
                    cudaMemcpyKind kind) {
    CUDA_CHECK(cudaStreamSynchronize(stream));
    CUDA_CHECK(cudaMemcpy(to, from, n * sizeof(float), kind));
}
}  // namespace

void VaeTrainer::set_param(size_t k, const float* host) {
    Impl& s = *impl_;
    copy_when_idle(s.stream, s.d_params.data() + vae_tensor_offset(s.w_off, s.b_off, k), host,
                   tensor_size(k), cudaMemcpyHostToDevice);
}

void VaeTrainer::get_param(size_t k, float* host) const {
    const Impl& s = *impl_;
    copy_when_idle(s.stream, host, s.d_params.data() + vae_tensor_offset(s.w_off, s.b_off, k),
                   tensor_size(k), cudaMemcpyDeviceToHost);
}

void VaeTrainer::get_grad(size_t k, float* host) const {
    const Impl& s = *impl_;
    copy_when_idle(s.stream, host, s.d_grads.data() + vae_tensor_offset(s.w_off, s.b_off, k),
                   tensor_size(k), cudaMemcpyDeviceToHost);
}

double VaeTrainer::step_host(const float* batch, size_t rows, const float* eps) {
    Impl& s = *impl_;
    if (rows == 0 || rows > size_t(s.max_batch)) {
        throw ae::Error("VaeTrainer::step_host: " + std::to_string(rows) + " rows, at most " +
                        std::to_string(s.max_batch));
    }
    CUDA_CHECK(cudaStreamSynchronize(s.stream));
    s.d_staging.upload(batch, rows * size_t(s.shape.d));
    if (eps) s.d_eps.upload(eps, rows * size_t(s.shape.z));
    CUDA_CHECK(cudaMemsetAsync(s.d_loss_sum.data(), 0, sizeof(double), s.stream));
    s.step(s.d_staging.data(), nullptr, 0, static_cast<int>(rows), 1, eps == nullptr);
    s.bump_step_base(1);
    return s.read_loss_sum() / static_cast<double>(rows);
}

void VaeTrainer::upload_data(const float* x, size_t n) {
    Impl& s = *impl_;
    CUDA_CHECK(cudaStreamSynchronize(s.stream));
    s.d_data.resize(n * size_t(s.shape.d));
    s.d_data.upload(x, n * size_t(s.shape.d));
    s.d_perm.resize(n);
    s.n_data = n;
}

double VaeTrainer::run_epoch(const std::vector<uint32_t>& perm, int batch_size) {
    Impl& s = *impl_;
    kernels::check_epoch_args("VaeTrainer", perm.size(), s.n_data, batch_size, s.max_batch);
    CUDA_CHECK(cudaStreamSynchronize(s.stream));
    s.d_perm.upload(perm.data(), perm.size());
    CUDA_CHECK(cudaMemsetAsync(s.d_loss_sum.data(), 0, sizeof(double), s.stream));
    const size_t batches = (s.n_data + batch_size - 1) / batch_size;
    for (size_t b = 0; b < batches; ++b) {
        const size_t begin = b * batch_size;
        const int rows = static_cast<int>(std::min(s.n_data, begin + batch_size) - begin);
        s.step(s.d_data.data(), s.d_perm.data(), begin, rows, static_cast<int>(b + 1), true);
    }
    s.bump_step_base(static_cast<long long>(batches));
    return s.read_loss_sum() / static_cast<double>(s.n_data);
}

}  // namespace ae::cuda
