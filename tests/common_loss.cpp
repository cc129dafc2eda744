// Tests of the losses (ae/loss.hpp, common/src/loss.cpp): hand-computed values, gradients
// against central differences of an independent double-precision reference (tests/test_util.hpp)
// for both reductions, numerical stability at large logits, and large matrices (split over the
// cores) against the entry-by-entry formulas; and the fast versions against their plain twins
// (common/src/plain.hpp): sigmoid, MSE and BCE on logits, value and gradient, on sizes that end in
// a SIMD tail, cross the 1024-entry block of the float sums, and reach the split over the cores
// (2^19 entries). Run: build/bin/test_common -tc="common loss*"
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <vector>

#include "../common/src/plain.hpp"
#include "../common/src/simd.hpp"
#include "ae/error.hpp"
#include "ae/loss.hpp"
#include "ae/nn.hpp"
#include "test_util.hpp"

using namespace ae;
using test::MatD;

namespace {

double sigmoid_ref(double z) {
    return 1 / (1 + std::exp(-z));
}

}  // namespace

TEST_CASE("common loss mse: hand-computed values and gradients for both reductions") {
    const Matrix pred = {{1.f, 2.f}, {3.f, 4.f}}, target = {{0.f, 2.f}, {3.f, 6.f}};
    // Errors 1, 0, 0, -2: squared sum 5 over 4 entries and 2 examples.
    const LossValue mean = mse_loss(pred, target);
    CHECK(mean.value == doctest::Approx(1.25));
    test::check_close(mean.grad, Matrix{{0.5f, 0.f}, {0.f, -1.f}}, 1e-6, "mse Mean gradient");
    const LossValue per_ex = mse_loss(pred, target, Reduction::SumPerExample);
    CHECK(per_ex.value == doctest::Approx(2.5));
    test::check_close(per_ex.grad, Matrix{{1.f, 0.f}, {0.f, -2.f}}, 1e-6,
                      "mse SumPerExample gradient");
    CHECK_THROWS_AS(mse_loss(pred, Matrix{{1.f, 2.f}}), ShapeError);
}

TEST_CASE("common loss mse and bce: gradients match central differences for both reductions") {
    Rng rng(7);
    const Matrix pred = rng.normal(5, 37, 0.f, 3.f), target = rng.uniform(5, 37);
    for (Reduction r : {Reduction::Mean, Reduction::SumPerExample}) {
        const double div = r == Reduction::Mean ? 5.0 * 37 : 5.0;
        MatD p = test::to_double(pred);
        auto mse_ref = [&] {
            double s = 0;
            for (size_t i = 0; i < 5; ++i)
                for (size_t j = 0; j < 37; ++j)
                    s += (p[i][j] - target(i, j)) * (p[i][j] - target(i, j));
            return s / div;
        };
        auto bce_ref = [&] {
            double s = 0;
            for (size_t i = 0; i < 5; ++i)
                for (size_t j = 0; j < 37; ++j)
                    s += std::log1p(std::exp(p[i][j])) - p[i][j] * target(i, j);
            return s / div;
        };
        const LossValue mse = mse_loss(pred, target, r),
                        bce = bce_with_logits_loss(pred, target, r);
        CHECK(mse.value == doctest::Approx(mse_ref()).epsilon(1e-5));
        CHECK(bce.value == doctest::Approx(bce_ref()).epsilon(1e-5));
        test::check_gradient(mse.grad, p, mse_ref, "mse gradient");
        test::check_gradient(bce.grad, p, bce_ref, "bce gradient");
    }
}

TEST_CASE("common loss bce: log 2 at logit 0, and stable (finite, exact) for |logits| up to 1e4") {
    const Matrix zero = {{0.f, 0.f, 0.f}}, t = {{0.f, 0.5f, 1.f}};
    const LossValue at0 = bce_with_logits_loss(zero, t, Reduction::SumPerExample);
    CHECK(at0.value == doctest::Approx(3 * std::log(2.0)).epsilon(1e-6));
    test::check_close(at0.grad, Matrix{{0.5f, 0.f, -0.5f}}, 1e-6, "bce gradient at logit 0");
    // Wrong by 100 nats where the naive log(sigmoid) gives inf or NaN; right where it gives 0.
    const Matrix z = {{100.f, -100.f, 100.f, -100.f, 1e4f}}, y = {{0.f, 1.f, 1.f, 0.f, 0.f}};
    const LossValue big = bce_with_logits_loss(z, y, Reduction::SumPerExample);
    CHECK(all_finite(big.grad));
    CHECK(big.value == doctest::Approx(200.0 + 1e4).epsilon(1e-6));
    test::check_close(big.grad, Matrix{{1.f, -1.f, 0.f, 0.f, 1.f}}, 1e-6,
                      "bce gradient at large |logits|");
    const Matrix s = sigmoid(Matrix{{-200.f, -80.f, -5.f, 0.f, 5.f, 80.f, 200.f}});
    CHECK(all_finite(s));
    CHECK(s(0, 1) > 0.f);  // exp(-80) ~ 1.8e-35 is representable: it must not round to 0
    CHECK(s(0, 1) == doctest::Approx(std::exp(-80.0)).epsilon(1e-5));
    CHECK(s(0, 2) == doctest::Approx(sigmoid_ref(-5)).epsilon(1e-6));
    CHECK(s(0, 3) == 0.5f);
    CHECK(s(0, 6) == 1.f);
}

TEST_CASE("common loss kl_standard_normal: 2 per dimension at mu = 2, logvar = 0, and gradients") {
    const Matrix mu = xt::ones<float>({size_t{4}, size_t{3}}) * 2.f,
                 zero = xt::zeros<float>({size_t{4}, size_t{3}});
    // 1/2 (mu^2 + e^0 - 1 - 0) = 2 per dimension, 3 dimensions, mean over the 4 examples.
    CHECK(kl_standard_normal(mu, zero).value == doctest::Approx(6.0));
    CHECK(kl_standard_normal(zero, zero).value == doctest::Approx(0.0));
    Rng rng(8);
    const Matrix m = rng.normal(4, 3), lv = rng.normal(4, 3);
    MatD md = test::to_double(m), lvd = test::to_double(lv);
    auto ref = [&] { return test::kl_standard_normal_ref(md, lvd); };
    const KlValue kl = kl_standard_normal(m, lv);
    CHECK(kl.value == doctest::Approx(ref()).epsilon(1e-5));
    test::check_gradient(kl.grad_mu, md, ref, "KL gradient in mu");
    test::check_gradient(kl.grad_logvar, lvd, ref, "KL gradient in logvar");
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

namespace {
// (rows, cols): 7 and 1023 end in a tail shorter than a SIMD batch; 1024 is one whole block of
// the float sums and 1025 one more entry; 3000 is three blocks, the last partial; 669 x 784 is
// at least parallel::kMinParallel entries, so its work is split over the cores.
const std::vector<std::array<size_t, 2>> kShapes = {{1, 7},    {1, 1023}, {1, 1024},
                                                    {1, 1025}, {3, 1000}, {669, 784}};

std::string shape_name(const std::array<size_t, 2>& s) {
    return "(" + std::to_string(s[0]) + ", " + std::to_string(s[1]) + ") on " +
           std::to_string(s[0] * s[1] < parallel::kMinParallel ? 1 : parallel::threads()) +
           " thread(s)";
}

// Loss values: the fast version adds float terms within a block of 1024, 16 (AVX-512) or 8
// (AVX2) SIMD lanes of 64 or 128 terms each, then the lanes and the blocks in double; the plain
// twin adds in double. A float sum of k positive terms is within (k - 1) 2^-24 of the exact
// one, 128 x 6e-8 = 7.6e-6 at worst, so 1e-5 relative. One term dropped or counted twice is 1/7
// .. 1/1025 of the smaller sums and a whole block (1/512) of the largest: far outside it.
constexpr double kSumTolerance = 1e-5;
// Entries: the same float operations up to the rounding of 2 / div against 1 / div once more,
// a few ulps of 2^-24, so 1e-6 (entries compared on the scale of (p - t), i.e. times div).
constexpr double kEntryTolerance = 1e-6;

std::string reduction_name(Reduction r) {
    return r == Reduction::Mean ? ", mean" : ", sum per example";
}

double divisor(const Matrix& m, Reduction r) {
    return static_cast<double>(r == Reduction::Mean ? m.size() : m.shape()[0]);
}
}  // namespace

TEST_CASE("common loss sigmoid: the split over the cores equals the plain expression") {
    Rng rng(21);
    for (const auto& s : kShapes) {
        INFO(shape_name(s));
        const Matrix z = rng.normal(s[0], s[1], 0.f, 6.f);  // saturated entries at both ends
        test::check_close(sigmoid(z), plain::sigmoid(z), kEntryTolerance, "sigmoid(z)");
    }
}

TEST_CASE("common loss mse: the fast one-pass loss equals the plain formula, value and gradient") {
    Rng rng(22);
    for (const auto& s : kShapes) {
        for (const Reduction r : {Reduction::Mean, Reduction::SumPerExample}) {
            INFO(shape_name(s) << reduction_name(r));
            const Matrix p = rng.uniform(s[0], s[1]), t = rng.uniform(s[0], s[1]);
            const LossValue fast = mse_loss(p, t, r), ref = plain::mse_loss(p, t, r);
            const double div = divisor(p, r);
            CHECK(fast.value == doctest::Approx(ref.value).epsilon(kSumTolerance));
            test::check_close(fast.grad * div, ref.grad * div, kEntryTolerance, "grad x div");
        }
    }
}

TEST_CASE("common loss bce: the fast one-pass loss equals the plain formula, value and gradient") {
    Rng rng(23);
    for (const auto& s : kShapes) {
        for (const Reduction r : {Reduction::Mean, Reduction::SumPerExample}) {
            INFO(shape_name(s) << reduction_name(r));
            const Matrix z = rng.normal(s[0], s[1], 0.f, 4.f), t = rng.uniform(s[0], s[1]);
            const LossValue fast = bce_with_logits_loss(z, t, r);
            const LossValue ref = plain::bce_with_logits_loss(z, t, r);
            const double div = divisor(z, r);
            CHECK(fast.value == doctest::Approx(ref.value).epsilon(kSumTolerance));
            test::check_close(fast.grad * div, ref.grad * div, kEntryTolerance, "grad x div");
        }
    }
}
