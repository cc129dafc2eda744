// MSE, BCE on logits, KL to N(0, I) (see ae/loss.hpp). Elementwise work is vectorised with
// xsimd (simd.hpp); sums add in float within blocks of 1024 entries and in double across blocks.
#include "ae/loss.hpp"

#include <cmath>

#include "ae/error.hpp"
#include "simd.hpp"

namespace ae {
namespace {
// The divisor of each reduction: all entries, or only the examples.
float divisor(const Matrix& m, Reduction r) {
    return static_cast<float>(r == Reduction::Mean ? m.size() : m.shape()[0]);
}
}  // namespace

Matrix sigmoid(const Matrix& z) {
    Matrix y(z.shape());
    const float* in = z.data();
    float* out = y.data();
    simd::for_each(z.size(), [&](size_t i, auto t) {
        using T = decltype(t);
        const T v = simd::load<T>(in + i);
        // Only exp(-|v|) <= 1 is formed: no overflow, and e / (1 + e) keeps the tiny values of
        // very negative v accurate (1 / (1 + exp(-v)) would round them to 0).
        const T e = xsimd::exp(-xsimd::abs(v));
        simd::store(out + i, simd::pick(v >= T(0.f), T(1.f), e) / (T(1.f) + e));
    });
    return y;
}

LossValue mse_loss(const Matrix& pred, const Matrix& target, Reduction r) {
    require_shape(target, pred.shape()[0], pred.shape()[1],
                  "mse_loss: target vs prediction " + shape_str(pred));
    LossValue out;
    out.grad = Matrix(pred.shape());
    const float scale = 2.f / divisor(pred, r);
    const float *p = pred.data(), *t = target.data();
    float* g = out.grad.data();
    const double sum = simd::sum(pred.size(), [&](size_t i, auto tag) {
        using T = decltype(tag);
        const T e = simd::load<T>(p + i) - simd::load<T>(t + i);
        simd::store(g + i, T(scale) * e);
        return e * e;
    });
    out.value = sum / divisor(pred, r);
    return out;
}

LossValue bce_with_logits_loss(const Matrix& logits, const Matrix& target, Reduction r) {
    require_shape(target, logits.shape()[0], logits.shape()[1],
                  "bce_with_logits_loss: target vs logits " + shape_str(logits));
    LossValue out;
    out.grad = Matrix(logits.shape());
    const float scale = 1.f / divisor(logits, r);
    const float *zp = logits.data(), *tp = target.data();
    float* g = out.grad.data();
    const double sum = simd::sum(logits.size(), [&](size_t i, auto tag) {
        using T = decltype(tag);
        const T z = simd::load<T>(zp + i), t = simd::load<T>(tp + i);
        const T e = xsimd::exp(-xsimd::abs(z));  // <= 1: neither term below can overflow
        const T s = simd::pick(z >= T(0.f), T(1.f), e) / (T(1.f) + e);  // sigmoid(z)
        simd::store(g + i, T(scale) * (s - t));
        return xsimd::max(z, T(0.f)) - z * t + xsimd::log1p(e);
    });
    out.value = sum / divisor(logits, r);
    return out;
}

KlValue kl_standard_normal(const Matrix& mu, const Matrix& logvar) {
    require_shape(logvar, mu.shape()[0], mu.shape()[1],
                  "kl_standard_normal: logvar vs mu " + shape_str(mu));
    const size_t n = mu.shape()[0];
    KlValue out;
    out.grad_mu = Matrix(mu.shape());
    out.grad_logvar = Matrix(mu.shape());
    const float inv_n = 1.f / static_cast<float>(n);
    double sum = 0;
    for (size_t i = 0; i < mu.size(); ++i) {
        const float m = mu.data()[i], lv = logvar.data()[i], v = std::exp(lv);
        sum += 0.5 * (static_cast<double>(m) * m + v - 1.0 - lv);
        out.grad_mu.data()[i] = inv_n * m;
        out.grad_logvar.data()[i] = inv_n * 0.5f * (v - 1.f);
    }
    out.value = sum / static_cast<double>(n);
    return out;
}

}  // namespace ae
