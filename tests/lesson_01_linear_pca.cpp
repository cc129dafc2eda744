// Tests of lesson 01 (linear autoencoder = PCA). They run against your exercise.cpp
// (./workshop check 01) and against the reference solution (./workshop test).
#include <doctest/doctest.h>

#include <cmath>

#include "ae/data.hpp"
#include "ae/linalg.hpp"
#include "exercise.hpp"
#include "test_util.hpp"

using namespace ae;
using namespace ae::l01;

namespace {

// x = mean + codes * basis + noise, with codes of standard deviations `stddev` along
// orthonormal basis rows: PCA must find exactly that basis' span and those variances.
struct Planted {
    Matrix x, basis, mean;
};
Planted planted(size_t n, size_t d, const std::vector<float>& stddev, float noise, uint64_t seed) {
    Rng rng(seed);
    Planted p;
    p.basis = test::orthonormal_rows(rng.normal(stddev.size(), d));
    p.mean = rng.uniform(1, d, -1.f, 1.f);
    Matrix codes = rng.normal(n, stddev.size());
    for (size_t i = 0; i < n; ++i)
        for (size_t j = 0; j < stddev.size(); ++j) codes(i, j) *= stddev[j];
    p.x = matmul(codes, p.basis) + rng.normal(n, d, 0.f, noise);
    add_row(p.x, p.mean);
    return p;
}

LinearAE tiny_model() {
    LinearAE m;
    m.We = {{1.f, 0.f}, {0.f, 2.f}, {1.f, -1.f}};  // (D=3, Z=2)
    m.be = {{0.5f, -0.5f}};
    m.Wd = {{1.f, 1.f, 0.f}, {0.f, 1.f, -1.f}};  // (Z=2, D=3)
    m.bd = {{0.f, 0.1f, 0.2f}};
    return m;
}

// The loss of the linear AE computed here in double precision, independently of your code.
double reference_loss(const test::MatD& We, const test::MatD& be, const test::MatD& Wd,
                      const test::MatD& bd, const test::MatD& x) {
    const size_t n = x.size(), d = x[0].size(), z = be[0].size();
    double sum = 0;
    for (size_t i = 0; i < n; ++i) {
        std::vector<double> h(z);
        for (size_t k = 0; k < z; ++k) {
            h[k] = be[0][k];
            for (size_t j = 0; j < d; ++j) h[k] += x[i][j] * We[j][k];
        }
        for (size_t j = 0; j < d; ++j) {
            double y = bd[0][j];
            for (size_t k = 0; k < z; ++k) y += h[k] * Wd[k][j];
            sum += (y - x[i][j]) * (y - x[i][j]);
        }
    }
    return sum / static_cast<double>(n * d);
}

}  // namespace

TEST_CASE("01 pca (step 1): finds a planted 3-D subspace and its variances") {
    const Planted p = planted(4000, 20, {3.f, 2.f, 1.f}, 0.01f, 1);
    const Pca result = pca(p.x, 3);
    REQUIRE_MESSAGE(result.components.shape()[0] == 3, "components must be (K, D) = (3, 20)");
    REQUIRE_MESSAGE(result.components.shape()[1] == 20, "components must be (K, D) = (3, 20)");
    REQUIRE_MESSAGE(result.variance.size() == 3, "one variance per component");
    test::check_close(result.mean, column_means(p.x), 1e-4, "pca().mean = the column means of x");
    // Rows must be orthonormal: C C^T = I (float eigenvectors: 1e-4 is ample).
    test::check_close(matmul(result.components, result.components, false, true), xt::eye<float>(3),
                      1e-4, "pca().components rows orthonormal (C C^T = I)");
    // Same subspace as the planted basis (compare projectors, never eigenvector signs);
    // the noise (0.01) tilts it by ~1e-4.
    CHECK_MESSAGE(test::projector_distance(result.components, p.basis) < 1e-2,
                  "pca().components must span the planted subspace");
    // Variances: descending, and equal to the variance of the data along each component.
    const Matrix codes = matmul(p.x - result.mean, result.components, false, true);
    for (size_t j = 0; j < 3; ++j) {
        const double var = test::column_variance(codes, j);
        INFO("component ", j, ": variance along it is ", var);
        CHECK(result.variance[j] == doctest::Approx(var).epsilon(1e-3));
        if (j > 0)
            CHECK_MESSAGE(result.variance[j] <= result.variance[j - 1], "variances descending");
    }
    double total = 0;
    for (size_t j = 0; j < 20; ++j) total += test::column_variance(p.x, j);
    CHECK_MESSAGE(result.total_variance == doctest::Approx(total).epsilon(1e-3),
                  "total_variance = the sum of the variances of all D columns");
}

TEST_CASE("01 pca (step 1): on Fashion-MNIST the squared error equals the discarded variance") {
    DataRequest req;
    req.sample = true;
    req.max_train = 2000;
    const Matrix x = load_data(req).train.images;
    const size_t n = x.shape()[0], d = x.shape()[1];
    const Pca p = pca(x, 16);
    const Matrix x_hat = pca_decode(p, pca_encode(p, x));
    double sse = 0;
    for (size_t i = 0; i < x.size(); ++i) sse += std::pow(double(x_hat.data()[i]) - x.data()[i], 2);
    double kept = 0;
    for (double v : p.variance) kept += v;
    // sum of squared errors / (N - 1) = total variance - kept variance (an identity of PCA).
    CHECK(sse / double(n - 1) == doctest::Approx(p.total_variance - kept).epsilon(2e-3));
    CHECK_MESSAGE(p.variance[0] > 0.2 * p.total_variance,
                  "the first component of Fashion-MNIST explains over 20% of the variance");
    (void)d;
}

TEST_CASE("01 forward (step 2a): a hand-computed example") {
    const Matrix x = {{1.f, 2.f, 3.f}, {0.f, -1.f, 1.f}};
    const Forward f = forward(tiny_model(), x);
    // h = x We + be: row 1 = (1 + 3 + 0.5, 4 - 3 - 0.5) = (4.5, 0.5); row 2 = (1.5, -3.5).
    test::check_close(f.h, Matrix{{4.5f, 0.5f}, {1.5f, -3.5f}}, 1e-6, "forward().h");
    // x_hat = h Wd + bd: row 1 = (4.5, 5.1, -0.3); row 2 = (1.5, -1.9, 3.7).
    test::check_close(f.x_hat, Matrix{{4.5f, 5.1f, -0.3f}, {1.5f, -1.9f, 3.7f}}, 1e-5,
                      "forward().x_hat");
}

TEST_CASE("01 mse (step 2b): mean over all N*D entries") {
    const Matrix a = {{1.f, 2.f}, {3.f, 4.f}}, b = {{1.f, 0.f}, {0.f, 4.f}};
    // (0 + 4 + 9 + 0) / 4 entries
    CHECK(mse(a, b) == doctest::Approx(13.0 / 4.0));
    CHECK(mse(a, a) == doctest::Approx(0.0));
}

TEST_CASE("01 backward (step 2c): gradients match central differences in double precision") {
    Rng rng(7);
    LinearAE m = init_linear_ae(6, 3, rng);
    m.be = rng.normal(1, 3, 0.f, 0.5f);
    m.bd = rng.normal(1, 6, 0.f, 0.5f);
    const Matrix x = rng.uniform(5, 6);
    const LinearAEGrads g = backward(m, x, forward(m, x));
    // Finite differences of the double-precision loss: exact to ~1e-9, so the tolerance
    // (1e-3 relative) only has to absorb your float32 arithmetic.
    test::MatD We = test::to_double(m.We), be = test::to_double(m.be), Wd = test::to_double(m.Wd),
               bd = test::to_double(m.bd);
    const test::MatD xd = test::to_double(x);
    auto loss = [&] { return reference_loss(We, be, Wd, bd, xd); };
    test::check_gradient(g.We, We, loss, "backward().We");
    test::check_gradient(g.be, be, loss, "backward().be");
    test::check_gradient(g.Wd, Wd, loss, "backward().Wd");
    test::check_gradient(g.bd, bd, loss, "backward().bd");
}

TEST_CASE("01 principal_angles (step 3): identical, re-based, orthogonal and tilted subspaces") {
    Rng rng(3);
    const Matrix A = test::orthonormal_rows(rng.normal(3, 10));
    SUBCASE("identical: all cosines 1, angle 0") {
        const Angles a = principal_angles(A, A);
        REQUIRE(a.cosines.size() == 3);
        for (double c : a.cosines) CHECK(c == doctest::Approx(1.0).epsilon(1e-5));
        CHECK(a.mean_cos2 == doctest::Approx(1.0).epsilon(1e-5));
        CHECK(a.largest_angle_deg < 0.5);
    }
    SUBCASE("another basis of the same subspace: still angle 0") {
        const Matrix mix = {{2.f, 1.f, 0.f}, {0.f, 1.f, -1.f}, {1.f, 0.f, 3.f}};
        const Angles a = principal_angles(A, matmul(mix, A));
        CHECK(a.mean_cos2 == doctest::Approx(1.0).epsilon(1e-4));
        CHECK(a.largest_angle_deg < 0.5);
    }
    SUBCASE("orthogonal subspaces: cosines 0, angle 90") {
        Matrix e = xt::zeros<float>({size_t{2}, size_t{4}}),
               f = xt::zeros<float>({size_t{2}, size_t{4}});
        e(0, 0) = e(1, 1) = 1.f;
        f(0, 2) = f(1, 3) = 1.f;
        const Angles a = principal_angles(e, f);
        CHECK(a.mean_cos2 == doctest::Approx(0.0));
        CHECK(a.largest_angle_deg == doctest::Approx(90.0).epsilon(1e-4));
    }
    SUBCASE("one direction tilted by 30 degrees") {
        const float t = static_cast<float>(M_PI / 6);
        const Matrix e = {{1.f, 0.f, 0.f, 0.f}, {0.f, 0.f, 1.f, 0.f}};
        const Matrix f = {{std::cos(t), std::sin(t), 0.f, 0.f}, {0.f, 0.f, 1.f, 0.f}};
        const Angles a = principal_angles(e, f);
        REQUIRE(a.cosines.size() == 2);
        CHECK(a.cosines[0] == doctest::Approx(1.0).epsilon(1e-5));
        CHECK(a.cosines[1] == doctest::Approx(std::cos(t)).epsilon(1e-5));
        CHECK(a.largest_angle_deg == doctest::Approx(30.0).epsilon(1e-3));
        CHECK(a.mean_cos2 == doctest::Approx((1 + 0.75) / 2).epsilon(1e-5));
    }
}

TEST_CASE("01 the trained linear AE reaches PCA's error and subspace on the data sample") {
    DataRequest req;
    req.sample = true;
    const DataSplit data = load_data(req);
    const size_t k = 8;
    const Pca p = pca(data.train.images, k);
    const double pca_mse = mse(pca_decode(p, pca_encode(p, data.test.images)), data.test.images);
    Rng rng(1);
    LinearAE model = init_linear_ae(data.train.dim(), k, rng);
    FitOptions opt;
    opt.epochs = 12;
    opt.batch_size = 64;
    opt.progress = opt.verbose = false;
    train_linear_ae(model, data.train.images, opt, 3e-3f);
    const double ae_mse = mse(forward(model, data.test.images).x_hat, data.test.images);
    INFO("test MSE: PCA-8 ", pca_mse, ", linear AE ", ae_mse);
    // PCA is optimal among linear reconstructions of the *training* data, so on test data
    // the AE may land marginally below; 5% above is what 12 epochs of Adam reach.
    CHECK(ae_mse < 1.05 * pca_mse);
    CHECK(ae_mse > 0.95 * pca_mse);
    // Same subspace: the decoder rows span (nearly) the PCA components.
    const double cos2 = test::mean_cos2(model.Wd, p.components);
    INFO("mean cos^2 of the principal angles (computed by the test): ", cos2);
    CHECK(cos2 > 0.9);
}
