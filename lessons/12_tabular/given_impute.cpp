// Lesson 12, given: the imputation baselines the masked autoencoder must beat (mean/mode, and
// iterative PCA with its stopping rule chosen on held-out observed entries) and the scoring of
// any method on entries hidden from a complete table.
#include <cmath>
#include <limits>

#include "01_linear_pca/exercise.hpp"
#include "exercise.hpp"
#include "lesson.hpp"

namespace ae::l12 {

Table hide_at_random(const Table& t, double rate, uint64_t seed) {
    Rng rng = Rng(seed).split();  // not ae::fit's stream of the same seed
    Table out = t;
    for (float& v : out.values)
        if (rng.uniform() < rate) v = NAN;
    return out;
}

Matrix mean_mode_fill(const Preprocessor& p, const Encoded& e) {
    const size_t n = e.x.shape()[0];
    Matrix guess({n, p.dim}, 0.f);  // numeric: 0 is the mean once standardised
    for (size_t c = 0; c < p.width.size(); ++c) {
        if (!p.categorical[c]) continue;
        for (size_t k = 0; k < p.width[c]; ++k) {
            const size_t j = p.offset[c] + k;
            double count = 0;
            for (size_t i = 0; i < n; ++i) count += e.x(i, j) * e.mask(i, j);
            xt::view(guess, xt::all(), j) = float(count);  // the largest count wins in fill_missing
        }
    }
    return fill_missing(p, e.x, e.mask, guess);
}

namespace {

// rounds of iterative PCA with k components from the mean/mode fill; after each round calls
// on_round(filled) (which may return false to stop).
template <class F>
Matrix pca_rounds(const Preprocessor& p, const Encoded& e, size_t k, size_t rounds, F on_round) {
    Matrix filled = mean_mode_fill(p, e);
    for (size_t r = 0; r < rounds; ++r) {
        const l01::Pca pc = l01::pca(filled, k);
        filled = fill_missing(p, e.x, e.mask, l01::pca_decode(pc, l01::pca_encode(pc, filled)));
        if (!on_round(filled)) break;
    }
    return filled;
}

}  // namespace

PcaFill iterative_pca_fill(const Preprocessor& p, const Encoded& e, size_t max_k, size_t max_rounds,
                           uint64_t seed) {
    // Validation: a further 5 % of the observed entries (whole columns of a row) hidden, drawn
    // from another stream than hide_at_random's (the same stream would pick hidden entries).
    Encoded v = e;
    Rng rng = Rng(seed).split().split();
    Matrix val({e.x.shape()[0], p.dim}, 0.f);
    for (size_t i = 0; i < e.x.shape()[0]; ++i) {
        for (size_t c = 0; c < p.width.size(); ++c) {
            if (rng.uniform() >= 0.05f || e.mask(i, p.offset[c]) == 0) continue;
            for (size_t j = p.offset[c]; j < p.offset[c] + p.width[c]; ++j)
                val(i, j) = 1, v.mask(i, j) = 0, v.x(i, j) = 0;
        }
    }
    PcaFill best;
    double best_rmse = std::numeric_limits<double>::infinity();
    for (size_t k = 1; k <= std::min(max_k, p.dim - 1); ++k) {
        std::vector<double> curve;
        pca_rounds(p, v, k, max_rounds, [&](const Matrix& filled) {
            curve.push_back(score_imputation(p, filled, e.x, val).rmse);
            if (curve.back() < best_rmse)
                best_rmse = curve.back(), best.k = k, best.rounds = curve.size(),
                best.val_rmse = {};
            // Stop once the validation error has risen for 3 rounds in a row.
            const size_t m = curve.size();
            return !(m > 3 && curve[m - 1] > curve[m - 2] && curve[m - 2] > curve[m - 3] &&
                     curve[m - 3] > curve[m - 4]);
        });
        if (best.k == k) best.val_rmse = curve;
    }
    best.filled = pca_rounds(p, e, best.k, best.rounds, [](const Matrix&) { return true; });
    return best;
}

ImputeScore score_imputation(const Preprocessor& p, const Matrix& filled, const Matrix& truth,
                             const Matrix& hidden) {
    ImputeScore s;
    double sq = 0, n_num = 0, right = 0, n_cat = 0;
    for (size_t c = 0; c < p.width.size(); ++c) {
        const size_t o = p.offset[c], w = p.width[c];
        double col_sq = 0, col_right = 0, count = 0;
        for (size_t i = 0; i < filled.shape()[0]; ++i) {
            if (hidden(i, o) == 0) continue;
            ++count;
            if (!p.categorical[c]) {
                col_sq += std::pow(double(filled(i, o)) - truth(i, o), 2);
                continue;
            }
            bool same = true;
            for (size_t k = 0; k < w; ++k) same &= filled(i, o + k) == truth(i, o + k);
            col_right += same;
        }
        const bool num = !p.categorical[c];
        s.column_rmse.push_back(num && count ? std::sqrt(col_sq / count) * p.std[c] : NAN);
        s.column_accuracy.push_back(!num && count ? col_right / count : NAN);
        (num ? n_num : n_cat) += count, sq += col_sq, right += col_right;
    }
    s.hidden = size_t(n_num + n_cat);
    s.rmse = n_num ? std::sqrt(sq / n_num) : NAN;
    s.accuracy = n_cat ? right / n_cat : NAN;
    return s;
}

}  // namespace ae::l12
