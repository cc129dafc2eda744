// The bridge from lesson 05's VAE (four ae::Sequential parts) to the CUDA VAE trainer (see
// ae/gpu_vae.hpp); ae::train for the VAE, which uses it, is in training.cpp. Compiled in every
// build; without CUDA (AE_HAVE_CUDA undefined) the GPU calls throw a clear ae::Error. Names are
// distinctive: common/src is unity-built.
#include "ae/gpu_vae.hpp"

#include "ae/device.hpp"
#include "ae/error.hpp"

#ifdef AE_HAVE_CUDA
#include "ae/cuda/vae.hpp"
#endif

namespace ae {

#ifndef AE_HAVE_CUDA

struct GpuVae::Impl {};
GpuVae::GpuVae(const VaeParts&, float, const OptimizerSpec&, int, uint64_t) {
    gpu_not_built("GpuVae");
}
GpuVae::~GpuVae() = default;
GpuVae::GpuVae(GpuVae&&) noexcept = default;
GpuVae& GpuVae::operator=(GpuVae&&) noexcept = default;
double GpuVae::step(const Matrix&, const Matrix*) {
    gpu_not_built("GpuVae::step");
}
void GpuVae::upload_data(const Matrix&) {
    gpu_not_built("GpuVae::upload_data");
}
double GpuVae::epoch(const std::vector<size_t>&, int) {
    gpu_not_built("GpuVae::epoch");
}
void GpuVae::weights_to(const VaeParts&) const {
    gpu_not_built("GpuVae::weights_to");
}
std::vector<Matrix> GpuVae::gradients() const {
    gpu_not_built("GpuVae::gradients");
}

#else  // AE_HAVE_CUDA

namespace {
// The five Dense layers of a VAE in l05::Vae::params() order, checked against the layout the
// CUDA trainer runs (ReLU after the trunk and after the decoder's first layer, nothing else).
std::vector<Dense*> gpu_vae_dense_layers(const VaeParts& p) {
    if (!p.trunk || !p.mu || !p.logvar || !p.decoder) throw Error("GpuVae: a part is missing");
    auto dense_at = [](Sequential& s, size_t i, const char* part) -> Dense& {
        auto* d = i < s.size() ? dynamic_cast<Dense*>(&s[i]) : nullptr;
        if (!d)
            throw Error(std::string("GpuVae: ") + part + " layer " + std::to_string(i) +
                        " must be Dense (the lesson 05 architecture); use --device cpu");
        return *d;
    };
    auto relu_at = [](Sequential& s, size_t i, const char* part) {
        if (i >= s.size() || !dynamic_cast<ReLU*>(&s[i]))
            throw Error(std::string("GpuVae: ") + part + " layer " + std::to_string(i) +
                        " must be ReLU (the lesson 05 architecture); use --device cpu");
    };
    relu_at(*p.trunk, 1, "trunk");
    relu_at(*p.decoder, 1, "decoder");
    if (p.trunk->size() != 2 || p.mu->size() != 1 || p.logvar->size() != 1 ||
        p.decoder->size() != 3)
        throw Error("GpuVae: not the lesson 05 architecture; use --device cpu");
    return {&dense_at(*p.trunk, 0, "trunk"), &dense_at(*p.mu, 0, "mu"),
            &dense_at(*p.logvar, 0, "logvar"), &dense_at(*p.decoder, 0, "decoder"),
            &dense_at(*p.decoder, 2, "decoder")};
}

cuda::VaeShape gpu_vae_shape(const std::vector<Dense*>& l) {
    const cuda::VaeShape s{int(l[0]->in()), int(l[0]->out()), int(l[1]->out())};
    const bool ok = l[1]->in() == l[0]->out() && l[2]->in() == l[0]->out() &&
                    l[2]->out() == l[1]->out() && l[3]->in() == l[1]->out() &&
                    l[3]->out() == l[0]->out() && l[4]->in() == l[0]->out() &&
                    l[4]->out() == l[0]->in();
    if (!ok) throw ShapeError("GpuVae: the layer sizes do not chain as D-H-(Z, Z)-H-D");
    return s;
}
}  // namespace

struct GpuVae::Impl {
    cuda::VaeShape shape;
    std::unique_ptr<cuda::VaeTrainer> trainer;
};

GpuVae::GpuVae(const VaeParts& parts, float beta, const OptimizerSpec& optimizer, int max_batch,
               uint64_t seed)
    : impl_(std::make_unique<Impl>()) {
    if (!cuda_available()) {
        throw Error("GpuVae: " + cuda_device_summary() + ".\n  Or train on the CPU: --device cpu.");
    }
    const std::vector<Dense*> layers = gpu_vae_dense_layers(parts);
    impl_->shape = gpu_vae_shape(layers);
    impl_->trainer =
        std::make_unique<cuda::VaeTrainer>(impl_->shape, beta, optimizer, seed, max_batch);
    for (size_t l = 0; l < layers.size(); ++l) {
        const Matrix W = layers[l]->W, b = layers[l]->b;  // contiguous row-major copies
        impl_->trainer->set_param(2 * l, W.data());
        impl_->trainer->set_param(2 * l + 1, b.data());
    }
}

GpuVae::~GpuVae() = default;
GpuVae::GpuVae(GpuVae&&) noexcept = default;
GpuVae& GpuVae::operator=(GpuVae&&) noexcept = default;

double GpuVae::step(const Matrix& batch, const Matrix* eps) {
    require_shape(batch, 0, size_t(impl_->shape.d), "GpuVae::step batch");
    if (eps) require_shape(*eps, batch.shape()[0], size_t(impl_->shape.z), "GpuVae::step eps");
    const Matrix e = eps ? Matrix(*eps) : Matrix();  // contiguous
    return impl_->trainer->step_host(batch.data(), batch.shape()[0], eps ? e.data() : nullptr);
}

void GpuVae::upload_data(const Matrix& x) {
    require_shape(x, 0, size_t(impl_->shape.d), "GpuVae::upload_data x");
    impl_->trainer->upload_data(x.data(), x.shape()[0]);
}

double GpuVae::epoch(const std::vector<size_t>& perm, int batch_size) {
    const std::vector<uint32_t> order(perm.begin(), perm.end());
    return impl_->trainer->run_epoch(order, batch_size);
}

void GpuVae::weights_to(const VaeParts& parts) const {
    const std::vector<Dense*> layers = gpu_vae_dense_layers(parts);
    const cuda::VaeShape s = gpu_vae_shape(layers);
    if (s.d != impl_->shape.d || s.h != impl_->shape.h || s.z != impl_->shape.z)
        throw ShapeError("GpuVae::weights_to: not the sizes it was built from");
    for (size_t l = 0; l < layers.size(); ++l) {
        impl_->trainer->get_param(2 * l, layers[l]->W.data());
        impl_->trainer->get_param(2 * l + 1, layers[l]->b.data());
    }
}

std::vector<Matrix> GpuVae::gradients() const {
    const cuda::VaeShape s = impl_->shape;
    const size_t ins[] = {size_t(s.d), size_t(s.h), size_t(s.h), size_t(s.z), size_t(s.h)};
    std::vector<Matrix> out;
    for (size_t k = 0; k < cuda::VaeTrainer::kTensors; ++k) {
        const size_t n = impl_->trainer->tensor_size(k);
        Matrix g = k % 2 == 0 ? Matrix({ins[k / 2], n / ins[k / 2]}) : Matrix({size_t{1}, n});
        impl_->trainer->get_grad(k, g.data());
        out.push_back(std::move(g));
    }
    return out;
}

#endif  // AE_HAVE_CUDA

}  // namespace ae
