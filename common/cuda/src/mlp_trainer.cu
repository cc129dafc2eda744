// MlpTrainer (ae/cuda/mlp.hpp): one training step of an MLP autoencoder on the GPU. Products
// go to cuBLAS (blas.cuh), everything elementwise to the kernels of mlp_kernels.cuh; the
// weights, their gradients and the optimiser's state each live in one flat device buffer (one
// update launch per step). Reference: the CPU path (ae::Sequential + ae::Adam / ae::Sgd);
// tests/gpu_train.cpp and tests/gpu_lessons.cpp compare the two.
#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <string>

#include "ae/cuda/buffer.hpp"
#include "ae/cuda/check.hpp"
#include "ae/cuda/mlp.hpp"
#include "blas.cuh"
#include "mlp_kernels.cuh"
#include "penalty_kernels.cuh"

namespace ae::cuda {

using kernels::blocks_for;
using kernels::kThreads;

struct MlpTrainer::Impl {
    MlpLayout layout;
    Objective objective;
    OptimizerSpec opt;
    uint64_t seed = 0;
    PenaltySpec penalty;                                   // objective.penalty
    DeviceBuffer<float> d_pen_row, d_pen_s2sum, d_pen_dA;  // (H), (H), (rows, H)
    int max_batch = 0, D = 0;
    std::vector<size_t> w_off, b_off;  // offsets of W_l and b_l in the flat buffers
    DeviceBuffer<float> d_params, d_grads, d_m, d_v;
    std::vector<DeviceBuffer<float>> d_y, d_g;  // per layer: outputs (rows, out), gradients
    DeviceBuffer<float> d_target, d_input, d_ones, d_staging, d_data;
    DeviceBuffer<uint32_t> d_perm;
    DeviceBuffer<long long> d_step_base;  // Adam steps completed before this epoch
    DeviceBuffer<double> d_loss_sum;
    size_t n_data = 0;
    long steps = 0, launches = 0, launches_per_step = 0;
    cudaStream_t stream = nullptr;
    cublasHandle_t blas = nullptr;
    DeviceBuffer<char> d_blas_workspace;
    cudaGraphExec_t graph = nullptr;
    int graph_batch = 0;
    bool warm = false;  // an epoch ran uncaptured: cuBLAS and lazily loaded kernels are set up

    ~Impl() {  // no throws from here: failures while tearing down are not actionable
        if (graph) cudaGraphExecDestroy(graph);
        if (blas) cublasDestroy(blas);
        if (stream) cudaStreamDestroy(stream);
    }

    // Row-major C (M, N) = op(A) op(B) + beta C (blas.cuh), counted.
    void gemm(bool ta, bool tb, int M, int N, int K, const float* A, int lda, const float* B,
              int ldb, float* C, int ldc, float beta = 0.f) {
        blas::gemm(blas, ta, tb, M, N, K, A, lda, B, ldb, C, ldc, beta);
        ++launches;
    }

    const float* input_of(size_t l) const {
        if (l > 0) return d_y[l - 1].data();
        return objective.corruption.active() ? d_input.data() : d_target.data();
    }
    int in(size_t l) const { return layout.sizes[l]; }
    int out(size_t l) const { return layout.sizes[l + 1]; }

    void forward(int rows) {
        for (size_t l = 0; l < layout.layers(); ++l) {
            float* y = d_y[l].data();
            gemm(false, false, rows, out(l), in(l), input_of(l), in(l), d_params.data() + w_off[l],
                 out(l), y, out(l));
            kernels::bias_activate<<<blocks_for(size_t(rows) * out(l)), kThreads, 0, stream>>>(
                y, d_params.data() + b_off[l], rows, out(l), layout.acts[l]);
            CUDA_CHECK_LAUNCH();
            ++launches;
        }
    }

    void backward(int rows) {
        const size_t L = layout.layers();
        const size_t total = size_t(rows) * D;
        kernels::loss_and_grad<<<blocks_for(total), kThreads, 0, stream>>>(
            d_y[L - 1].data(), d_target.data(), total, objective.loss, layout.acts[L - 1],
            1.f / static_cast<float>(total), 1.f / static_cast<float>(D), d_g[L - 1].data(),
            d_loss_sum.data());
        CUDA_CHECK_LAUNCH();
        ++launches;
        for (size_t l = L; l-- > 0;) {
            const float* gz = d_g[l].data();  // dL/d(pre-activation of layer l): (rows, out)
            // dW = A^T gz: (in, rows) (rows, out);  db = gz^T 1: column sums
            gemm(true, false, in(l), out(l), rows, input_of(l), in(l), gz, out(l),
                 d_grads.data() + w_off[l], out(l));
            blas::column_sums(blas, gz, rows, out(l), d_ones.data(), d_grads.data() + b_off[l]);
            ++launches;
            if (l == 0) break;
            // dL/d(output of layer l-1) = gz W^T: (rows, out) (out, in), then through its
            // activation
            float* g_prev = d_g[l - 1].data();
            gemm(false, true, rows, in(l), out(l), gz, out(l), d_params.data() + w_off[l], out(l),
                 g_prev, in(l));
            if (l - 1 == size_t(penalty.layer)) code_penalty_grad(rows, g_prev);
            if (layout.acts[l - 1] != Act::Identity) {
                const size_t n = size_t(rows) * in(l);
                kernels::activation_backward<<<blocks_for(n), kThreads, 0, stream>>>(
                    g_prev, d_y[l - 1].data(), n, layout.acts[l - 1]);
                CUDA_CHECK_LAUNCH();
                ++launches;
            }
        }
        if (penalty.kind == CodePenaltyKind::Contractive) contractive_grad(rows);
    }

    // ---- lesson 04's penalties (penalty_kernels.cuh)

    // L1 and KL reach the weights only through h: weight * dP/dh joins g = dL/dh (rows, H)
    // before the code's activation is backpropagated.
    void code_penalty_grad(int rows, float* g) {
        const int H = out(penalty.layer);
        const float* h = d_y[penalty.layer].data();
        const size_t n = size_t(rows) * H;
        if (penalty.kind == CodePenaltyKind::L1) {
            kernels::l1_penalty_grad<<<blocks_for(n), kThreads, 0, stream>>>(
                h, g, n, rows, penalty.weight, d_loss_sum.data());
            CUDA_CHECK_LAUNCH();
            ++launches;
        } else if (penalty.kind == CodePenaltyKind::Kl) {
            kernels::kl_penalty_units<<<blocks_for(H), kThreads, 0, stream>>>(
                h, rows, H, penalty.rho, penalty.weight, d_pen_row.data(), d_loss_sum.data());
            CUDA_CHECK_LAUNCH();
            kernels::add_row_scaled<<<blocks_for(n), kThreads, 0, stream>>>(g, d_pen_row.data(), n,
                                                                            H, penalty.weight);
            CUDA_CHECK_LAUNCH();
            launches += 2;
        }
    }

    // The contractive penalty of layer 0 (x (rows, D) -> h (rows, H), W (D, H)): added to dW0
    // and db0 after the plain backward pass, through h (x^T dA, column sums of dA) and
    // through W directly.
    void contractive_grad(int rows) {
        const int H = out(0);
        const float* h = d_y[0].data();
        const float* W = d_params.data() + w_off[0];
        const size_t n = size_t(rows) * H, nw = size_t(D) * H;
        kernels::contractive_units<<<blocks_for(H), kThreads, 0, stream>>>(
            W, D, h, rows, H, d_pen_row.data(), d_pen_s2sum.data());
        CUDA_CHECK_LAUNCH();
        kernels::contractive_da<<<blocks_for(n), kThreads, 0, stream>>>(
            h, d_pen_row.data(), n, rows, H, penalty.weight, d_pen_dA.data(), d_loss_sum.data());
        CUDA_CHECK_LAUNCH();
        gemm(true, false, D, H, rows, input_of(0), D, d_pen_dA.data(), H, d_grads.data() + w_off[0],
             H, 1.f);
        blas::column_sums(blas, d_pen_dA.data(), rows, H, d_ones.data(), d_grads.data() + b_off[0],
                          1.f);
        kernels::contractive_dw_direct<<<blocks_for(nw), kThreads, 0, stream>>>(
            W, d_pen_s2sum.data(), nw, rows, H, penalty.weight, d_grads.data() + w_off[0]);
        CUDA_CHECK_LAUNCH();
        launches += 4;
    }

    // One step on rows perm[begin..begin+rows) of src (or rows begin.. when perm is null).
    void step(const float* src, const uint32_t* perm, size_t begin, int rows, int step_in_epoch) {
        kernels::check_batch_rows("MlpTrainer", rows, max_batch);
        const long before = launches;
        const size_t total = size_t(rows) * D;
        kernels::gather_rows_noise<<<blocks_for(total), kThreads, 0, stream>>>(
            src, perm, begin, rows, D, d_target.data(), d_input.data(), objective.corruption, seed,
            d_step_base.data(), step_in_epoch);
        CUDA_CHECK_LAUNCH();
        ++launches;
        forward(rows);
        backward(rows);
        kernels::launch_optimizer_update(stream, d_params.data(), d_grads.data(), d_m.data(),
                                         d_v.data(), d_params.size(), opt, d_step_base.data(),
                                         step_in_epoch);
        ++launches;
        launches_per_step = launches - before;
    }

    void bump_step_base(long long by) {
        kernels::add_to_counter<<<1, 1, 0, stream>>>(d_step_base.data(), by);
        CUDA_CHECK_LAUNCH();
        steps += by;
    }

    // The whole epoch as launches on the stream (captured into a graph or run directly).
    void issue_epoch(int batch) {
        CUDA_CHECK(cudaMemsetAsync(d_loss_sum.data(), 0, sizeof(double), stream));
        const size_t batches = (n_data + batch - 1) / batch;
        for (size_t b = 0; b < batches; ++b) {
            const size_t begin = b * batch;
            const int rows = static_cast<int>(std::min(n_data, begin + batch) - begin);
            step(d_data.data(), d_perm.data(), begin, rows, static_cast<int>(b + 1));
        }
        kernels::add_to_counter<<<1, 1, 0, stream>>>(d_step_base.data(),
                                                     static_cast<long long>(batches));
        CUDA_CHECK_LAUNCH();
    }
};

namespace {
// The shapes and activations the penalty kernels assume, checked before anything is launched.
void check_penalty(const MlpLayout& layout, const PenaltySpec& p) {
    if (p.kind == CodePenaltyKind::None) return;
    if (p.layer < 0 || size_t(p.layer) + 1 >= layout.layers()) {
        throw ae::Error(
            "MlpTrainer: the penalised code must be the output of a "
            "layer before the last, not of layer " +
            std::to_string(p.layer));
    }
    if (p.kind != CodePenaltyKind::L1 && layout.acts[p.layer] != Act::Sigmoid) {
        throw ae::Error(
            "MlpTrainer: the KL and contractive penalties need a sigmoid "
            "code");
    }
    if (p.kind == CodePenaltyKind::Contractive && p.layer != 0) {
        throw ae::Error(
            "MlpTrainer: the contractive penalty is for a one-layer "
            "encoder (layer 0)");
    }
    if (p.kind == CodePenaltyKind::Kl && !(p.rho > 0.f && p.rho < 1.f)) {
        throw ae::Error("MlpTrainer: the KL target rho must be in (0, 1)");
    }
}
}  // namespace

MlpTrainer::MlpTrainer(const MlpLayout& layout, const Objective& objective,
                       const OptimizerSpec& optimizer, uint64_t seed, int max_batch)
    : impl_(std::make_unique<Impl>()) {
    Impl& s = *impl_;
    if (layout.sizes.size() != layout.acts.size() + 1 || layout.acts.empty()) {
        throw ae::Error("MlpTrainer: sizes must have one more entry than acts");
    }
    if (layout.sizes.front() != layout.sizes.back()) {
        throw ae::Error("MlpTrainer: an autoencoder's output size must equal its input size");
    }
    if (max_batch <= 0) throw ae::Error("MlpTrainer: max_batch must be positive");
    const PenaltySpec& penalty = objective.penalty;
    check_penalty(layout, penalty);
    s.penalty = penalty;
    s.layout = layout;
    s.objective = objective;
    s.opt = optimizer;
    s.seed = seed;
    s.max_batch = max_batch;
    s.D = layout.sizes.front();
    size_t n = 0;
    for (size_t l = 0; l < layout.layers(); ++l) {
        s.w_off.push_back(n);
        n += size_t(s.in(l)) * s.out(l);
        s.b_off.push_back(n);
        n += size_t(s.out(l));
        s.d_y.emplace_back(size_t(max_batch) * s.out(l));
        s.d_g.emplace_back(size_t(max_batch) * s.out(l));
    }
    if (penalty.kind != CodePenaltyKind::None) {
        const size_t H = size_t(layout.sizes[penalty.layer + 1]);
        s.d_pen_row.resize(H);
        s.d_pen_s2sum.resize(H);
        s.d_pen_dA.resize(size_t(max_batch) * H);
    }
    for (auto* b : {&s.d_params, &s.d_grads, &s.d_m, &s.d_v}) b->resize(n);
    s.d_params.zero();
    s.d_grads.zero();
    s.d_m.zero();
    s.d_v.zero();
    s.d_target.resize(size_t(max_batch) * s.D);
    s.d_input.resize(size_t(max_batch) * s.D);
    s.d_staging.resize(size_t(max_batch) * s.D);
    s.d_ones.resize(size_t(max_batch));
    s.d_step_base.resize(1);
    s.d_step_base.zero();
    s.d_loss_sum.resize(1);
    CUDA_CHECK(cudaStreamCreate(&s.stream));
    CUBLAS_CHECK(cublasCreate(&s.blas));
    CUBLAS_CHECK(cublasSetStream(s.blas, s.stream));
    // A fixed workspace: cuBLAS must not allocate while a graph is being captured.
    s.d_blas_workspace.resize(size_t(32) << 20);
    CUBLAS_CHECK(cublasSetWorkspace(s.blas, s.d_blas_workspace.data(), s.d_blas_workspace.size()));
    kernels::fill_value<<<blocks_for(max_batch), kThreads, 0, s.stream>>>(s.d_ones.data(),
                                                                          max_batch, 1.f);
    CUDA_CHECK_LAUNCH();
    CUDA_CHECK(cudaStreamSynchronize(s.stream));
}

MlpTrainer::~MlpTrainer() = default;

namespace {
void check_layer(size_t l, size_t layers) {
    if (l >= layers) {
        throw ae::Error("MlpTrainer: layer " + std::to_string(l) + " of " + std::to_string(layers));
    }
}
}  // namespace

void MlpTrainer::set_params(size_t l, const float* W, const float* b) {
    Impl& s = *impl_;
    check_layer(l, s.layout.layers());
    CUDA_CHECK(cudaStreamSynchronize(s.stream));
    const size_t nw = size_t(s.in(l)) * s.out(l), nb = size_t(s.out(l));
    CUDA_CHECK(
        cudaMemcpy(s.d_params.data() + s.w_off[l], W, nw * sizeof(float), cudaMemcpyHostToDevice));
    CUDA_CHECK(
        cudaMemcpy(s.d_params.data() + s.b_off[l], b, nb * sizeof(float), cudaMemcpyHostToDevice));
}

namespace {
void copy_layer(const DeviceBuffer<float>& buf, size_t w_off, size_t b_off, size_t nw, size_t nb,
                float* W, float* b, cudaStream_t stream) {
    CUDA_CHECK(cudaStreamSynchronize(stream));
    CUDA_CHECK(cudaMemcpy(W, buf.data() + w_off, nw * sizeof(float), cudaMemcpyDeviceToHost));
    CUDA_CHECK(cudaMemcpy(b, buf.data() + b_off, nb * sizeof(float), cudaMemcpyDeviceToHost));
}
}  // namespace

void MlpTrainer::get_params(size_t l, float* W, float* b) const {
    const Impl& s = *impl_;
    check_layer(l, s.layout.layers());
    copy_layer(s.d_params, s.w_off[l], s.b_off[l], size_t(s.in(l)) * s.out(l), s.out(l), W, b,
               s.stream);
}

void MlpTrainer::get_grads(size_t l, float* dW, float* db) const {
    const Impl& s = *impl_;
    check_layer(l, s.layout.layers());
    copy_layer(s.d_grads, s.w_off[l], s.b_off[l], size_t(s.in(l)) * s.out(l), s.out(l), dW, db,
               s.stream);
}

double MlpTrainer::step_host(const float* batch, size_t rows) {
    Impl& s = *impl_;
    if (rows == 0 || rows > size_t(s.max_batch)) {
        throw ae::Error("MlpTrainer::step_host: " + std::to_string(rows) + " rows, at most " +
                        std::to_string(s.max_batch));
    }
    CUDA_CHECK(cudaStreamSynchronize(s.stream));
    s.d_staging.upload(batch, rows * size_t(s.D));
    CUDA_CHECK(cudaMemsetAsync(s.d_loss_sum.data(), 0, sizeof(double), s.stream));
    s.step(s.d_staging.data(), nullptr, 0, static_cast<int>(rows), 1);
    s.bump_step_base(1);
    double sum = 0;
    CUDA_CHECK(cudaMemcpyAsync(&sum, s.d_loss_sum.data(), sizeof(double), cudaMemcpyDeviceToHost,
                               s.stream));
    CUDA_CHECK(cudaStreamSynchronize(s.stream));
    return sum / static_cast<double>(rows);
}

void MlpTrainer::upload_data(const float* x, size_t n) {
    Impl& s = *impl_;
    CUDA_CHECK(cudaStreamSynchronize(s.stream));
    s.d_data.resize(n * size_t(s.D));
    s.d_data.upload(x, n * size_t(s.D));
    s.d_perm.resize(n);
    s.n_data = n;
    if (s.graph) CUDA_CHECK(cudaGraphExecDestroy(s.graph));  // it baked in the old pointers
    s.graph = nullptr;
}

double MlpTrainer::run_epoch(const std::vector<uint32_t>& perm, int batch_size, bool graph) {
    Impl& s = *impl_;
    kernels::check_epoch_args("MlpTrainer", perm.size(), s.n_data, batch_size, s.max_batch);
    CUDA_CHECK(cudaStreamSynchronize(s.stream));
    s.d_perm.upload(perm.data(), perm.size());  // the graph reads the order from here
    const long batches = static_cast<long>((s.n_data + batch_size - 1) / batch_size);
    if (!graph || !s.warm) {
        // Uncaptured: a graph must not see first-use set-up (module loading, cuBLAS heuristics).
        s.issue_epoch(batch_size);
        s.warm = true;
    } else {
        if (s.graph && s.graph_batch != batch_size) {
            CUDA_CHECK(cudaGraphExecDestroy(s.graph));
            s.graph = nullptr;
        }
        if (!s.graph) {
            cudaGraph_t g = nullptr;
            CUDA_CHECK(cudaStreamBeginCapture(s.stream, cudaStreamCaptureModeThreadLocal));
            try {
                s.issue_epoch(batch_size);
            } catch (...) {
                cudaStreamEndCapture(s.stream, &g);  // ends the broken capture; its error
                cudaGetLastError();                  // must not surface at the next check
                if (g) cudaGraphDestroy(g);
                throw;
            }
            const cudaError_t ended = cudaStreamEndCapture(s.stream, &g);
            if (ended != cudaSuccess) {
                cudaGetLastError();  // clear it, so that the next checked call is not blamed
                if (g) cudaGraphDestroy(g);
                CUDA_CHECK(ended);
            }
            const cudaError_t e = cudaGraphInstantiate(&s.graph, g, 0);
            cudaGraphDestroy(g);
            CUDA_CHECK(e);
            s.graph_batch = batch_size;
        }
        CUDA_CHECK(cudaGraphLaunch(s.graph, s.stream));
    }
    s.steps += batches;
    double sum = 0;
    CUDA_CHECK(cudaMemcpyAsync(&sum, s.d_loss_sum.data(), sizeof(double), cudaMemcpyDeviceToHost,
                               s.stream));
    CUDA_CHECK(cudaStreamSynchronize(s.stream));
    return sum / static_cast<double>(s.n_data);
}

long MlpTrainer::steps() const {
    return impl_->steps;
}
long MlpTrainer::launches_per_step() const {
    return impl_->launches_per_step;
}

}  // namespace ae::cuda
