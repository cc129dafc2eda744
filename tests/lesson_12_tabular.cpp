// Tests of lesson 12 (tabular data). They run against your exercise.cpp (./workshop check 12) and
// against the reference solution. References are hand-computed from a four-row table; the given
// CSV reader is tested inside step 1a (whose function it feeds), so every case needs your code.
#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "ae/error.hpp"
#include "ae/gradcheck.hpp"
#include "exercise.hpp"
#include "test_util.hpp"

using namespace ae;
using namespace ae::l12;

namespace {

// Columns a (numeric), b (categorical: x, y, z), c (numeric). Rows 0-2 are the training rows;
// row 3 is far away (a leak of its values into the statistics shows), row 1 misses c.
Table toy() {
    Table t;
    t.columns = {"a", "b", "c"}, t.categorical = {false, true, false};
    t.levels = {{}, {"x", "y", "z"}, {}};
    t.values = Matrix{{1.f, 0.f, 10.f}, {3.f, 1.f, NAN}, {5.f, 0.f, 14.f}, {100.f, 2.f, -50.f}};
    return t;
}
const std::vector<size_t> kTrain = {0, 1, 2};
const double kStdA = std::sqrt(8.0 / 3.0);  // population std of 1, 3, 5

}  // namespace

TEST_CASE("12 step 1a fit_preprocessor: numeric statistics come from the training rows only") {
    const Preprocessor p = fit_preprocessor(toy(), kTrain);
    REQUIRE(p.mean.size() == 3);
    REQUIRE(p.std.size() == 3);
    test::check_value(p.mean[0], 3.0, 1e-6, "mean of column a over training rows 0-2",
                      {{27.25 / 3.0, "row 3 (not a training row) is in the mean: a leak"}});
    CHECK_MESSAGE(std::abs(p.mean[0] - 27.25) > 1, "column a's mean uses the test row 3: a leak");
    test::check_value(p.std[0], kStdA, 1e-5, "std of column a (population, training rows)",
                      {{std::sqrt(1.5), "divided by N - 1: the population std divides by N"}});
    test::check_value(p.mean[2], 12.0, 1e-6, "mean of column c over its present training entries");
    test::check_value(p.std[2], 2.0, 1e-6, "std of column c over its present training entries",
                      {{std::sqrt(2.0), "divided by N - 1: the population std divides by N"}});
}

TEST_CASE("12 step 1a fit_preprocessor: layout, seen levels and the unseen slot") {
    Table t = toy();
    const Preprocessor p = fit_preprocessor(t, kTrain);
    CHECK(p.seen[1] == std::vector<int>{0, 1});  // z (level 2) only in row 3
    CHECK(p.width == std::vector<size_t>{1, 3, 1});
    CHECK(p.offset == std::vector<size_t>{0, 1, 4});
    CHECK(p.dim == 5);
    CHECK(p.categorical == t.categorical);
    t.values = Matrix{{2.f, 0.f, 7.f}, {2.f, 0.f, NAN}};
    const Preprocessor c = fit_preprocessor(t, {0, 1});
    CHECK_MESSAGE(c.std[0] == doctest::Approx(1.0), "a constant column gets std 1, got ", c.std[0]);
    CHECK_MESSAGE(c.std[2] == doctest::Approx(1.0), "a single present entry gets std 1");
    test::check_rejects([&] { fit_preprocessor(t, {}); }, "no training rows");
    test::check_rejects([&] { fit_preprocessor(t, {0, 5}); }, "a training row past the end", {"5"});
}

TEST_CASE("12 step 1a fit_preprocessor: on a table read from a CSV file") {
    const test::TempDir dir("l12-csv");
    const std::string good =
        dir.write("good.csv", "size,colour,label\n1,red,ok\n3,,ok\nNA,blue,bad\n5,red,ok\n");
    const Table t = read_table(good, {"label", "", {}});
    const Preprocessor p = fit_preprocessor(t, {0, 1, 2, 3});
    test::check_value(p.mean[0], 3.0, 1e-6, "mean of 'size' (the NA skipped)");
    CHECK(p.seen[1] == std::vector<int>{0, 1});
}

TEST_CASE("12 step 1b encode: standardised numbers, one-hot groups and the missing mask") {
    const Table t = toy();
    const Preprocessor p = fit_preprocessor(t, kTrain);
    const Encoded e = encode(p, t.values);
    const float a0 = float(-2 / kStdA), a3 = float(97 / kStdA);
    test::check_close(
        e.x, Matrix{{a0, 1, 0, 0, -1}, {0, 0, 1, 0, 0}, {-a0, 1, 0, 0, 1}, {a3, 0, 0, 1, -31}},
        1e-5, "encoded rows (level z of row 3 was never seen: the unseen slot)");
    test::check_close(e.mask,
                      Matrix{{1, 1, 1, 1, 1}, {1, 1, 1, 1, 0}, {1, 1, 1, 1, 1}, {1, 1, 1, 1, 1}}, 0,
                      "mask (row 1 misses c)");
}

TEST_CASE("12 step 1b encode: a missing category leaves its whole group at 0 and unobserved") {
    const Table t = toy();
    const Preprocessor p = fit_preprocessor(t, kTrain);
    const Encoded e = encode(p, Matrix{{3.f, NAN, 12.f}});
    test::check_close(e.x, Matrix{{0, 0, 0, 0, 0}}, 1e-6, "encoded row (the training means)");
    test::check_close(e.mask, Matrix{{1, 0, 0, 0, 1}}, 0, "mask of a row missing b");
    CHECK_THROWS_AS(encode(p, Matrix({1, 2}, 0.f)), ShapeError);
}

namespace {

// Rows 0 and 1 of the toy table, encoded, and a prediction x_hat for them.
struct LossCase {
    Preprocessor p = fit_preprocessor(toy(), kTrain);
    Encoded e = encode(p, Matrix{{1.f, 0.f, 10.f}, {3.f, 1.f, NAN}});
    Matrix x_hat = Matrix{{0.f, 2.f, 0.f, 0.f, 0.f}, {1.f, 0.f, 0.f, 0.f, 7.f}};
};

// Each column's term, by hand: squared errors and -log softmax of the true slot.
Matrix expected_terms() {
    const double ce0 = std::log(std::exp(2.0) + 2.0) - 2.0;  // logits (2, 0, 0), true slot 0
    return Matrix{{float(4.0 / (8.0 / 3.0)), float(ce0), 1.f}, {1.f, float(std::log(3.0)), 0.f}};
}

}  // namespace

TEST_CASE("12 step 2 mixed_loss: squared errors and cross-entropies, mean over rows") {
    LossCase c;
    const Matrix t = expected_terms();
    const double expected = (double(xt::sum(t)())) / 2;
    test::check_value(mixed_loss(c.p, c.x_hat, c.e.x, c.e.mask, nullptr), expected, 1e-5,
                      "loss of two rows", {{2.0, "the sum over rows: divide by N"}});
}

TEST_CASE("12 step 2 mixed_loss: missing entries add nothing, whatever the prediction there") {
    LossCase c;
    const double before = mixed_loss(c.p, c.x_hat, c.e.x, c.e.mask, nullptr);
    c.x_hat(1, 4) = -300;  // row 1 misses c
    test::check_value(mixed_loss(c.p, c.x_hat, c.e.x, c.e.mask, nullptr), before, 1e-6,
                      "loss after changing a prediction for a missing entry");
    Matrix grad;
    test::check_value(mixed_loss(c.p, c.x_hat, c.e.x, c.e.mask, &grad), before, 1e-6,
                      "the loss returned with the gradient (it should not change)",
                      {{2.0, "the sum over rows: divide by N"}});
    REQUIRE(grad.shape() == c.x_hat.shape());
    CHECK_MESSAGE(grad(1, 4) == 0.f, "the gradient at a missing entry is 0, got ", grad(1, 4));
}

TEST_CASE("12 step 2 mixed_loss: the gradient matches central differences") {
    LossCase c;
    Matrix grad;
    mixed_loss(c.p, c.x_hat, c.e.x, c.e.mask, &grad);
    test::MatD xd = test::to_double(c.x_hat);
    const auto loss = [&] {
        Matrix xh({2, 5});
        for (size_t i = 0; i < 2; ++i)
            for (size_t j = 0; j < 5; ++j) xh(i, j) = float(xd[i][j]);
        return mixed_loss(c.p, xh, c.e.x, c.e.mask, nullptr);
    };
    // float arithmetic inside the loss: h = 1e-2 keeps rounding (~1e-5) below the tolerance,
    // and the squared terms are exact under central differences.
    test::check_gradient(grad, xd, loss, "dL/dx_hat", 1e-3, 1e-2,
                         {{2.0, "the sum over rows: divide by N"}});
}

TEST_CASE("12 step 2 mixed_loss: the gradient through a dense layer passes ae::check_gradients") {
    LossCase c;
    Rng rng(3);
    Dense layer(5, 5, rng, Init::Xavier);
    auto params = layer.params();
    zero_grad(params);
    Matrix grad;
    mixed_loss(c.p, layer.forward(c.e.x), c.e.x, c.e.mask, &grad);
    layer.backward(grad);
    const GradCheckResult r = check_gradients(
        params, [&] { return mixed_loss(c.p, layer.forward(c.e.x), c.e.x, c.e.mask, nullptr); });
    CHECK_MESSAGE(r.ok(1e-2), "largest relative error ", r.max_rel_error, " at ", r.worst);
}

TEST_CASE("12 step 3a contributions: one term per column, 0 where missing") {
    LossCase c;
    const Matrix got = contributions(c.p, c.x_hat, c.e.x, c.e.mask);
    test::check_close(got, expected_terms(), 1e-5, "contributions (N, C)",
                      {{0.5, "divided by N: a row's own terms are not averaged"}});
}

TEST_CASE("12 step 3b top_features: the largest contributions first, ties by column") {
    const Matrix contrib{{0.1f, 3.f, 0.2f, 3.f}, {5.f, 0.f, 1.f, 2.f}};
    const auto top = top_features(contrib, 3);
    REQUIRE(top.size() == 2);
    CHECK(top[0] == std::vector<size_t>{1, 3, 2});
    CHECK(top[1] == std::vector<size_t>{0, 3, 2});
    CHECK(top_features(contrib, 1)[1] == std::vector<size_t>{0});
    test::check_rejects([&] { top_features(contrib, 0); }, "k = 0");
    test::check_rejects([&] { top_features(contrib, 5); }, "k larger than C", {"5"});
}

TEST_CASE("12 step 4a hide_entries: input is [x where visible, visible], groups hide together") {
    const Table t = toy();
    const Preprocessor p = fit_preprocessor(t, kTrain);
    const Encoded e = encode(p, t.values);
    Rng rng(11), replay(11);
    const Masked m = hide_entries(p, e.x, e.mask, 0.5, rng);
    REQUIRE(m.input.shape() == std::array<size_t, 2>{4, 10});
    REQUIRE(m.visible.shape() == e.x.shape());
    for (size_t i = 0; i < 4; ++i) {
        for (size_t c = 0; c < 3; ++c) {
            const bool hidden = replay.uniform() < 0.5;
            for (size_t j = p.offset[c]; j < p.offset[c] + p.width[c]; ++j) {
                const float vis = hidden ? 0.f : e.mask(i, j);
                CHECK_MESSAGE(m.visible(i, j) == vis, "visible(", i, ", ", j, "): expected ", vis,
                              " (one draw per row and column, in row order)");
                CHECK_MESSAGE(m.input(i, j) == vis * e.x(i, j), "input(", i, ", ", j, ")");
                CHECK_MESSAGE(m.input(i, 5 + j) == vis, "input(", i, ", ", 5 + j, "): the mask");
            }
        }
    }
}

TEST_CASE("12 step 4a hide_entries: the hidden fraction follows the rate") {
    const size_t n = 2000;
    Table t = toy();
    t.values = Matrix({n, 3}, 1.f);
    for (size_t i = 0; i < n; ++i) t.values(i, 0) = float(i % 7), t.values(i, 1) = float(i % 2);
    const Preprocessor p = fit_preprocessor(t, {0, 1, 2, 3, 4, 5, 6});
    const Encoded e = encode(p, t.values);
    Rng rng(5);
    const Masked none = hide_entries(p, e.x, e.mask, 0.0, rng);
    test::check_close(none.visible, e.mask, 0, "visible at rate 0");
    const Masked m = hide_entries(p, e.x, e.mask, 0.3, rng);
    double hidden = 0;
    for (size_t i = 0; i < n; ++i) hidden += m.visible(i, 0) == 0;
    // 2000 draws at 0.3: standard deviation 0.0102; 4 of them.
    CHECK_MESSAGE(std::abs(hidden / n - 0.3) < 0.041, "fraction hidden ", hidden / n, " at 0.3");
    test::check_rejects([&] { hide_entries(p, e.x, e.mask, 1.0, rng); }, "rate 1");
}

TEST_CASE("12 step 4b fill_missing: observed entries kept, missing ones from the reconstruction") {
    const Table t = toy();
    const Preprocessor p = fit_preprocessor(t, kTrain);
    const Encoded e = encode(p, Matrix{{1.f, NAN, NAN}, {5.f, 1.f, 14.f}});
    const Matrix x_hat{{9.f, 0.2f, 1.5f, -1.f, 0.7f}, {9.f, 3.f, 0.f, 0.f, 9.f}};
    const float a0 = float(-2 / kStdA);
    test::check_close(fill_missing(p, e.x, e.mask, x_hat),
                      Matrix{{a0, 0, 1, 0, 0.7f}, {-a0, 0, 1, 0, 1}}, 1e-5,
                      "filled rows (row 0 misses b and c; row 1 is complete)");
}
