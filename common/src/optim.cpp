// SGD with momentum and Adam (see ae/optim.hpp), each a plain loop of its update rule, split over
// the cores for big parameters (simd.hpp). The loops vectorise (-fopt-info-vec; sqrt needs
// -fno-math-errno, set in CMakeLists.txt).
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
    const float rate = lr, decay = weight_decay, mu = momentum;
    for (const auto& p : params) {
        check(p);
        float* w = p.value->data();
        const float* g = p.grad->data();
        if (mu == 0.f) {
            parallel::parallel_for(p.value->size(), [&](size_t begin, size_t end) {
                for (size_t i = begin; i < end; ++i) w[i] -= rate * (g[i] + decay * w[i]);
            });
            continue;
        }
        float* v = state(velocity_, p).data();
        parallel::parallel_for(p.value->size(), [&](size_t begin, size_t end) {
            for (size_t i = begin; i < end; ++i) {
                const float v_i = mu * v[i] + g[i];  // velocity
                w[i] -= rate * (v_i + decay * w[i]);
                v[i] = v_i;
            }
        });
    }
}

Adam::Adam(float lr_, float beta1_, float beta2_, float eps_, float weight_decay_)
    : beta1(beta1_), beta2(beta2_), eps(eps_) {
    lr = lr_;
    weight_decay = weight_decay_;
}

void Adam::step(const std::vector<Param>& params) {
    ++t_;
    // Kingma & Ba, Algorithm 1, with decoupled weight decay (Loshchilov & Hutter, AdamW).
    const float c1 = 1.f - std::pow(beta1, static_cast<float>(t_));  // bias corrections
    const float c2 = 1.f - std::pow(beta2, static_cast<float>(t_));
    const float b1 = beta1, b2 = beta2, rate = lr, e = eps, decay = weight_decay;  // see Sgd
    for (const auto& p : params) {
        check(p);
        float* w = p.value->data();
        const float* g = p.grad->data();
        float* m = state(m_, p).data();
        float* v = state(v_, p).data();
        // One pass, each entry of w, g, m, v read once; m and v are stored last, after w: stored
        // first they would be read back, at 4x the time (m and v may alias w for the compiler).
        parallel::parallel_for(p.value->size(), [&](size_t begin, size_t end) {
            for (size_t i = begin; i < end; ++i) {
                const float m_i = b1 * m[i] + (1.f - b1) * g[i];         // first moment
                const float v_i = b2 * v[i] + (1.f - b2) * g[i] * g[i];  // second moment
                const float m_hat = m_i / c1, v_hat = v_i / c2;
                w[i] -= rate * (m_hat / (std::sqrt(v_hat) + e) + decay * w[i]);
                m[i] = m_i;
                v[i] = v_i;
            }
        });
    }
}

}  // namespace ae
