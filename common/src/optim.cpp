// SGD with momentum and Adam (see ae/optim.hpp).
#include "ae/optim.hpp"

#include <cmath>

#include "ae/error.hpp"

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
    for (const auto& p : params) {
        check(p);
        float* w = p.value->data();
        const float* g = p.grad->data();
        const size_t n = p.value->size();
        if (weight_decay != 0.f) {
            for (size_t i = 0; i < n; ++i) w[i] -= lr * weight_decay * w[i];
        }
        if (momentum == 0.f) {
            for (size_t i = 0; i < n; ++i) w[i] -= lr * g[i];
            continue;
        }
        float* v = state(velocity_, p).data();
        for (size_t i = 0; i < n; ++i) {
            v[i] = momentum * v[i] + g[i];
            w[i] -= lr * v[i];
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
    for (const auto& p : params) {
        check(p);
        float* w = p.value->data();
        const float* g = p.grad->data();
        float* m = state(m_, p).data();
        float* v = state(v_, p).data();
        const size_t n = p.value->size();
        for (size_t i = 0; i < n; ++i) {
            if (weight_decay != 0.f) w[i] -= lr * weight_decay * w[i];  // AdamW, decoupled
            m[i] = beta1 * m[i] + (1.f - beta1) * g[i];
            v[i] = beta2 * v[i] + (1.f - beta2) * g[i] * g[i];
            w[i] -= step * m[i] / (std::sqrt(v[i]) + eps_hat);
        }
    }
}

}  // namespace ae
