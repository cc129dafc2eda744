// Tests of lesson 04 (sparse and contractive autoencoders). They run against your exercise.cpp
// (./workshop check 04) and against the reference solution (./workshop test).
// References are independent double-precision computations: hand-computed values, central
// differences of the penalties, and a finite-difference Jacobian of the encoder.
#include <doctest/doctest.h>

#include <cmath>
#include <functional>

#include "ae/data.hpp"
#include "ae/linalg.hpp"
#include "exercise.hpp"
#include "test_util.hpp"

using namespace ae;
using namespace ae::l04;

namespace {

double sigmoid_d(double a) {
    return 1.0 / (1.0 + std::exp(-a));
}

// h = sigmoid(x W + b) in double: x (N, D), W (D, H), b (1, H) -> (N, H).
test::MatD encode_d(const test::MatD& x, const test::MatD& W, const test::MatD& b) {
    test::MatD h(x.size(), std::vector<double>(b[0].size()));
    for (size_t n = 0; n < x.size(); ++n)
        for (size_t j = 0; j < b[0].size(); ++j) {
            double a = b[0][j];
            for (size_t i = 0; i < W.size(); ++i) a += x[n][i] * W[i][j];
            h[n][j] = sigmoid_d(a);
        }
    return h;
}

// The contractive penalty from its definition, (1/N) sum_n sum_j sum_i (dh_nj/dx_ni)^2, with
// the Jacobian taken by central differences of encode_d (exact to ~1e-10 here).
double jacobian_penalty_fd(const test::MatD& x, const test::MatD& W, const test::MatD& b) {
    double sum = 0;
    const double step = 1e-5;
    for (size_t n = 0; n < x.size(); ++n) {
        for (size_t i = 0; i < W.size(); ++i) {
            test::MatD up = {x[n]}, down = {x[n]};
            up[0][i] += step, down[0][i] -= step;
            const auto hu = encode_d(up, W, b), hd = encode_d(down, W, b);
            for (size_t j = 0; j < b[0].size(); ++j)
                sum += std::pow((hu[0][j] - hd[0][j]) / (2 * step), 2);
        }
    }
    return sum / static_cast<double>(x.size());
}

// The same penalty through the closed form, in double, as a function of W and b (for gradients).
double contractive_d(const test::MatD& x, const test::MatD& W, const test::MatD& b) {
    const auto h = encode_d(x, W, b);
    double sum = 0;
    for (size_t j = 0; j < b[0].size(); ++j) {
        double w = 0;
        for (size_t i = 0; i < W.size(); ++i) w += W[i][j] * W[i][j];
        for (size_t n = 0; n < x.size(); ++n) sum += std::pow(h[n][j] * (1 - h[n][j]), 2) * w;
    }
    return sum / static_cast<double>(x.size());
}

// Central differences of loss() over every entry of param (perturbed in place), as a Matrix.
Matrix numeric_gradient(test::MatD& param, const std::function<double()>& loss, double h = 1e-5) {
    const test::MatD n = test::numeric_gradient(param, loss, h);
    Matrix g({param.size(), param[0].size()});
    for (size_t i = 0; i < n.size(); ++i)
        for (size_t j = 0; j < n[i].size(); ++j) g(i, j) = float(n[i][j]);
    return g;
}

struct Encoder {
    Matrix x, W, b, h;  // (N, D), (D, H), (1, H), (N, H) = sigmoid(x W + b)
};
Encoder random_encoder(size_t n, size_t d, size_t units, float scale, uint64_t seed) {
    Rng rng(seed);
    Encoder e;
    e.x = rng.uniform(n, d);
    e.W = rng.normal(d, units, 0.f, scale);
    e.b = rng.normal(1, units, 0.f, 0.5f);
    Matrix a = matmul(e.x, e.W);
    add_row(a, e.b);
    e.h = sigmoid(a);
    return e;
}

}  // namespace

TEST_CASE("04 step 1 l1_penalty: matches a hand-computed value and gradient") {
    // N = 4 examples, H = 3 units; the absolute values add up to 8.5.
    const Matrix h = {{0.5f, -1.f, 0.f}, {2.f, 0.25f, -0.5f}, {0.f, 1.f, -2.f}, {0.75f, 0.f, 0.5f}};
    const LossValue p = l1_penalty(h);
    test::check_value(p.value, 8.5 / 4, 1e-6, "l1_penalty().value",
                      {{4.0, "the sum over the N = 4 examples: the penalty is their mean"},
                       {1.0 / 3,
                        "divided by N * H: the penalty is the mean over the examples of "
                        "each code's sum over its H = 3 units"}});
    REQUIRE_MESSAGE(p.grad.shape() == h.shape(), "l1_penalty().grad must have h's shape (N, H)");
    if (p.grad(0, 2) != 0.f || p.grad(3, 1) != 0.f)
        FAIL_CHECK("l1_penalty().grad where h is exactly 0: expected 0, got "
                   << p.grad(0, 2) << ": a zero activation must get a zero (sub)gradient");
    const Matrix expected = {
        {0.25f, -0.25f, 0.f}, {0.25f, 0.25f, -0.25f}, {0.f, 0.25f, -0.25f}, {0.25f, 0.f, 0.25f}};
    test::check_close(
        p.grad, expected, 1e-6, "l1_penalty().grad",
        {{4.0, "the gradient of the sum over the N = 4 examples: divide by N"},
         {1.0 / 3, "divided by N * H: only the mean over the examples divides by something"}});
}

TEST_CASE("04 step 1 l1_penalty: gradient matches central differences") {
    Rng rng(11);
    Matrix h = rng.uniform(5, 7, -1.f, 1.f);
    for (auto& v : h)
        v += v > 0 ? 0.05f : -0.05f;  // away from the kink at 0, where |h| has no derivative
    const LossValue p = l1_penalty(h);
    test::MatD hd = test::to_double(h);
    auto loss = [&] {
        double s = 0;
        for (const auto& row : hd)
            for (double v : row) s += std::abs(v);
        return s / static_cast<double>(hd.size());
    };
    test::check_value(p.value, loss(), 1e-5, "l1_penalty().value");
    test::check_gradient(p.grad, hd, loss, "l1_penalty().grad");
}

namespace {
double kl_d(const test::MatD& h, double rho) {
    double value = 0;
    for (size_t j = 0; j < h[0].size(); ++j) {
        double r = 0;
        for (const auto& row : h) r += row[j];
        r /= static_cast<double>(h.size());
        value += rho * std::log(rho / r) + (1 - rho) * std::log((1 - rho) / (1 - r));
    }
    return value;
}

// kl_sparsity_penalty(h, 0.05) of two units (`kind`: dead or saturated) over N = 3 examples
// whose rho_hat is clamped to r (written `clamp`): the value, 2 x [0.05 log(0.05 / r) + 0.95
// log(0.95 / (1 - r))], and the gradient, the derivative taken at the clamped rho_hat divided by
// N, never 0 so that training can `move` the unit. A gradient that is not finite is the
// caller's to report, with its cause.
void check_clamped_units(const LossValue& p, double r, const std::string& kind,
                         const std::string& clamp, const std::string& move) {
    const double expected = 2 * (0.05 * std::log(0.05 / r) + 0.95 * std::log(0.95 / (1 - r)));
    test::check_value(
        p.value, expected, 1e-4,
        "kl_sparsity_penalty().value of two " + kind + " units (rho_hat clamped to " + clamp + ")");
    const Matrix row = {
        {float((-0.05 / r + 0.95 / (1 - r)) / 3), float((-0.05 / r + 0.95 / (1 - r)) / 3)}};
    if (!all_finite(p.grad)) return;
    if (p.grad(0, 0) == 0.f)
        FAIL_CHECK("kl_sparsity_penalty().grad of a "
                   << kind << " unit: expected " << row(0, 0)
                   << ", got 0: the contract asks for the derivative taken at "
                   << "the clamped rho_hat, so that training can " << move);
    else
        test::check_close(p.grad, xt::concatenate(xt::xtuple(row, row, row), 0), 1e-4,
                          "kl_sparsity_penalty().grad of two " + kind + " units (N = 3)");
}
}  // namespace

TEST_CASE("04 step 2 kl_sparsity_penalty: matches hand-computed values, zero at the target") {
    SUBCASE("mean activation equal to rho: value 0, gradient 0") {
        const Matrix h = {{0.1f, 0.2f}, {0.4f, 0.3f}};  // column means 0.25, 0.25
        const LossValue p = kl_sparsity_penalty(h, 0.25);
        test::check_value(p.value, 0.0, 1e-6, "kl_sparsity_penalty().value at the target");
        test::check_close(p.grad, xt::zeros<float>({2, 2}), 1e-6,
                          "kl_sparsity_penalty().grad at the target");
    }
    SUBCASE("two units with mean activations 0.2 and 0.5 against rho = 0.1") {
        // N = 4 examples; column means 0.2 and 0.5.
        const Matrix h = {{0.1f, 0.2f}, {0.3f, 0.8f}, {0.2f, 0.5f}, {0.2f, 0.5f}};
        const double rho = 0.1;
        const LossValue p = kl_sparsity_penalty(h, rho);
        REQUIRE_MESSAGE(p.grad.shape() == h.shape(),
                        "kl_sparsity_penalty().grad must have h's shape (N, H)");
        // Each unit: KL(Bernoulli(rho) || Bernoulli(mean)), and that with rho and 1 - rho swapped.
        auto kl = [](double a, double r) {
            return a * std::log(a / r) + (1 - a) * std::log((1 - a) / (1 - r));
        };
        auto dkl = [](double a, double r) { return (-a / r + (1 - a) / (1 - r)) / 4; };
        const double value = kl(rho, 0.2) + kl(rho, 0.5);
        const double swapped_a = kl(1 - rho, 0.2) + kl(1 - rho, 0.5);
        const double swapped_b = kl(rho, 0.8) + kl(rho, 0.5);
        const std::string swap =
            "rho and 1 - rho (or rho_hat and 1 - rho_hat) swapped in the penalty";
        if (std::abs(p.value - swapped_a) < 1e-4 || std::abs(p.value - swapped_b) < 1e-4)
            FAIL_CHECK("kl_sparsity_penalty().value: expected " << value << ", got " << p.value
                                                                << ": likely " << swap);
        else
            test::check_value(
                p.value, value, 1e-5, "kl_sparsity_penalty().value",
                {{0.25, "divided by N = 4: the penalty is a statistic of the whole batch"},
                 {0.5, "averaged over the H = 2 units: the penalty is their sum"}});
        const Matrix row = {{float(dkl(rho, 0.2)), float(dkl(rho, 0.5))}};
        const Matrix expected = xt::concatenate(xt::xtuple(row, row, row, row), 0);
        if (std::abs(p.grad(0, 0) - dkl(1 - rho, 0.2)) < 1e-4 ||
            std::abs(p.grad(0, 0) + dkl(rho, 0.8)) < 1e-4)
            FAIL_CHECK("kl_sparsity_penalty().grad: entry (0, 0) expected "
                       << expected(0, 0) << ", got " << p.grad(0, 0) << ": likely " << swap);
        else
            test::check_close(
                p.grad, expected, 1e-5, "kl_sparsity_penalty().grad",
                {{4.0, "the derivative by rho_hat without the 1/N from rho_hat = mean over N"}});
    }
    SUBCASE("a dead unit (all zeros): large but finite, thanks to the clamp") {
        const LossValue p = kl_sparsity_penalty(xt::zeros<float>({3, 2}), 0.05);
        CHECK_MESSAGE(all_finite(p.grad),
                      "kl_sparsity_penalty().grad of a dead unit must be finite: "
                      "clamp rho_hat before dividing by it");
        check_clamped_units(p, 1e-6, "dead", "1e-6", "revive the unit");
    }
    SUBCASE("a saturated unit (all ones): large but finite, clamped from above") {
        const LossValue p = kl_sparsity_penalty(xt::ones<float>({3, 2}), 0.05);
        REQUIRE_MESSAGE(std::isfinite(p.value),
                        "kl_sparsity_penalty().value of two units that "
                        "are always on (rho_hat = 1) is ",
                        p.value, ": rho_hat must stay inside [1e-6, 1 - 1e-6], both ends");
        CHECK_MESSAGE(all_finite(p.grad),
                      "kl_sparsity_penalty().grad of a saturated unit must "
                      "be finite: rho_hat must stay below 1 - 1e-6");
        check_clamped_units(p, 1 - 1e-6, "saturated", "1 - 1e-6", "pull the unit back");
    }
}

TEST_CASE("04 step 2 kl_sparsity_penalty: gradient matches central differences") {
    Rng rng(5);
    const Matrix h = rng.uniform(6, 4, 0.05f, 0.6f);
    const double rho = 0.1;
    const LossValue p = kl_sparsity_penalty(h, rho);
    test::MatD hd = test::to_double(h);
    auto loss = [&] { return kl_d(hd, rho); };
    test::check_value(p.value, loss(), 1e-5, "kl_sparsity_penalty().value");
    // Every h_nj of a column moves rho_hat_j: the gradient couples the whole batch.
    test::check_gradient(p.grad, hd, loss, "kl_sparsity_penalty().grad");
}

TEST_CASE(
    "04 step 3 contractive_penalty: equals the squared norm of a finite-difference Jacobian") {
    const Encoder e = random_encoder(4, 6, 5, 1.f, 3);
    const ContractiveValue c = contractive_penalty(e.x, e.h, e.W);
    const double reference =
        jacobian_penalty_fd(test::to_double(e.x), test::to_double(e.W), test::to_double(e.b));
    // float32 h and W: 1e-5 relative is ample; a missing square or factor is off by far more.
    test::check_value(c.value, reference, 1e-5, "contractive_penalty().value",
                      {{4.0, "the sum over the N = 4 examples: the penalty is their mean"}});
    REQUIRE_MESSAGE(c.dW.shape() == e.W.shape(), "dW must have W's shape (D, H)");
    REQUIRE_MESSAGE(c.db.shape() == e.b.shape(), "db must have b's shape (1, H)");
}

TEST_CASE(
    "04 step 3 contractive_penalty: zero for a constant encoder, grows with the weight scale") {
    Encoder e = random_encoder(8, 10, 6, 1.f, 9);
    SUBCASE("W = 0: h does not depend on x, the penalty and its W gradient are 0") {
        const Matrix W = xt::zeros<float>({10, 6});
        Matrix a = xt::zeros<float>({8, 6});
        add_row(a, e.b);
        const ContractiveValue c = contractive_penalty(e.x, sigmoid(a), W);
        test::check_value(c.value, 0.0, 1e-7, "contractive_penalty().value at W = 0");
        test::check_close(c.dW, xt::zeros<float>({10, 6}), 1e-7,
                          "contractive_penalty().dW at W = 0");
    }
    SUBCASE("tiny weights, b = 0: h = 1/2, s = 1/4, so the penalty is |W|_F^2 / 16") {
        const Matrix W = e.W * 1e-3f;
        const ContractiveValue c = contractive_penalty(e.x, sigmoid(matmul(e.x, W)), W);
        const double frob2 = xt::sum(xt::cast<double>(W * W))();
        test::check_value(c.value, frob2 / 16, 1e-4, "contractive_penalty().value with h = 1/2",
                          {{double(e.x.shape()[0]),
                            "the sum over the N = 8 examples: the penalty is their mean"}});
    }
    SUBCASE("scaling W by 0.05, 0.1, 0.2, 0.4 increases the penalty, about 4x per doubling") {
        double previous = 0;
        for (float scale : {0.05f, 0.1f, 0.2f, 0.4f}) {
            const Matrix W = e.W * scale;
            Matrix a = matmul(e.x, W);
            add_row(a, e.b);
            const double p = contractive_penalty(e.x, sigmoid(a), W).value;
            INFO("scale ", scale, ": penalty ", p, " (previous ", previous, ")");
            CHECK(p > 2.5 * previous);  // exactly 4x for a linear encoder; saturation lowers it
            previous = p;
        }
    }
}

TEST_CASE("04 step 3 contractive_penalty: dW and db match central differences") {
    const Encoder e = random_encoder(5, 6, 4, 1.f, 21);
    const ContractiveValue c = contractive_penalty(e.x, e.h, e.W);
    const test::MatD x = test::to_double(e.x);
    test::MatD W = test::to_double(e.W), b = test::to_double(e.b);
    // The derivative of P(W, b) with x fixed: through h = sigmoid(x W + b) and through w_j.
    auto loss = [&] { return contractive_d(x, W, b); };
    test::check_value(c.value, loss(), 1e-5, "contractive_penalty().value");
    REQUIRE_MESSAGE(c.dW.shape() == e.W.shape(), "dW must have W's shape (D, H)");
    REQUIRE_MESSAGE(c.db.shape() == e.b.shape(), "db must have b's shape (1, H)");
    const Matrix dW = numeric_gradient(W, loss), db = numeric_gradient(b, loss);
    // The part of dW that comes from W's own column norms (with h held fixed).
    Matrix direct(e.W.shape());
    for (size_t j = 0; j < e.W.shape()[1]; ++j) {
        double s2 = 0;
        for (size_t n = 0; n < e.h.shape()[0]; ++n) s2 += std::pow(e.h(n, j) * (1 - e.h(n, j)), 2);
        for (size_t i = 0; i < e.W.shape()[0]; ++i) direct(i, j) = float(2.0 / 5 * e.W(i, j) * s2);
    }
    const std::vector<test::Mistake> by_n = {
        {5.0, "the gradient of the sum over the N = 5 examples: divide by N"}};
    if (xt::amax(xt::abs(c.dW - (dW - direct)))() < 1e-4f)
        FAIL_CHECK(
            "contractive_penalty().dW: only the path through h: likely the term from W's "
            "own column norms (P depends on W twice) is missing");
    else if (xt::amax(xt::abs(c.dW - direct))() < 1e-4f)
        FAIL_CHECK(
            "contractive_penalty().dW: only the path through W's column norms: likely the "
            "term through h = sigmoid(x W + b) is missing");
    else
        test::check_close(c.dW, dW, 1e-4, "contractive_penalty().dW (central differences)", by_n);
    test::check_close(c.db, db, 1e-4, "contractive_penalty().db (central differences)", by_n);
    test::check_gradient(c.dW, W, loss, "contractive_penalty().dW");
    test::check_gradient(c.db, b, loss, "contractive_penalty().db");
}

namespace {
// A small wide model trained on 2000 images of the committed sample with one penalty.
struct Trained {
    double mean_h = 0, jacobian = 0, mse = 0;
};
// jacobian: measure the encoder's Jacobian too (it uses step 3's contractive_penalty, so step 2's
// test leaves it out).
Trained train_on_sample(const Penalty& penalty, bool jacobian) {
    DataRequest req;
    req.sample = true;
    req.max_train = 2000;
    const DataSplit data = load_data(req);
    Rng rng(1);
    l02::Autoencoder model = make_shallow_autoencoder(data.train.dim(), 64, rng);
    TrainSpec spec;
    spec.optimizer = OptimizerSpec::adam(2e-3f);
    spec.fit.epochs = 6;
    spec.fit.batch_size = 64;
    spec.fit.progress = spec.fit.verbose = false;
    train_variant(model, data.train.images, penalty, spec);
    const Matrix test_x = xt::view(data.test.images, xt::range(0, 500), xt::all());
    return {code_stats(l02::encode(model, test_x)).mean_activation,
            jacobian ? jacobian_norm(model, test_x) : 0.0, l02::test_mse(model, test_x)};
}
}  // namespace

TEST_CASE("04 step 2 kl_sparsity_penalty: training with it pulls the mean activation to rho") {
    const Trained plain = train_on_sample(Penalty{}, false);
    const Trained sparse = train_on_sample(Penalty{PenaltyKind::Kl, 1e-2f, 0.05f}, false);
    INFO("mean activation on test images: plain ", plain.mean_h, ", KL-sparse (rho = 0.05) ",
         sparse.mean_h, "; test MSE ", plain.mse, " vs ", sparse.mse);
    CHECK(plain.mean_h > 0.2);  // the plain code has no reason to be sparse
    CHECK(sparse.mean_h < 0.1);
    CHECK(std::abs(sparse.mean_h - 0.05) < 0.3 * std::abs(plain.mean_h - 0.05));
}

TEST_CASE("04 step 3 contractive_penalty: training with it shrinks the encoder's Jacobian") {
    const Trained plain = train_on_sample(Penalty{}, true);
    const Trained cae = train_on_sample(Penalty{PenaltyKind::Contractive, 3e-3f}, true);
    INFO("rms |J|_F on test images: plain ", plain.jacobian, ", contractive ", cae.jacobian);
    CHECK(cae.jacobian < 0.7 * plain.jacobian);
}
