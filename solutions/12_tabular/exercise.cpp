// Lesson 12, the reference solution: train-only preprocessing, the mixed-column loss and its
// gradient, per-feature contributions, and the masking of the imputing autoencoder.
// Built as solution_12 and test_solution_12; the learner's version is lessons/12_tabular/.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "ae/error.hpp"
#include "exercise.hpp"

namespace ae::l12 {

Preprocessor fit_preprocessor(const Table& t, const std::vector<size_t>& train) {
    if (train.empty()) throw Error("fit_preprocessor: no training rows: pass at least one row");
    const size_t n = t.rows(), cols = t.columns.size();
    for (size_t i : train)
        if (i >= n)
            throw Error("fit_preprocessor: training row " + std::to_string(i) +
                        " does not exist: the table has " + std::to_string(n) + " rows");
    Preprocessor p;
    p.categorical = t.categorical;
    p.mean.assign(cols, 0), p.std.assign(cols, 1), p.seen.resize(cols);
    for (size_t c = 0; c < cols; ++c) {
        if (t.categorical[c]) {
            for (size_t i : train)
                if (!std::isnan(t.values(i, c))) p.seen[c].push_back(int(t.values(i, c)));
            std::sort(p.seen[c].begin(), p.seen[c].end());
            p.seen[c].erase(std::unique(p.seen[c].begin(), p.seen[c].end()), p.seen[c].end());
        } else {
            double sum = 0, sq = 0, count = 0;
            for (size_t i : train)
                if (!std::isnan(t.values(i, c))) sum += t.values(i, c), ++count;
            p.mean[c] = count > 0 ? sum / count : 0;
            for (size_t i : train)
                if (!std::isnan(t.values(i, c))) sq += std::pow(t.values(i, c) - p.mean[c], 2);
            const double sd = count > 0 ? std::sqrt(sq / count) : 0;
            p.std[c] = sd > 0 ? sd : 1;
        }
        p.offset.push_back(p.dim);
        p.width.push_back(t.categorical[c] ? p.seen[c].size() + 1 : 1);
        p.dim += p.width.back();
    }
    return p;
}

Encoded encode(const Preprocessor& p, const Matrix& values) {
    const size_t n = values.shape()[0], cols = p.width.size();
    require_shape(values, 0, cols, "encode: values (one column per table column)");
    Encoded e{Matrix({n, p.dim}, 0.f), Matrix({n, p.dim}, 0.f)};
    for (size_t i = 0; i < n; ++i) {
        for (size_t c = 0; c < cols; ++c) {
            const float v = values(i, c);
            if (std::isnan(v)) continue;
            const size_t o = p.offset[c];
            for (size_t k = 0; k < p.width[c]; ++k) e.mask(i, o + k) = 1;
            if (!p.categorical[c]) {
                e.x(i, o) = float((v - p.mean[c]) / p.std[c]);
                continue;
            }
            const auto& s = p.seen[c];
            const auto it = std::lower_bound(s.begin(), s.end(), int(v));
            const bool known = it != s.end() && *it == int(v);
            e.x(i, o + (known ? size_t(it - s.begin()) : s.size())) = 1;
        }
    }
    return e;
}

namespace {

// Row i's softmax of the group [o, o + w) of x_hat, in double.
std::vector<double> softmax(const Matrix& x_hat, size_t i, size_t o, size_t w) {
    double top = x_hat(i, o);
    for (size_t k = 1; k < w; ++k) top = std::max(top, double(x_hat(i, o + k)));
    std::vector<double> q(w);
    double z = 0;
    for (size_t k = 0; k < w; ++k) z += q[k] = std::exp(double(x_hat(i, o + k)) - top);
    for (double& v : q) v /= z;
    return q;
}

void check_shapes(const Preprocessor& p, const Matrix& x_hat, const Matrix& x, const Matrix& m,
                  const char* fn) {
    const std::string f = fn;
    require_shape(x_hat, 0, p.dim, f + ": x_hat (N, D)");
    require_shape(x, x_hat.shape()[0], p.dim, f + ": x (same shape as x_hat)");
    require_shape(m, x_hat.shape()[0], p.dim, f + ": mask (same shape as x_hat)");
}

}  // namespace

Matrix contributions(const Preprocessor& p, const Matrix& x_hat, const Matrix& x,
                     const Matrix& mask) {
    check_shapes(p, x_hat, x, mask, "contributions");
    const size_t n = x.shape()[0], cols = p.width.size();
    Matrix out({n, cols}, 0.f);
    for (size_t i = 0; i < n; ++i) {
        for (size_t c = 0; c < cols; ++c) {
            const size_t o = p.offset[c], w = p.width[c];
            if (mask(i, o) == 0) continue;
            if (!p.categorical[c]) {
                out(i, c) = float(std::pow(double(x_hat(i, o)) - x(i, o), 2));
                continue;
            }
            const std::vector<double> q = softmax(x_hat, i, o, w);
            double ce = 0;
            for (size_t k = 0; k < w; ++k) ce -= x(i, o + k) * std::log(std::max(q[k], 1e-300));
            out(i, c) = float(ce);
        }
    }
    return out;
}

double mixed_loss(const Preprocessor& p, const Matrix& x_hat, const Matrix& x, const Matrix& mask,
                  Matrix* grad) {
    const Matrix terms = contributions(p, x_hat, x, mask);
    const size_t n = x.shape()[0];
    double sum = 0;
    for (float v : terms) sum += v;
    if (!grad) return n ? sum / double(n) : 0;
    *grad = Matrix({n, p.dim}, 0.f);
    for (size_t i = 0; i < n; ++i) {
        for (size_t c = 0; c < p.width.size(); ++c) {
            const size_t o = p.offset[c], w = p.width[c];
            if (mask(i, o) == 0) continue;
            if (!p.categorical[c]) {
                (*grad)(i, o) = float(2.0 * (double(x_hat(i, o)) - x(i, o)) / double(n));
                continue;
            }
            const std::vector<double> q = softmax(x_hat, i, o, w);
            for (size_t k = 0; k < w; ++k) (*grad)(i, o + k) = float((q[k] - x(i, o + k)) / n);
        }
    }
    return sum / double(n);
}

std::vector<std::vector<size_t>> top_features(const Matrix& contributions, size_t k) {
    const size_t n = contributions.shape()[0], cols = contributions.shape()[1];
    if (k == 0 || k > cols)
        throw Error("top_features: k = " + std::to_string(k) + " must be in [1, " +
                    std::to_string(cols) + "] (the number of columns)");
    std::vector<std::vector<size_t>> top(n);
    for (size_t i = 0; i < n; ++i) {
        std::vector<size_t> idx(cols);
        std::iota(idx.begin(), idx.end(), 0);
        std::stable_sort(idx.begin(), idx.end(), [&](size_t a, size_t b) {
            return contributions(i, a) > contributions(i, b);
        });
        top[i].assign(idx.begin(), idx.begin() + long(k));
    }
    return top;
}

Masked hide_entries(const Preprocessor& p, const Matrix& x, const Matrix& mask, double rate,
                    Rng& rng) {
    if (!(rate >= 0 && rate < 1))
        throw Error("hide_entries: rate " + std::to_string(rate) + " must be in [0, 1)");
    const size_t n = x.shape()[0], d = p.dim;
    Masked m{Matrix({n, 2 * d}, 0.f), mask};
    for (size_t i = 0; i < n; ++i) {
        for (size_t c = 0; c < p.width.size(); ++c) {
            const bool hide = rng.uniform() < rate;
            for (size_t k = p.offset[c]; k < p.offset[c] + p.width[c]; ++k) {
                if (hide) m.visible(i, k) = 0;
                m.input(i, k) = m.visible(i, k) * x(i, k);
                m.input(i, d + k) = m.visible(i, k);
            }
        }
    }
    return m;
}

Matrix fill_missing(const Preprocessor& p, const Matrix& x, const Matrix& mask,
                    const Matrix& x_hat) {
    check_shapes(p, x_hat, x, mask, "fill_missing");
    Matrix out = x;
    for (size_t i = 0; i < x.shape()[0]; ++i) {
        for (size_t c = 0; c < p.width.size(); ++c) {
            const size_t o = p.offset[c], w = p.width[c];
            if (mask(i, o) != 0) continue;
            if (!p.categorical[c]) {
                out(i, o) = x_hat(i, o);
                continue;
            }
            size_t best = 0;
            for (size_t k = 1; k < w; ++k)
                if (x_hat(i, o + k) > x_hat(i, o + best)) best = k;
            for (size_t k = 0; k < w; ++k) out(i, o + k) = k == best ? 1.f : 0.f;
        }
    }
    return out;
}

}  // namespace ae::l12
