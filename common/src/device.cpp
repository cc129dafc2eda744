// The GPU seen from the CPU library (see ae/device.hpp): device summary, and the bridge from
// ae::Sequential to the CUDA trainer in common/cuda. Compiled in every build; without CUDA
// (AE_HAVE_CUDA undefined) the training functions throw a clear ae::Error.
#include "ae/device.hpp"

#include <cmath>
#include <cstdio>
#include <sstream>

#include "ae/error.hpp"
#include "ae/progress.hpp"
#include "gpu_fit_loop.hpp"

#ifdef AE_HAVE_CUDA
#include "ae/cuda/mlp.hpp"
#endif

namespace ae {

bool cuda_built() {
#ifdef AE_HAVE_CUDA
    return true;
#else
    return false;
#endif
}

#ifndef AE_HAVE_CUDA

namespace {
[[noreturn]] void gpu_not_built(const char* what) {
    throw Error(std::string(what) +
                ": this build has no CUDA (nvcc was not found, or -DAE_WITH_CUDA=OFF). Use "
                "--device cpu, or install the CUDA toolkit and configure again.");
}
}  // namespace

bool cuda_available() {
    return false;
}
std::string cuda_device_summary() {
    return "no GPU: this build has no CUDA (nvcc not found or AE_WITH_CUDA=OFF)";
}

struct GpuAutoencoder::Impl {};
GpuAutoencoder::GpuAutoencoder(const Sequential&, const GpuTrainConfig&, int) {
    gpu_not_built("GpuAutoencoder");
}
GpuAutoencoder::~GpuAutoencoder() = default;
GpuAutoencoder::GpuAutoencoder(GpuAutoencoder&&) noexcept = default;
GpuAutoencoder& GpuAutoencoder::operator=(GpuAutoencoder&&) noexcept = default;
double GpuAutoencoder::step(const Matrix&) {
    gpu_not_built("GpuAutoencoder::step");
}
void GpuAutoencoder::upload_data(const Matrix&) {
    gpu_not_built("GpuAutoencoder::upload_data");
}
double GpuAutoencoder::epoch(const std::vector<size_t>&, int) {
    gpu_not_built("GpuAutoencoder::epoch");
}
GpuAutoencoder::GpuAutoencoder(const Sequential&, const Sequential&, const GpuTrainConfig&, int) {
    gpu_not_built("GpuAutoencoder");
}
void GpuAutoencoder::weights_to(Sequential&) const {
    gpu_not_built("GpuAutoencoder::weights_to");
}
void GpuAutoencoder::weights_to(Sequential&, Sequential&) const {
    gpu_not_built("GpuAutoencoder::weights_to");
}
std::vector<Matrix> GpuAutoencoder::gradients() const {
    gpu_not_built("GpuAutoencoder::gradients");
}
long GpuAutoencoder::launches_per_step() const {
    return 0;
}
History fit_autoencoder_gpu(Sequential&, const Matrix&, const FitOptions&, const GpuTrainConfig&,
                            const EpochFn&) {
    gpu_not_built("fit_autoencoder_gpu");
}
History fit_autoencoder_gpu(Sequential&, Sequential&, const Matrix&, const FitOptions&,
                            const GpuTrainConfig&, const EpochFn&) {
    gpu_not_built("fit_autoencoder_gpu");
}

#else  // AE_HAVE_CUDA

bool cuda_available() {
    return cuda::device_count() > 0;
}

std::string cuda_device_summary() {
    if (cuda::device_count() == 0) return "no GPU found (" + cuda::no_device_reason() + ")";
    const cuda::DeviceProps p = cuda::device_props(0);
    char line[256];
    std::snprintf(line, sizeof line, "%s: %d SMs, %.1f GiB, compute capability %d.%d%s",
                  p.name.c_str(), p.multiprocessors, double(p.global_mem) / double(1ull << 30),
                  p.cc_major, p.cc_minor, cuda::device_count() > 1 ? " (device 0 of several)" : "");
    return line;
}

namespace {
// The models, in order (an encoder, then a decoder): their layers as one chain.
using GpuChain = std::vector<const Sequential*>;

std::vector<const Layer*> gpu_chain_layers(const GpuChain& chain) {
    std::vector<const Layer*> out;
    for (const Sequential* m : chain)
        for (size_t i = 0; i < m->size(); ++i) out.push_back(&(*m)[i]);
    return out;
}

// Dense, then an optional activation: the layout the CUDA trainer runs.
cuda::MlpLayout gpu_layout_of(const GpuChain& chain) {
    cuda::MlpLayout layout;
    for (const Layer* layer : gpu_chain_layers(chain)) {
        if (const auto* d = dynamic_cast<const Dense*>(layer)) {
            if (layout.sizes.empty()) layout.sizes.push_back(static_cast<int>(d->in()));
            if (layout.sizes.back() != static_cast<int>(d->in())) {
                throw ShapeError("GPU trainer: " + d->name() + " follows a layer of width " +
                                 std::to_string(layout.sizes.back()));
            }
            layout.sizes.push_back(static_cast<int>(d->out()));
            layout.acts.push_back(cuda::Act::Identity);
            continue;
        }
        cuda::Act act;
        if (dynamic_cast<const ReLU*>(layer))
            act = cuda::Act::ReLU;
        else if (dynamic_cast<const Sigmoid*>(layer))
            act = cuda::Act::Sigmoid;
        else if (dynamic_cast<const Tanh*>(layer))
            act = cuda::Act::Tanh;
        else if (dynamic_cast<const Identity*>(layer))
            continue;
        else
            throw Error(
                "GPU trainer: layer " + layer->name() +
                " is not supported (Dense, ReLU, Sigmoid, Tanh, Identity are); use --device cpu");
        if (layout.acts.empty() || layout.acts.back() != cuda::Act::Identity) {
            throw Error("GPU trainer: " + layer->name() +
                        " must directly follow a Dense layer; use --device cpu");
        }
        layout.acts.back() = act;
    }
    if (layout.acts.empty()) throw Error("GPU trainer: the model has no Dense layer");
    return layout;
}
}  // namespace

struct GpuAutoencoder::Impl {
    cuda::MlpLayout layout;
    std::unique_ptr<cuda::MlpTrainer> trainer;
    bool use_graph = true;

    void init(const GpuChain& chain, const GpuTrainConfig& c, int max_batch) {
        if (!cuda_available()) {
            throw Error("GpuAutoencoder: " + cuda_device_summary() + "; use --device cpu");
        }
        layout = gpu_layout_of(chain);
        use_graph = c.use_graph;
        const cuda::AdamConfig adam{c.lr, c.beta1, c.beta2, c.eps, c.weight_decay};
        const cuda::NoiseConfig noise{c.noise_sigma, c.mask_prob, c.noise_seed, c.salt_pepper_prob};
        const auto loss = c.loss == GpuTrainConfig::Loss::Mse ? cuda::LossKind::Mse
                                                              : cuda::LossKind::BceWithLogits;
        cuda::PenaltyConfig penalty;
        penalty.kind = c.penalty == GpuTrainConfig::Penalty::L1 ? cuda::PenaltyKind::L1
                       : c.penalty == GpuTrainConfig::Penalty::Kl ? cuda::PenaltyKind::Kl
                       : c.penalty == GpuTrainConfig::Penalty::Contractive
                           ? cuda::PenaltyKind::Contractive
                           : cuda::PenaltyKind::None;
        penalty.weight = c.penalty_weight;
        penalty.rho = c.penalty_rho;
        penalty.layer = c.penalty_layer;
        trainer = std::make_unique<cuda::MlpTrainer>(layout, loss, adam, noise, max_batch, penalty);
        size_t l = 0;
        for (const Layer* layer : gpu_chain_layers(chain)) {
            if (const auto* d = dynamic_cast<const Dense*>(layer)) {
                const Matrix W = d->W, b = d->b;  // contiguous row-major copies
                trainer->set_params(l++, W.data(), b.data());
            }
        }
    }

    void weights_to(const std::vector<Sequential*>& models) const {
        const GpuChain chain(models.begin(), models.end());
        if (gpu_layout_of(chain).sizes != layout.sizes) {
            throw ShapeError("GpuAutoencoder::weights_to: not the architecture it was built from");
        }
        size_t l = 0;
        for (Sequential* m : models) {
            for (size_t i = 0; i < m->size(); ++i) {
                if (auto* d = dynamic_cast<Dense*>(&(*m)[i])) {
                    trainer->get_params(l++, d->W.data(), d->b.data());
                }
            }
        }
    }
};

GpuAutoencoder::GpuAutoencoder(const Sequential& model, const GpuTrainConfig& c, int max_batch)
    : impl_(std::make_unique<Impl>()) {
    impl_->init({&model}, c, max_batch);
}

GpuAutoencoder::GpuAutoencoder(const Sequential& encoder, const Sequential& decoder,
                               const GpuTrainConfig& c, int max_batch)
    : impl_(std::make_unique<Impl>()) {
    impl_->init({&encoder, &decoder}, c, max_batch);
}

GpuAutoencoder::~GpuAutoencoder() = default;
GpuAutoencoder::GpuAutoencoder(GpuAutoencoder&&) noexcept = default;
GpuAutoencoder& GpuAutoencoder::operator=(GpuAutoencoder&&) noexcept = default;

double GpuAutoencoder::step(const Matrix& batch) {
    require_shape(batch, 0, static_cast<size_t>(impl_->layout.sizes.front()),
                  "GpuAutoencoder::step batch");
    return impl_->trainer->step_host(batch.data(), batch.shape()[0]);
}

void GpuAutoencoder::upload_data(const Matrix& x) {
    require_shape(x, 0, static_cast<size_t>(impl_->layout.sizes.front()),
                  "GpuAutoencoder::upload_data x");
    impl_->trainer->upload_data(x.data(), x.shape()[0]);
}

double GpuAutoencoder::epoch(const std::vector<size_t>& perm, int batch_size) {
    const std::vector<uint32_t> order(perm.begin(), perm.end());
    return impl_->trainer->run_epoch(order, batch_size, impl_->use_graph);
}

void GpuAutoencoder::weights_to(Sequential& model) const {
    impl_->weights_to({&model});
}
void GpuAutoencoder::weights_to(Sequential& encoder, Sequential& decoder) const {
    impl_->weights_to({&encoder, &decoder});
}

std::vector<Matrix> GpuAutoencoder::gradients() const {
    std::vector<Matrix> out;
    const auto& s = impl_->layout.sizes;
    for (size_t l = 0; l + 1 < s.size(); ++l) {
        Matrix dW({size_t(s[l]), size_t(s[l + 1])}), db({size_t{1}, size_t(s[l + 1])});
        impl_->trainer->get_grads(l, dW.data(), db.data());
        out.push_back(std::move(dW));
        out.push_back(std::move(db));
    }
    return out;
}

long GpuAutoencoder::launches_per_step() const {
    return impl_->trainer->launches_per_step();
}

namespace detail {

History gpu_fit_loop(size_t n, const FitOptions& o, float lr,
                     const std::function<double(const std::vector<size_t>&)>& run_epoch,
                     const std::function<void()>& sync_weights, const EpochFn& on_epoch_end) {
    Rng order_rng(o.seed);  // the same data order as ae::fit with this seed
    History history;
    for (int epoch = 1; epoch <= o.epochs; ++epoch) {
        Timer timer;
        EpochLog log;
        log.epoch = epoch;
        log.train_loss = run_epoch(order_rng.permutation(n));
        log.seconds = timer.seconds();
        if (!std::isfinite(log.train_loss)) {
            std::ostringstream s;
            s << o.name << " (GPU): loss is " << log.train_loss << " at epoch " << epoch
              << ": training diverged. Try a smaller learning rate (--lr " << lr / 10 << ").";
            throw TrainingDiverged(s.str());
        }
        if (on_epoch_end) {
            sync_weights();
            on_epoch_end(log);
        }
        history.epochs.push_back(log);
        if (o.verbose) {
            std::printf("%s epoch %3d/%d  train loss %.6g", o.name.c_str(), epoch, o.epochs,
                        log.train_loss);
            for (const auto& [k, v] : log.metrics) std::printf("  %s %.6g", k.c_str(), v);
            std::printf("  (%.3fs on the GPU)\n", log.seconds);
            std::fflush(stdout);
        }
    }
    sync_weights();
    return history;
}

void gpu_fit_checks(const Matrix& x, const FitOptions& o) {
    if (x.shape()[0] == 0) throw Error(o.name + ": no training examples");
    if (o.batch_size <= 0) throw Error(o.name + ": --batch-size must be positive");
}

}  // namespace detail

namespace {
// fit_autoencoder_gpu's loop: the data goes to the device once, then detail::gpu_fit_loop.
History autoencoder_fit_loop(GpuAutoencoder& gpu, const Matrix& x, const FitOptions& o, float lr,
                             const std::function<void()>& sync_weights,
                             const EpochFn& on_epoch_end) {
    gpu.upload_data(x);
    return detail::gpu_fit_loop(
        x.shape()[0], o, lr,
        [&](const std::vector<size_t>& perm) { return gpu.epoch(perm, o.batch_size); },
        sync_weights, on_epoch_end);
}
}  // namespace

History fit_autoencoder_gpu(Sequential& model, const Matrix& x, const FitOptions& o,
                            const GpuTrainConfig& config, const EpochFn& on_epoch_end) {
    detail::gpu_fit_checks(x, o);
    GpuTrainConfig c = config;
    c.noise_seed ^= o.seed;
    GpuAutoencoder gpu(model, c, o.batch_size);
    return autoencoder_fit_loop(
        gpu, x, o, config.lr, [&] { gpu.weights_to(model); }, on_epoch_end);
}

History fit_autoencoder_gpu(Sequential& encoder, Sequential& decoder, const Matrix& x,
                            const FitOptions& o, const GpuTrainConfig& config,
                            const EpochFn& on_epoch_end) {
    detail::gpu_fit_checks(x, o);
    GpuTrainConfig c = config;
    c.noise_seed ^= o.seed;
    GpuAutoencoder gpu(encoder, decoder, c, o.batch_size);
    return autoencoder_fit_loop(
        gpu, x, o, config.lr, [&] { gpu.weights_to(encoder, decoder); }, on_epoch_end);
}

#endif  // AE_HAVE_CUDA

}  // namespace ae
