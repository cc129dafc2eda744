// Tests of the helpers behind the library's elementwise loops (common/src/simd.hpp): the split
// over threads covers every entry once, the hand-vectorised sum agrees with the plain loop, and
// large matrices (split over the cores) give the same values as an entry-by-entry reference.
#include <doctest/doctest.h>

#include <cmath>

#include "../common/src/simd.hpp"
#include "ae/loss.hpp"
#include "ae/nn.hpp"
#include "test_util.hpp"

using namespace ae;

TEST_CASE("common parallel_for: every entry exactly once, in chunks of whole blocks") {
    for (size_t n : {size_t{0}, size_t{1}, size_t{1000}, parallel::kMinParallel - 1,
                     parallel::kMinParallel, size_t{200705}, size_t{1} << 20}) {
        std::vector<int> hits(n, 0);
        std::atomic<int> bad_start{0};
        parallel::parallel_for(n, [&](size_t begin, size_t end) {
            if (begin % parallel::kBlock != 0) ++bad_start;
            for (size_t i = begin; i < end; ++i) ++hits[i];
        });
        INFO("n = " << n);
        CHECK(bad_start == 0);
        CHECK(std::all_of(hits.begin(), hits.end(), [](int h) { return h == 1; }));
    }
}

TEST_CASE("common accurate_sum: the vectorised block sum agrees with the plain loop") {
    Rng rng(11);
    // 1e6 entries of mean 0.5: a float running sum would be off by ~1e-4 relative; the blocked
    // sum must stay within 1e-6 of the double sum. Sizes that are not multiples of the SIMD width
    // test the tails.
    for (size_t cols : {size_t{7}, size_t{1024}, size_t{1000003}}) {
        const Matrix x = rng.uniform(1, cols);
        CHECK(parallel::block_sum(x.data(), std::min(cols, parallel::kBlock)) ==
              doctest::Approx(parallel::block_sum_plain(x.data(), std::min(cols, parallel::kBlock)))
                  .epsilon(1e-6));
        CHECK(parallel::accurate_sum(x) ==
              doctest::Approx(parallel::block_sum_plain(x.data(), cols)).epsilon(1e-6));
    }
    CHECK(parallel::accurate_sum(Matrix(xt::zeros<float>({size_t{0}, size_t{3}}))) == 0.0);
}

TEST_CASE("common loss and Sigmoid on a large matrix (split over cores) match the entry formulas") {
    Rng rng(12);
    const size_t n = 300, d = 784;  // 235,200 entries: above the parallel threshold, 5 tails
    const Matrix z = rng.normal(n, d, 0.f, 4.f), t = rng.uniform(n, d), go = rng.normal(n, d);
    const Matrix s = sigmoid(z);
    const LossValue mse = mse_loss(z, t), bce = bce_with_logits_loss(z, t);
    Sigmoid layer;
    layer.forward(z);
    const Matrix gs = layer.backward(go);
    double mse_ref = 0, bce_ref = 0;
    size_t worst = 0;
    for (size_t i = 0; i < z.size(); ++i) {
        const double zi = z.data()[i], ti = t.data()[i], si = 1 / (1 + std::exp(-zi));
        mse_ref += (zi - ti) * (zi - ti);
        bce_ref += std::max(zi, 0.0) - zi * ti + std::log1p(std::exp(-std::abs(zi)));
        // float rounding only: every entry within 1e-6 relative (1e-6 of the scale for the
        // sigmoid gradient, which cancels near s = 0 and 1)
        auto near = [](double got, double want, double scale) {
            return std::abs(got - want) <= 1e-6 * scale;
        };
        const double n_inv = 1.0 / static_cast<double>(z.size());
        const bool ok =
            near(s.data()[i], si, si) &&
            near(mse.grad.data()[i], 2 * (zi - ti) * n_inv, std::abs(2 * (zi - ti) * n_inv)) &&
            near(bce.grad.data()[i], (si - ti) * n_inv, n_inv) &&
            near(gs.data()[i], go.data()[i] * si * (1 - si), std::abs(go.data()[i]));
        worst += ok ? 0 : 1;
    }
    CHECK(worst == 0);
    CHECK(mse.value == doctest::Approx(mse_ref / z.size()).epsilon(1e-6));
    CHECK(bce.value == doctest::Approx(bce_ref / z.size()).epsilon(1e-6));
}
