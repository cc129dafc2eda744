// Lesson 09, the reference solution: softmax cross-entropy, patch masking and the masked
// reconstruction loss, freezing, and the classifier's training step.
// Tested by: ./workshop test 09 (test_solution_09)
#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "ae/error.hpp"
#include "exercise.hpp"

namespace ae::l09 {

LossValue softmax_cross_entropy(const Matrix& logits, const Labels& labels) {
    const size_t n = logits.shape()[0], c = logits.shape()[1];
    if (labels.size() != n)
        throw ShapeError("softmax_cross_entropy: " + std::to_string(labels.size()) +
                         " labels for " + std::to_string(n) + " rows of logits");
    LossValue out{0.0, Matrix({n, c})};
    double total = 0;
    for (size_t i = 0; i < n; ++i) {
        const int y = labels[i];
        if (y < 0 || size_t(y) >= c)
            throw Error("softmax_cross_entropy: label " + std::to_string(y) + " of row " +
                        std::to_string(i) + " is outside [0, " + std::to_string(c) + ")");
        // Subtracting the row's largest logit keeps every exp in (0, 1]: no overflow.
        double m = logits(i, 0);
        for (size_t j = 1; j < c; ++j) m = std::max(m, double(logits(i, j)));
        double z = 0;
        for (size_t j = 0; j < c; ++j) z += std::exp(double(logits(i, j)) - m);
        const double log_z = m + std::log(z);
        total += log_z - double(logits(i, size_t(y)));
        for (size_t j = 0; j < c; ++j) {
            const double p = std::exp(double(logits(i, j)) - log_z);
            out.grad(i, j) = float((p - (size_t(y) == j ? 1.0 : 0.0)) / double(n));
        }
    }
    out.value = total / double(n);
    return out;
}

Matrix patch_mask(size_t n, size_t side, size_t patch, float fraction, Rng& rng) {
    if (!(fraction > 0.f && fraction < 1.f))
        throw Error("patch_mask: the mask fraction must be in (0, 1), got " +
                    std::to_string(fraction));
    if (patch == 0 || side % patch != 0)
        throw Error("patch_mask: the patch size " + std::to_string(patch) +
                    " does not divide the image side " + std::to_string(side));
    const size_t per_side = side / patch, patches = per_side * per_side;
    const size_t k = size_t(std::lround(double(fraction) * double(patches)));
    Matrix mask = xt::zeros<float>({n, side * side});
    std::vector<size_t> order(patches);
    for (size_t i = 0; i < n; ++i) {
        std::iota(order.begin(), order.end(), size_t(0));
        // A partial Fisher-Yates shuffle: the first k entries are k distinct patches.
        for (size_t j = 0; j < k; ++j) std::swap(order[j], order[j + rng.index(patches - j)]);
        for (size_t j = 0; j < k; ++j) {
            const size_t py = order[j] / per_side, px = order[j] % per_side;
            for (size_t y = py * patch; y < (py + 1) * patch; ++y)
                for (size_t x = px * patch; x < (px + 1) * patch; ++x) mask(i, y * side + x) = 1.f;
        }
    }
    return mask;
}

LossValue masked_mse(const Matrix& pred, const Matrix& target, const Matrix& mask) {
    if (pred.shape() != target.shape() || pred.shape() != mask.shape())
        throw ShapeError("masked_mse: pred " + shape_str(pred) + ", target " + shape_str(target) +
                         " and mask " + shape_str(mask) + " must have the same shape");
    const double m = xt::sum(mask, xt::evaluation_strategy::immediate)();
    LossValue out{0.0, xt::zeros<float>(pred.shape())};
    if (m == 0) return out;
    const Matrix diff = (pred - target) * mask;
    out.value = double(xt::sum(diff * diff, xt::evaluation_strategy::immediate)()) / m;
    out.grad = diff * float(2.0 / m);
    return out;
}

std::vector<Param> trainable_params(Classifier& model) {
    std::vector<Param> p = model.frozen ? std::vector<Param>{} : model.encoder_params();
    for (const Param& h : model.head_params()) p.push_back(h);
    return p;
}

double classifier_step(Classifier& model, const Matrix& x, const Labels& y, Optimizer& encoder_opt,
                       Optimizer& head_opt) {
    zero_grad(trainable_params(model));
    const Matrix codes = model.encoder.forward(x);
    const LossValue loss = softmax_cross_entropy(model.head.forward(codes), y);
    if (model.frozen) {
        model.head.backward_params_only(loss.grad);  // nothing below the head learns
    } else {
        model.encoder.backward_params_only(model.head.backward(loss.grad));
        encoder_opt.step(model.encoder_params());
    }
    head_opt.step(model.head_params());
    return loss.value;
}

}  // namespace ae::l09
