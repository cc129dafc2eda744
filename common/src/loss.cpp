// MSE, BCE on logits, KL to N(0, I) (see ae/loss.hpp). Sums are accumulated in double.
#include "ae/loss.hpp"

#include <cmath>

#include "ae/error.hpp"

namespace ae {
namespace {
// The divisor of each reduction: all entries, or only the examples.
float divisor(const Matrix& m, Reduction r) {
    return static_cast<float>(r == Reduction::Mean ? m.size() : m.shape()[0]);
}
}  // namespace

Matrix sigmoid(const Matrix& z) {
    Matrix y(z.shape());
    for (size_t i = 0; i < z.size(); ++i) {
        const float v = z.data()[i];
        // Never exp of a large positive number: both branches only exponentiate -|v|.
        if (v >= 0.f) {
            y.data()[i] = 1.f / (1.f + std::exp(-v));
        } else {
            const float e = std::exp(v);
            y.data()[i] = e / (1.f + e);
        }
    }
    return y;
}

LossValue mse_loss(const Matrix& pred, const Matrix& target, Reduction r) {
    require_shape(target, pred.shape()[0], pred.shape()[1], "mse_loss: target vs prediction " + shape_str(pred));
    LossValue out;
    out.grad = Matrix(pred.shape());
    const float scale = 2.f / divisor(pred, r);
    double sum = 0;
    for (size_t i = 0; i < pred.size(); ++i) {
        const float e = pred.data()[i] - target.data()[i];
        sum += static_cast<double>(e) * e;
        out.grad.data()[i] = scale * e;
    }
    out.value = sum / divisor(pred, r);
    return out;
}

LossValue bce_with_logits_loss(const Matrix& logits, const Matrix& target, Reduction r) {
    require_shape(target, logits.shape()[0], logits.shape()[1],
                  "bce_with_logits_loss: target vs logits " + shape_str(logits));
    LossValue out;
    out.grad = sigmoid(logits);
    const float scale = 1.f / divisor(logits, r);
    double sum = 0;
    for (size_t i = 0; i < logits.size(); ++i) {
        const float z = logits.data()[i], t = target.data()[i];
        sum += std::max(z, 0.f) - z * t + std::log1p(std::exp(-std::abs(z)));
        out.grad.data()[i] = scale * (out.grad.data()[i] - t);
    }
    out.value = sum / divisor(logits, r);
    return out;
}

KlValue kl_standard_normal(const Matrix& mu, const Matrix& logvar) {
    require_shape(logvar, mu.shape()[0], mu.shape()[1], "kl_standard_normal: logvar vs mu " + shape_str(mu));
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
