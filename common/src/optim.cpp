// SGD with momentum and Adam (see ae/optim.hpp).
#include "ae/optim.hpp"

#include <cmath>

#include "ae/error.hpp"
#include "simd.hpp"

namespace ae {

void zero_grad(const std::vector<Param>& params) {
    for (const auto& p : params) std::fill(p.grad->begin(), p.grad->end(), 0.f);
}

namespace {
void check(const Param& p) {
    if (p.value->shape() != p.grad->shape()) {
        throw ShapeError("optimizer: parameter " + p.name + " is " + shape_str(*p.value) +
                         " but its gradient is " + shape_str(*p.grad));
    }
}
// State matrices are created lazily, zero, with the parameter's shape.
Matrix& state(std::map<const Matrix*, Matrix>& m, const Param& p) {
    auto it = m.find(p.value);
    if (it == m.end() || it->second.shape() != p.value->shape()) {
        it = m.insert_or_assign(p.value, Matrix(xt::zeros<float>(p.value->shape()))).first;
    }
    return it->second;
}
}  // namespace

Sgd::Sgd(float lr_, float momentum_, float weight_decay_) : momentum(momentum_) {
    lr = lr_;
    weight_decay = weight_decay_;
}

void Sgd::step(const std::vector<Param>& params) {
    // Locals, not members, in the loops: a float* store could alias a member, which would stop
    // the compiler from vectorising.
    const float rate = lr, keep = 1.f - lr * weight_decay, mu = momentum;
    for (const auto& p : params) {
        check(p);
        float* w = p.value->data();
        const float* g = p.grad->data();
        const size_t n = p.value->size();
        if (mu == 0.f) {
            for (size_t i = 0; i < n; ++i) w[i] = keep * w[i] - rate * g[i];
            continue;
        }
        float* v = state(velocity_, p).data();
        for (size_t i = 0; i < n; ++i) {
            v[i] = mu * v[i] + g[i];
            w[i] = keep * w[i] - rate * v[i];
        }
    }
}

Adam::Adam(float lr_, float beta1_, float beta2_, float eps_, float weight_decay_)
    : beta1(beta1_), beta2(beta2_), eps(eps_) {
    lr = lr_;
    weight_decay = weight_decay_;
}

void Adam::step(const std::vector<Param>& params) {
    ++t_;
    // Bias correction folded into the step size (Kingma & Ba, Algorithm 1, last lines).
    const float c1 = 1.f - std::pow(beta1, static_cast<float>(t_));
    const float c2 = 1.f - std::pow(beta2, static_cast<float>(t_));
    const float step = lr * std::sqrt(c2) / c1;
    const float eps_hat = eps * std::sqrt(c2);
    // Decoupled weight decay (AdamW) folded into one factor: w <- w (1 - lr wd) - step m / ...
    const float keep = 1.f - lr * weight_decay;
    const float b1 = beta1, b2 = beta2;
    for (const auto& p : params) {
        check(p);
        float* w = p.value->data();
        const float* g = p.grad->data();
        float* m = state(m_, p).data();
        float* v = state(v_, p).data();
        // One fused, vectorised pass (sqrt and division stop GCC's own vectoriser): each entry
        // of w, g, m, v is read once, which matters for the 784 x 256 layers.
        simd::for_each(p.value->size(), [&](size_t i, auto t) {
            using T = decltype(t);
            const T gi = simd::load<T>(g + i);
            const T mi = T(b1) * simd::load<T>(m + i) + T(1.f - b1) * gi;
            const T vi = T(b2) * simd::load<T>(v + i) + T(1.f - b2) * gi * gi;
            simd::store(m + i, mi);
            simd::store(v + i, vi);
            simd::store(w + i, T(keep) * simd::load<T>(w + i) -
                                   T(step) * mi / (xsimd::sqrt(vi) + T(eps_hat)));
        });
    }
}

}  // namespace ae
