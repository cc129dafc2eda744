// SGD with momentum and Adam (see ae/optim.hpp), split over the cores for big parameters
// (simd.hpp). SGD is a plain loop of its update rule (locals, not members, so it can vectorise);
// Adam runs the same rule in xsimd batches (detail::adam_update_simd: GCC does not vectorise the
// plain loop, ae/optim.hpp), with detail::adam_update_plain as the reference and for the tail.
#include "ae/optim.hpp"

#include <cmath>
#include <xsimd/xsimd.hpp>

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

namespace detail {

void adam_update_plain(const AdamStep& k, float* w, const float* g, float* m, float* v, size_t n) {
    for (size_t i = 0; i < n; ++i) {
        const float m_i = k.b1 * m[i] + (1.f - k.b1) * g[i];         // first moment
        const float v_i = k.b2 * v[i] + (1.f - k.b2) * g[i] * g[i];  // second moment
        const float m_hat = m_i / k.c1, v_hat = v_i / k.c2;          // bias corrected
        w[i] -= k.rate * (m_hat / (std::sqrt(v_hat) + k.eps) + k.decay * w[i]);
        m[i] = m_i;
        v[i] = v_i;
    }
}

void adam_update_simd(const AdamStep& k, float* w, const float* g, float* m, float* v, size_t n) {
    using B = xsimd::batch<float>;
    size_t i = 0;
    for (; i + B::size <= n; i += B::size) {
        const B g_i = B::load_unaligned(g + i);
        const B m_i = B(k.b1) * B::load_unaligned(m + i) + B(1.f - k.b1) * g_i;
        const B v_i = B(k.b2) * B::load_unaligned(v + i) + B(1.f - k.b2) * g_i * g_i;
        const B m_hat = m_i / B(k.c1), v_hat = v_i / B(k.c2);
        const B w_i = B::load_unaligned(w + i);
        (w_i - B(k.rate) * (m_hat / (xsimd::sqrt(v_hat) + B(k.eps)) + B(k.decay) * w_i))
            .store_unaligned(w + i);
        m_i.store_unaligned(m + i);
        v_i.store_unaligned(v + i);
    }
    adam_update_plain(k, w + i, g + i, m + i, v + i, n - i);  // the last n % B::size entries
}

}  // namespace detail

void Adam::step(const std::vector<Param>& params) {
    ++t_;
    const detail::AdamStep k{beta1,
                             beta2,
                             1.f - std::pow(beta1, static_cast<float>(t_)),  // bias corrections
                             1.f - std::pow(beta2, static_cast<float>(t_)),
                             lr,
                             eps,
                             weight_decay};
    for (const auto& p : params) {
        check(p);
        float* w = p.value->data();
        const float* g = p.grad->data();
        float* m = state(m_, p).data();
        float* v = state(v_, p).data();
        parallel::parallel_for(p.value->size(), [&](size_t begin, size_t end) {
            detail::adam_update_simd(k, w + begin, g + begin, m + begin, v + begin, end - begin);
        });
    }
}

}  // namespace ae
