// Tests of the optimisers (ae/optim.hpp, common/src/optim.cpp): Adam and SGD against hand
// computations and the paper's formulas, and Adam's xsimd update against its plain twin.
// Run: build/bin/test_common -tc="common optim*"
#include <doctest/doctest.h>

#include <cmath>

#include "ae/error.hpp"
#include "ae/optim.hpp"
#include "test_util.hpp"

using namespace ae;

TEST_CASE("common optim: Adam's first two steps match a hand computation") {
    Matrix w = {{1.f, -1.f}}, g = {{0.5f, -2.f}};
    Adam adam(0.1f);
    adam.step({{"w", &w, &g}});
    // Step 1: m_hat = g, v_hat = g^2, so each weight moves by lr * sign(g).
    CHECK(w(0, 0) == doctest::Approx(0.9f).epsilon(1e-6));
    CHECK(w(0, 1) == doctest::Approx(-0.9f).epsilon(1e-6));
    g = {{1.f, 0.f}};
    adam.step({{"w", &w, &g}});
    // Step 2, first entry: m = 0.9*0.05 + 0.1*1 = 0.145, v = 0.999*0.00025 + 0.001 = 0.00124975;
    // m_hat = 0.145/0.19 = 0.763158, v_hat = 0.00124975/0.001999 = 0.625188.
    CHECK(w(0, 0) ==
          doctest::Approx(0.9 - 0.1 * 0.763158 / (std::sqrt(0.625188) + 1e-8)).epsilon(1e-5));
    // Second entry: m = -0.18, v = 0.003996; m_hat = -0.947368, v_hat = 1.998999.
    CHECK(w(0, 1) == doctest::Approx(-0.9 + 0.1 * 0.947368 / std::sqrt(1.998999)).epsilon(1e-5));
}

TEST_CASE("common optim: Adam and SGD on a large parameter (split over cores) follow the paper") {
    // 300 x 400 = 120,000 entries: above the threshold where the update is split over threads.
    Rng rng(9);
    Matrix w = rng.normal(300, 400), w2 = w;
    std::vector<double> wd(w.begin(), w.end()), m(w.size(), 0.0), v(w.size(), 0.0),
        w2d(w.begin(), w.end()), vel(w.size(), 0.0);
    const double lr = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-8, decay = 0.1, mu = 0.9;
    Adam adam(0.01f, 0.9f, 0.999f, 1e-8f, 0.1f);
    Sgd sgd(0.01f, 0.9f, 0.1f);
    for (int t = 1; t <= 3; ++t) {
        const Matrix g = rng.normal(300, 400);
        adam.step({{"w", &w, const_cast<Matrix*>(&g)}});
        sgd.step({{"w2", &w2, const_cast<Matrix*>(&g)}});
        for (size_t i = 0; i < w.size(); ++i) {
            const double gi = g.data()[i];
            m[i] = b1 * m[i] + (1 - b1) * gi;
            v[i] = b2 * v[i] + (1 - b2) * gi * gi;
            const double m_hat = m[i] / (1 - std::pow(b1, t)), v_hat = v[i] / (1 - std::pow(b2, t));
            wd[i] -= lr * (m_hat / (std::sqrt(v_hat) + eps) + decay * wd[i]);
            vel[i] = mu * vel[i] + gi;
            w2d[i] -= lr * (vel[i] + decay * w2d[i]);
        }
    }
    size_t adam_off = 0, sgd_off = 0;  // float steps of size ~lr: 1e-5 absolute is rounding only
    for (size_t i = 0; i < w.size(); ++i) {
        adam_off += std::abs(w.data()[i] - wd[i]) > 1e-5 ? 1 : 0;
        sgd_off += std::abs(w2.data()[i] - w2d[i]) > 1e-5 ? 1 : 0;
    }
    CHECK(adam_off == 0);
    CHECK(sgd_off == 0);
}

TEST_CASE("common optim: SGD with momentum and weight decay") {
    Matrix w = {{1.f}}, g = {{1.f}};
    Sgd sgd(0.1f, 0.9f);
    sgd.step({{"w", &w, &g}});
    CHECK(w(0, 0) == doctest::Approx(0.9f));
    sgd.step({{"w", &w, &g}});  // v = 0.9 * 1 + 1 = 1.9
    CHECK(w(0, 0) == doctest::Approx(0.71f));
    Matrix u = {{2.f}}, z = {{0.f}};
    Sgd decay(0.1f, 0.f, 0.5f);
    decay.step({{"u", &u, &z}});
    CHECK(u(0, 0) == doctest::Approx(1.9f));
}

TEST_CASE("common optim: a gradient of the wrong shape is a clear error") {
    Matrix w = {{1.f, 2.f}}, g = {{1.f}};
    Adam adam;
    CHECK_THROWS_WITH_AS(adam.step({{"enc.W", &w, &g}}),
                         doctest::Contains("enc.W is (1, 2) but its gradient is (1, 1)"),
                         ShapeError);
}

TEST_CASE("common optim: Adam's xsimd update equals the plain formula entry by entry") {
    // 1003 entries: whole batches and a ragged tail; values of both signs and sizes.
    const size_t n = 1003;
    Rng rng(11);
    const Matrix g0 = rng.normal(1, n), w0 = rng.normal(1, n), m0 = rng.normal(1, n, 0.f, 0.1f);
    const Matrix v0 = xt::square(rng.normal(1, n, 0.f, 0.1f));
    const detail::AdamStep k{0.9f, 0.999f, 0.1f, 0.001f, 1e-3f, 1e-8f, 0.01f};
    Matrix w1 = w0, m1 = m0, v1 = v0, w2 = w0, m2 = m0, v2 = v0;
    detail::adam_update_plain(k, w1.data(), g0.data(), m1.data(), v1.data(), n);
    detail::adam_update_simd(k, w2.data(), g0.data(), m2.data(), v2.data(), n);
    // The same operations in the same order; only fused multiply-adds may round differently.
    test::check_close(w2, w1, 1e-6, "w after one step");
    test::check_close(m2, m1, 1e-6, "m after one step");
    test::check_close(v2, v1, 1e-6, "v after one step");
}

TEST_CASE("common optim: Adam and SGD steps split over the cores equal the plain update") {
    // 669 x 784 >= parallel::kMinParallel entries: the steps run on chunks over the cores (the
    // test above, at 120,000 entries, stays on one thread). Two steps, so the state carries over.
    const size_t rows = 669, cols = 784;
    Rng rng(17);
    const Matrix w0 = rng.normal(rows, cols);
    Matrix w_adam = w0, w_sgd = w0, w_plain = w0, m = xt::zeros<float>({rows, cols}), v = m;
    Matrix w_sgd_plain = w0, velocity = m;
    Adam adam(0.01f, 0.9f, 0.999f, 1e-8f, 0.1f);
    Sgd sgd(0.01f, 0.9f, 0.1f);
    for (int t = 1; t <= 2; ++t) {
        Matrix g = rng.normal(rows, cols);
        adam.step({{"w", &w_adam, &g}});
        sgd.step({{"w", &w_sgd, &g}});
        const float tf = static_cast<float>(t);
        const detail::AdamStep k{
            0.9f, 0.999f, 1.f - std::pow(0.9f, tf), 1.f - std::pow(0.999f, tf), 0.01f, 1e-8f, 0.1f};
        detail::adam_update_plain(k, w_plain.data(), g.data(), m.data(), v.data(), w0.size());
        velocity = 0.9f * velocity + g;  // SGD with momentum, as ae/optim.hpp states it
        w_sgd_plain = w_sgd_plain - 0.01f * (velocity + 0.1f * w_sgd_plain);
    }
    // The same float operations, up to fused multiply-adds (a rounding of 2^-24 each): 1e-6.
    test::check_close(w_adam, w_plain, 1e-6,
                      "Adam, split over the cores, against the plain update");
    test::check_close(w_sgd, w_sgd_plain, 1e-6, "SGD, split over the cores, against its formula");
}
