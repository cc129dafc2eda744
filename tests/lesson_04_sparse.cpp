// Tests of lesson 04 (sparse and contractive autoencoders). They run against your exercise.cpp
// (./workshop check 04) and against the reference solution (./workshop test).
// References are independent double-precision computations: hand-computed values, central
// differences of the penalties, and a finite-difference Jacobian of the encoder.
#include <doctest/doctest.h>

#include <cmath>

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

TEST_CASE("04 l1_penalty (step 1): a hand-computed example, value and gradient") {
    const Matrix h = {{0.5f, -1.f, 0.f}, {2.f, 0.25f, -0.5f}};
    const LossValue p = l1_penalty(h);
    // (0.5 + 1 + 0 + 2 + 0.25 + 0.5) / N = 4.25 / 2
    CHECK(p.value == doctest::Approx(2.125));
    // sign(h) / N, and 0 (the subgradient the optimizer sees) where h is exactly 0.
    test::check_close(p.grad, Matrix{{0.5f, -0.5f, 0.f}, {0.5f, 0.5f, -0.5f}}, 1e-6,
                      "l1_penalty().grad");
}

TEST_CASE("04 l1_penalty (step 1): gradient matches central differences") {
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
    CHECK(p.value == doctest::Approx(loss()).epsilon(1e-5));
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
}  // namespace

TEST_CASE("04 kl_sparsity_penalty (step 2): hand-computed values, zero at the target") {
    SUBCASE("mean activation equal to rho: value 0, gradient 0") {
        const Matrix h = {{0.1f, 0.2f}, {0.4f, 0.3f}};  // column means 0.25, 0.25
        const LossValue p = kl_sparsity_penalty(h, 0.25);
        CHECK(p.value == doctest::Approx(0.0).epsilon(1e-6));
        test::check_close(p.grad, xt::zeros<float>({2, 2}), 1e-6, "kl_sparsity_penalty().grad");
    }
    SUBCASE("mean activation 0.5 against rho = 0.1") {
        const Matrix h = {{0.2f}, {0.8f}, {0.5f}, {0.5f}};  // N = 4, one unit, mean 0.5
        const LossValue p = kl_sparsity_penalty(h, 0.1);
        // 0.1 log(0.1 / 0.5) + 0.9 log(0.9 / 0.5) = 0.368064...
        CHECK(p.value == doctest::Approx(0.1 * std::log(0.2) + 0.9 * std::log(1.8)).epsilon(1e-5));
        // (-0.1 / 0.5 + 0.9 / 0.5) / N = 1.6 / 4, the same for every example of the unit
        test::check_close(p.grad, Matrix{{0.4f}, {0.4f}, {0.4f}, {0.4f}}, 1e-5,
                          "kl_sparsity_penalty().grad");
    }
    SUBCASE("a dead unit (all zeros): large but finite, thanks to the clamp") {
        const LossValue p = kl_sparsity_penalty(xt::zeros<float>({3, 2}), 0.05);
        // rho_hat clamped to 1e-6: 2 units x [0.05 log(0.05 / 1e-6) + 0.95 log(0.95 / (1 - 1e-6))]
        const double r = 1e-6,
                     expected = 2 * (0.05 * std::log(0.05 / r) + 0.95 * std::log(0.95 / (1 - r)));
        CHECK(p.value == doctest::Approx(expected).epsilon(1e-4));
        CHECK(all_finite(p.grad));
    }
}

TEST_CASE("04 kl_sparsity_penalty (step 2): gradient matches central differences") {
    Rng rng(5);
    const Matrix h = rng.uniform(6, 4, 0.05f, 0.6f);
    const double rho = 0.1;
    const LossValue p = kl_sparsity_penalty(h, rho);
    test::MatD hd = test::to_double(h);
    auto loss = [&] { return kl_d(hd, rho); };
    CHECK(p.value == doctest::Approx(loss()).epsilon(1e-5));
    // Every h_nj of a column moves rho_hat_j: the gradient couples the whole batch.
    test::check_gradient(p.grad, hd, loss, "kl_sparsity_penalty().grad");
}

TEST_CASE("04 contractive_penalty (step 3): equals |dh/dx|_F^2 of a finite-difference Jacobian") {
    const Encoder e = random_encoder(4, 6, 5, 1.f, 3);
    const ContractiveValue c = contractive_penalty(e.x, e.h, e.W);
    const double reference =
        jacobian_penalty_fd(test::to_double(e.x), test::to_double(e.W), test::to_double(e.b));
    INFO("penalty from a finite-difference Jacobian (double): ", reference);
    // float32 h and W: 1e-5 relative is ample; a missing square or factor is off by far more.
    CHECK(c.value == doctest::Approx(reference).epsilon(1e-5));
    REQUIRE_MESSAGE(c.dW.shape() == e.W.shape(), "dW must have W's shape (D, H)");
    REQUIRE_MESSAGE(c.db.shape() == e.b.shape(), "db must have b's shape (1, H)");
}

TEST_CASE("04 contractive_penalty (step 3): zero for a constant encoder, grows with weight scale") {
    Encoder e = random_encoder(8, 10, 6, 1.f, 9);
    SUBCASE("W = 0: h does not depend on x, the penalty and its W gradient are 0") {
        const Matrix W = xt::zeros<float>({10, 6});
        Matrix a = xt::zeros<float>({8, 6});
        add_row(a, e.b);
        const ContractiveValue c = contractive_penalty(e.x, sigmoid(a), W);
        CHECK(c.value == doctest::Approx(0.0));
        test::check_close(c.dW, xt::zeros<float>({10, 6}), 1e-7,
                          "contractive_penalty().dW at W = 0");
    }
    SUBCASE("tiny weights, b = 0: h = 1/2, s = 1/4, so the penalty is |W|_F^2 / 16") {
        const Matrix W = e.W * 1e-3f;
        const ContractiveValue c = contractive_penalty(e.x, sigmoid(matmul(e.x, W)), W);
        const double frob2 = xt::sum(xt::cast<double>(W * W))();
        CHECK(c.value == doctest::Approx(frob2 / 16).epsilon(1e-4));
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

TEST_CASE("04 contractive_penalty (step 3): dW and db match central differences") {
    const Encoder e = random_encoder(5, 6, 4, 1.f, 21);
    const ContractiveValue c = contractive_penalty(e.x, e.h, e.W);
    const test::MatD x = test::to_double(e.x);
    test::MatD W = test::to_double(e.W), b = test::to_double(e.b);
    // The derivative of P(W, b) with x fixed: through h = sigmoid(x W + b) and through w_j.
    auto loss = [&] { return contractive_d(x, W, b); };
    CHECK(c.value == doctest::Approx(loss()).epsilon(1e-5));
    test::check_gradient(c.dW, W, loss, "contractive_penalty().dW");
    test::check_gradient(c.db, b, loss, "contractive_penalty().db");
}

namespace {
// A small wide model trained on 2000 images of the committed sample with one penalty.
struct Trained {
    double mean_h = 0, jacobian = 0, mse = 0;
};
Trained train_on_sample(const Penalty& penalty) {
    DataRequest req;
    req.sample = true;
    req.max_train = 2000;
    const DataSplit data = load_data(req);
    Rng rng(1);
    l02::Autoencoder model = make_shallow_autoencoder(data.train.dim(), 64, rng);
    Adam adam(2e-3f);
    FitOptions fo;
    fo.epochs = 6;
    fo.batch_size = 64;
    fo.progress = fo.verbose = false;
    train_variant(model, data.train.images, penalty, fo, adam);
    const Matrix test_x = xt::view(data.test.images, xt::range(0, 500), xt::all());
    return {code_stats(l02::encode(model, test_x)).mean_activation, jacobian_norm(model, test_x),
            l02::test_mse(model, test_x)};
}
}  // namespace

TEST_CASE("04 kl_sparsity_penalty (step 2): training with it pulls the mean activation to rho") {
    const Trained plain = train_on_sample(Penalty{});
    const Trained sparse = train_on_sample(Penalty{PenaltyKind::Kl, 1e-2f, 0.05f});
    INFO("mean activation on test images: plain ", plain.mean_h, ", KL-sparse (rho = 0.05) ",
         sparse.mean_h, "; test MSE ", plain.mse, " vs ", sparse.mse);
    CHECK(plain.mean_h > 0.2);  // the plain code has no reason to be sparse
    CHECK(sparse.mean_h < 0.1);
    CHECK(std::abs(sparse.mean_h - 0.05) < 0.3 * std::abs(plain.mean_h - 0.05));
}

TEST_CASE("04 contractive_penalty (step 3): training with it shrinks the encoder's Jacobian") {
    const Trained plain = train_on_sample(Penalty{});
    const Trained cae = train_on_sample(Penalty{PenaltyKind::Contractive, 3e-3f});
    INFO("rms |J|_F on test images: plain ", plain.jacobian, ", contractive ", cae.jacobian);
    CHECK(cae.jacobian < 0.7 * plain.jacobian);
}
