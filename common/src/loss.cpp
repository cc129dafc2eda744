// MSE, BCE on logits, KL to N(0, I) (see ae/loss.hpp). Each formula is written twice, side by
// side: the plain twin (namespace plain, plain.hpp: one loop or expression, summed in double),
// and the fast version the library runs, which gives the same values (tests/common_loss.cpp)
// split over the cores for big matrices, its sums in float within blocks of 1024 entries and in
// double across blocks (simd.hpp).
#include "ae/loss.hpp"

#include <cmath>
#include <string>
#include <xtensor/xmath.hpp>
#include <xtensor/xnoalias.hpp>

#include "ae/error.hpp"
#include "plain.hpp"
#include "simd.hpp"

namespace ae {
namespace {
// The divisor of each reduction: all entries, or only the examples.
float divisor(const Matrix& m, Reduction r) {
    return static_cast<float>(r == Reduction::Mean ? m.size() : m.shape()[0]);
}

// The frame of a fast loss: the shapes checked, then one pass over blocks of entries, split over
// the cores, in which f(begin, end, scale, grad, terms) writes the gradient (times scale, which
// is grad_factor / divisor) and the loss's terms; the value is their sum / divisor.
template <class F>
LossValue blockwise_loss(const std::string& what, const Matrix& pred, const Matrix& target,
                         Reduction r, float grad_factor, F&& f) {
    require_shape(target, pred.shape()[0], pred.shape()[1], what + " " + shape_str(pred));
    const float div = divisor(pred, r), scale = grad_factor / div;
    LossValue out;
    out.grad = Matrix(pred.shape());
    const auto block = [&](size_t begin, size_t end, float* terms) {
        f(begin, end, scale, out.grad, terms);
    };
    out.value = parallel::block_sums(pred.size(), block) / div;
    return out;
}
}  // namespace

Matrix plain::sigmoid(const Matrix& z) {
    // Only e = exp(-|z|) <= 1 is formed: no overflow, and e / (1 + e) keeps the tiny values of
    // very negative z accurate (1 / (1 + exp(-z)) would round them to 0).
    const Matrix e = xt::exp(-xt::abs(z));
    return xt::where(z >= 0.f, 1.f, e) / (1.f + e);
}

// Fast: plain::sigmoid on chunks of the matrix, split over the cores.
Matrix sigmoid(const Matrix& z) {
    Matrix y(z.shape());
    parallel::parallel_for(z.size(), [&](size_t begin, size_t end) {
        const auto x = parallel::span(z, begin, end);
        auto e = parallel::span(y, begin, end);  // first e, then sigmoid, in y's memory
        xt::noalias(e) = xt::exp(-xt::abs(x));
        xt::noalias(e) = xt::where(x >= 0.f, 1.f, e) / (1.f + e);
    });
    return y;
}

LossValue plain::mse_loss(const Matrix& pred, const Matrix& target, Reduction r) {
    // value = sum (p - t)^2 / divisor, grad = 2 (p - t) / divisor
    const float div = divisor(pred, r);
    LossValue out;
    out.grad = 2.f * (pred - target) / div;
    const auto p = xt::cast<double>(pred), t = xt::cast<double>(target);
    out.value = xt::sum(xt::square(p - t))() / div;
    return out;
}

// Fast: one pass writes the gradient and the squares, block by block, split over the cores.
LossValue mse_loss(const Matrix& pred, const Matrix& target, Reduction r) {
    const float *p = pred.data(), *t = target.data();
    const auto squares = [&](size_t begin, size_t end, float scale, Matrix& grad, float* sq) {
        float* g = grad.data();
        for (size_t i = begin; i < end; ++i) {
            const float e = p[i] - t[i];
            g[i] = scale * e;
            sq[i - begin] = e * e;
        }
    };
    return blockwise_loss("mse_loss: target vs prediction", pred, target, r, 2.f, squares);
}

double mean_squared_error(const Matrix& pred, const Matrix& target) {
    double sum = 0;
    for (size_t i = 0; i < target.size(); ++i) {
        const double e = double(pred.data()[i]) - double(target.data()[i]);
        sum += e * e;
    }
    return sum / double(target.size());
}

LossValue plain::bce_with_logits_loss(const Matrix& logits, const Matrix& target, Reduction r) {
    // value = sum [max(z, 0) - z t + log(1 + exp(-|z|))] / divisor, grad = (sigmoid(z) - t) /
    // divisor (here, not in loss.hpp: lesson 05's stub includes that header, and this is its
    // step 3)
    const float div = divisor(logits, r);
    LossValue out;
    out.grad = (plain::sigmoid(logits) - target) / div;
    const auto z = xt::cast<double>(logits), t = xt::cast<double>(target);
    out.value = xt::sum(xt::maximum(z, 0.0) - z * t + xt::log1p(xt::exp(-xt::abs(z))))() / div;
    return out;
}

// Fast: one pass writes the gradient and the terms, block by block, split over the cores.
LossValue bce_with_logits_loss(const Matrix& logits, const Matrix& target, Reduction r) {
    const auto terms = [&](size_t begin, size_t end, float scale, Matrix& grad, float* terms_out) {
        const auto z = parallel::span(logits, begin, end), t = parallel::span(target, begin, end);
        auto g = parallel::span(grad, begin, end);
        auto l = parallel::span(terms_out, end - begin);
        xt::noalias(g) = xt::exp(-xt::abs(z));  // e <= 1: neither term below can overflow
        // Two statements: as one expression xtensor evaluates it element by element, 8x slower.
        xt::noalias(l) = xt::log1p(g);
        xt::noalias(l) += xt::maximum(z, 0.f) - z * t;
        xt::noalias(g) = scale * (xt::where(z >= 0.f, 1.f, g) / (1.f + g) - t);  // sigmoid(z) - t
    };
    return blockwise_loss("bce_with_logits_loss: target vs logits", logits, target, r, 1.f, terms);
}

// KL = 1/2 sum_z (mu^2 + exp(logvar) - 1 - logvar) per example; kept out of loss.hpp, which
// lesson 05's stub includes, since deriving it is that lesson's step 2.
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
