// Lesson 04, reference solution: the L1 and KL sparsity penalties on the code and the contractive
// penalty of a one-layer sigmoid encoder, each with its hand-derived gradient.
// Run the tests against it: build-dir/bin/test_solution_04
#include <algorithm>
#include <cmath>

#include "ae/error.hpp"
#include "ae/linalg.hpp"
#include "exercise.hpp"

namespace ae::l04 {

LossValue l1_penalty(const Matrix& h) {
    const float inv_n = 1.f / static_cast<float>(h.shape()[0]);
    LossValue p;
    p.grad = Matrix(h.shape());
    double sum = 0;
    for (size_t i = 0; i < h.size(); ++i) {
        const float v = h.data()[i];
        sum += std::abs(v);
        p.grad.data()[i] = inv_n * static_cast<float>((v > 0.f) - (v < 0.f));
    }
    p.value = sum * inv_n;
    return p;
}

LossValue kl_sparsity_penalty(const Matrix& h, double rho) {
    if (!(rho > 0 && rho < 1)) throw Error("kl_sparsity_penalty: rho must be in (0, 1)");
    const size_t n = h.shape()[0], units = h.shape()[1];
    const Matrix rho_hat = column_means(h);  // (1, H)
    LossValue p;
    // dP/dh_nj does not depend on n: one row of derivatives, divided by N, copied to every row.
    std::vector<float> row(units);
    for (size_t j = 0; j < units; ++j) {
        const double r = std::clamp(static_cast<double>(rho_hat(0, j)), 1e-6, 1 - 1e-6);
        p.value += rho * std::log(rho / r) + (1 - rho) * std::log((1 - rho) / (1 - r));
        row[j] = static_cast<float>((-rho / r + (1 - rho) / (1 - r)) / static_cast<double>(n));
    }
    p.grad = Matrix(h.shape());
    for (size_t i = 0; i < n; ++i) std::copy(row.begin(), row.end(), &p.grad(i, 0));
    return p;
}

ContractiveValue contractive_penalty(const Matrix& x, const Matrix& h, const Matrix& W) {
    const size_t n = h.shape()[0], units = h.shape()[1];
    require_shape(W, x.shape()[1], units, "contractive_penalty: W");
    require_shape(x, n, 0, "contractive_penalty: x");
    std::vector<double> w(units, 0.0);  // w_j = sum_i W_ij^2, |column j of W|^2
    for (size_t i = 0; i < W.shape()[0]; ++i)
        for (size_t j = 0; j < units; ++j) w[j] += double(W(i, j)) * W(i, j);
    const double inv_n = 1.0 / static_cast<double>(n);
    ContractiveValue c;
    Matrix dA(h.shape()), s2(h.shape());  // dP/da and s^2, both (N, H)
    for (size_t r = 0; r < n; ++r) {
        for (size_t j = 0; j < units; ++j) {
            const float hv = h(r, j), s = hv * (1.f - hv);
            s2(r, j) = s * s;
            c.value += double(s2(r, j)) * w[j];
            dA(r, j) = static_cast<float>(2 * inv_n * s2(r, j) * (1.f - 2.f * hv) * w[j]);
        }
    }
    c.value *= inv_n;
    c.dW = matmul(x, dA, true, false);         // (D, N) (N, H): the path through h
    const Matrix s2_sums = column_sums(s2);    // (1, H)
    for (size_t i = 0; i < W.shape()[0]; ++i)  // the path through w_j itself
        for (size_t j = 0; j < units; ++j) c.dW(i, j) += float(2 * inv_n) * W(i, j) * s2_sums(0, j);
    c.db = column_sums(dA);
    return c;
}

}  // namespace ae::l04
