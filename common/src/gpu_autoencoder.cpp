// The bridge from ae::Sequential to the CUDA trainer of MLP autoencoders in common/cuda
// (GpuAutoencoder, ae/device.hpp). Compiled in every build; without CUDA (AE_HAVE_CUDA
// undefined) every call throws a clear ae::Error. Names are distinctive: unity build.
#include <memory>
#include <string>
#include <vector>

#include "ae/device.hpp"
#include "ae/error.hpp"

#ifdef AE_HAVE_CUDA
#include "ae/cuda/mlp.hpp"
#endif

namespace ae {

// ---------------------------------------------------------------- the GPU trainer

#ifndef AE_HAVE_CUDA

struct GpuAutoencoder::Impl {};
GpuAutoencoder::GpuAutoencoder(const Sequential&, const Objective&, const OptimizerSpec&, int,
                               uint64_t, bool) {
    gpu_not_built("GpuAutoencoder");
}
GpuAutoencoder::GpuAutoencoder(const Sequential&, const Sequential&, const Objective&,
                               const OptimizerSpec&, int, uint64_t, bool) {
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

#else  // AE_HAVE_CUDA

namespace {
// Throws ae::Error saying why the GPU cannot train, and what to do.
void require_usable_gpu(const std::string& who) {
    const GpuStatus& s = gpu_status();
    if (s.state == GpuState::Ready) return;
    throw Error(who + ": " + gpu_status_text(s, true) + "\n  Or train on the CPU: --device cpu.");
}

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

    void init(const GpuChain& chain, const Objective& objective, const OptimizerSpec& optimizer,
              int max_batch, uint64_t seed, bool graph) {
        require_usable_gpu("GpuAutoencoder");
        layout = gpu_layout_of(chain);
        use_graph = graph;
        trainer = std::make_unique<cuda::MlpTrainer>(layout, objective, optimizer, seed, max_batch);
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

GpuAutoencoder::GpuAutoencoder(const Sequential& model, const Objective& objective,
                               const OptimizerSpec& optimizer, int max_batch, uint64_t seed,
                               bool use_graph)
    : impl_(std::make_unique<Impl>()) {
    impl_->init({&model}, objective, optimizer, max_batch, seed, use_graph);
}

GpuAutoencoder::GpuAutoencoder(const Sequential& encoder, const Sequential& decoder,
                               const Objective& objective, const OptimizerSpec& optimizer,
                               int max_batch, uint64_t seed, bool use_graph)
    : impl_(std::make_unique<Impl>()) {
    impl_->init({&encoder, &decoder}, objective, optimizer, max_batch, seed, use_graph);
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

#endif  // AE_HAVE_CUDA

}  // namespace ae
