// Tests of lesson 01 (linear autoencoder = PCA), one or more per README step. They run against
// your exercise.cpp (./workshop check 01) and against the reference solution (./workshop test).
#include <doctest/doctest.h>

#include <cmath>

#include "ae/data.hpp"
#include "ae/linalg.hpp"
#include "exercise.hpp"
#include "lesson.hpp"
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

TEST_CASE("01 step 1 pca: exact sample variances on four hand-made points") {
    // A diamond around (1, 3): the columns vary independently, with sums of squared deviations
    // 8 and 2 over N = 4 points, so the sample variances are 8/3 and 2/3 along the two axes.
    const Matrix x = {{-1.f, 3.f}, {3.f, 3.f}, {1.f, 2.f}, {1.f, 4.f}};
    const Pca p = pca(x, 2);
    REQUIRE_MESSAGE(p.variance.size() == 2, "pca(x, 2).variance must hold K = 2 values, got ",
                    p.variance.size());
    const std::vector<test::Mistake> divisor = {
        {0.75, "divided by N instead of N - 1 (the sample variance uses N - 1)"},
        {0.6, "divided by N + 1 instead of N - 1"},
        {3.0, "forgot to divide the sums of squares by N - 1"}};
    test::check_close(p.mean, Matrix{{1.f, 3.f}}, 1e-6, "pca().mean (the column means)");
    test::check_close(Matrix{{float(p.variance[0]), float(p.variance[1])}},
                      Matrix{{8.f / 3.f, 2.f / 3.f}}, 1e-5, "pca().variance, largest first",
                      divisor);
    test::check_value(p.total_variance, 10.0 / 3.0, 1e-5,
                      "pca().total_variance (the sum of the per-pixel sample variances)", divisor);
    REQUIRE(p.components.shape()[0] == 2);
    REQUIRE(p.components.shape()[1] == 2);
    CHECK_MESSAGE(std::abs(p.components(0, 0)) == doctest::Approx(1.0).epsilon(1e-5),
                  "the first component is the axis of largest variance, (+-1, 0); got (",
                  p.components(0, 0), ", ", p.components(0, 1), ")");
}

TEST_CASE("01 step 1 pca: finds a planted 3-D subspace and its variances") {
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
        test::check_value(result.variance[j], test::column_variance(codes, j), 1e-3,
                          "pca().variance[" + std::to_string(j) +
                              "] (the sample variance of the data along component " +
                              std::to_string(j) + ")");
        if (j > 0)
            CHECK_MESSAGE(result.variance[j] <= result.variance[j - 1],
                          "variances must be in descending order, got ", result.variance[j - 1],
                          " then ", result.variance[j]);
    }
    double total = 0;
    for (size_t j = 0; j < 20; ++j) total += test::column_variance(p.x, j);
    test::check_value(
        result.total_variance, total, 1e-3,
        "pca().total_variance (the sum of the variances of all D columns)",
        {{1.0 / 20, "the mean of the column variances: the contract asks for their sum"}});
}

TEST_CASE("01 step 1 pca: on Fashion-MNIST the squared error equals the discarded variance") {
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
    INFO("squared reconstruction error / (N - 1) is ", sse / double(n - 1),
         "; total - kept variance is ", p.total_variance - kept,
         ": they differ when the components are not the top 16 or not orthonormal");
    CHECK(sse / double(n - 1) == doctest::Approx(p.total_variance - kept).epsilon(2e-3));
    CHECK_MESSAGE(p.variance[0] > 0.2 * p.total_variance,
                  "the first component of Fashion-MNIST explains over 20% of the variance");
    (void)d;
}

TEST_CASE("01 step 2a forward: matches a hand-computed example") {
    const Matrix x = {{1.f, 2.f, 3.f}, {0.f, -1.f, 1.f}};
    const Forward f = forward(tiny_model(), x);
    // h = x We + be: row 1 = (1 + 3 + 0.5, 4 - 3 - 0.5) = (4.5, 0.5); row 2 = (1.5, -3.5).
    test::check_close(f.h, Matrix{{4.5f, 0.5f}, {1.5f, -3.5f}}, 1e-6, "forward().h");
    // x_hat = h Wd + bd: row 1 = (4.5, 5.1, -0.3); row 2 = (1.5, -1.9, 3.7).
    test::check_close(f.x_hat, Matrix{{4.5f, 5.1f, -0.3f}, {1.5f, -1.9f, 3.7f}}, 1e-5,
                      "forward().x_hat");
}

TEST_CASE("01 step 2b mse: the mean over all N*D entries of a hand-computed example") {
    // N = 2, D = 3: squared differences 0 4 0 / 9 0 4, sum 17 over 6 entries.
    const Matrix a = {{1.f, 2.f, 3.f}, {3.f, 4.f, 0.f}}, b = {{1.f, 0.f, 3.f}, {0.f, 4.f, 2.f}};
    test::check_value(mse(a, b), 17.0 / 6.0, 1e-6, "mse(x_hat, x)",
                      {{6.0, "the sum of the squared errors: divide by all N*D entries"},
                       {3.0, "divided by N only: the mean is over all N*D entries"},
                       {2.0, "divided by D only: the mean is over all N*D entries"}});
    test::check_value(mse(a, a), 0.0, 1e-12, "mse(x, x) of identical matrices");
}

TEST_CASE("01 step 2c backward: gradients match central differences in double precision") {
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
    // N = 5 and D = 6 (and N * D = 30) are distinct factors, so a wrong mean factor is named.
    const std::vector<test::Mistake> factors = {
        {6.0, "divided by N = 5 only: the loss is a mean over all N * D entries (D = 6)"},
        {5.0, "divided by D = 6 only: the loss is a mean over all N * D entries (N = 5)"},
        {30.0, "no mean factor: the loss is a mean over all N * D = 30 entries"},
        {3.0, "divided by N = 5 only (D = 6 missing), and the 2 of the square missing too"},
        {2.5, "divided by D = 6 only (N = 5 missing), and the 2 of the square missing too"},
        {15.0, "no mean factor (N * D = 30), and the 2 of the square missing too"}};
    test::check_gradient(g.We, We, loss, "backward().We", 1e-3, 1e-5, factors);
    test::check_gradient(g.be, be, loss, "backward().be", 1e-3, 1e-5, factors);
    test::check_gradient(g.Wd, Wd, loss, "backward().Wd", 1e-3, 1e-5, factors);
    test::check_gradient(g.bd, bd, loss, "backward().bd", 1e-3, 1e-5, factors);
}

TEST_CASE("01 step 2c training: the linear AE reaches PCA's error and subspace on the sample") {
    DataRequest req;
    req.sample = true;
    const DataSplit data = load_data(req);
    const size_t k = 8;
    const Pca p = pca(data.train.images, k);
    const double pca_mse = mse(pca_decode(p, pca_encode(p, data.test.images)), data.test.images);
    Rng rng(1);
    LinearAE model = init_linear_ae(data.train.dim(), k, rng);
    TrainSpec spec;
    spec.optimizer = OptimizerSpec::adam(3e-3f);
    spec.fit.epochs = 12;
    spec.fit.batch_size = 64;
    spec.fit.progress = spec.fit.verbose = false;
    train_linear_ae(model, data.train.images, spec);
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

TEST_CASE("01 step 3 principal_angles: identical, re-based, orthogonal and tilted subspaces") {
    Rng rng(3);
    const Matrix A = test::orthonormal_rows(rng.normal(3, 10));
    {  // identical: all cosines 1, angle 0
        const Angles a = principal_angles(A, A);
        REQUIRE_MESSAGE(a.cosines.size() == 3, "A (3, 10) with itself: expected 3 cosines, got ",
                        a.cosines.size());
        for (double c : a.cosines) test::check_value(c, 1.0, 1e-5, "A with itself: a cosine");
        test::check_value(a.mean_cos2, 1.0, 1e-5, "A with itself: mean_cos2");
        CHECK_MESSAGE(a.largest_angle_deg < 0.5,
                      "A with itself: the largest angle should be 0, got ", a.largest_angle_deg,
                      " degrees");
    }
    {  // another basis of the same subspace: still angle 0
        const Matrix mix = {{2.f, 1.f, 0.f}, {0.f, 1.f, -1.f}, {1.f, 0.f, 3.f}};
        const Angles a = principal_angles(A, matmul(mix, A));
        test::check_value(a.mean_cos2, 1.0, 1e-4,
                          "A and a mix of its rows (same subspace, another basis): mean_cos2; "
                          "below 1 means the rows were not orthonormalised first");
        CHECK_MESSAGE(a.largest_angle_deg < 0.5,
                      "same subspace, another basis: the largest angle should be 0, got ",
                      a.largest_angle_deg, " degrees");
    }
    {  // orthogonal subspaces: cosines 0, angle 90
        Matrix e = xt::zeros<float>({size_t{2}, size_t{4}}),
               f = xt::zeros<float>({size_t{2}, size_t{4}});
        e(0, 0) = e(1, 1) = 1.f;
        f(0, 2) = f(1, 3) = 1.f;
        const Angles a = principal_angles(e, f);
        test::check_value(a.mean_cos2, 0.0, 1e-6, "orthogonal subspaces: mean_cos2");
        test::check_value(a.largest_angle_deg, 90.0, 1e-4, "orthogonal subspaces: largest angle",
                          {{M_PI / 180, "the angle is in radians: the contract asks for degrees"}});
    }
    {  // one direction tilted by 30 degrees
        const float t = static_cast<float>(M_PI / 6);
        const Matrix e = {{1.f, 0.f, 0.f, 0.f}, {0.f, 0.f, 1.f, 0.f}};
        const Matrix f = {{std::cos(t), std::sin(t), 0.f, 0.f}, {0.f, 0.f, 1.f, 0.f}};
        const Angles a = principal_angles(e, f);
        REQUIRE_MESSAGE(a.cosines.size() == 2, "two 2-D subspaces: expected 2 cosines, got ",
                        a.cosines.size());
        test::check_value(a.cosines[0], 1.0, 1e-5, "tilted by 30 degrees: cosines[0] (descending)");
        test::check_value(a.cosines[1], std::cos(t), 1e-5,
                          "tilted by 30 degrees: cosines[1] (descending)");
        test::check_value(a.largest_angle_deg, 30.0, 1e-3, "largest_angle_deg",
                          {{M_PI / 180, "the angle is in radians: the contract asks for degrees"}});
        test::check_value(a.mean_cos2, (1 + 0.75) / 2, 1e-5, "mean_cos2 (the mean of cos^2)");
    }
}
