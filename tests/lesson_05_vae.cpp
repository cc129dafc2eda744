// Tests of lesson 05 (the variational autoencoder). They run against your exercise.cpp
// (./workshop check 05) and against the reference solution (./workshop test). References are
// independent of your code: closed forms, Monte Carlo, and a double-precision VAE written here.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <random>
#include <string>
#include <unistd.h>

#include "ae/data.hpp"
#include "ae/error.hpp"
#include "ae/loss.hpp"
#include "exercise.hpp"
#include "test_util.hpp"

using namespace ae;
using namespace ae::l05;
using test::MatD;

namespace {

double bce_d(double logit, double t) {
    return std::max(logit, 0.0) - logit * t + std::log1p(std::exp(-std::abs(logit)));
}

// y = x W + b (ReLU optional), in double.
MatD dense_d(const MatD& x, const MatD& W, const MatD& b, bool relu) {
    MatD y(x.size(), std::vector<double>(W[0].size()));
    for (size_t i = 0; i < x.size(); ++i) {
        for (size_t k = 0; k < W[0].size(); ++k) {
            double s = b[0][k];
            for (size_t j = 0; j < W.size(); ++j) s += x[i][j] * W[j][k];
            y[i][k] = relu ? std::max(s, 0.0) : s;
        }
    }
    return y;
}

// The five Dense layers of a Vae, in params() order: trunk.0, mu.0, logvar.0, decoder.0, decoder.2.
std::vector<Dense*> dense_layers(Vae& m) {
    return {&static_cast<Dense&>(m.trunk[0]), &static_cast<Dense&>(m.mu_head[0]),
            &static_cast<Dense&>(m.logvar_head[0]), &static_cast<Dense&>(m.decoder[0]),
            &static_cast<Dense&>(m.decoder[2])};
}

// The VAE loss mean_i [ sum_j BCE + beta KL_i ] with fixed eps, in double. P: W, b of each layer.
double vae_loss_d(const std::vector<MatD>& P, const MatD& x, const MatD& eps, double beta) {
    const MatD h = dense_d(x, P[0], P[1], true);
    const MatD mu = dense_d(h, P[2], P[3], false), lv = dense_d(h, P[4], P[5], false);
    MatD z = mu;
    double kl = 0;
    for (size_t i = 0; i < z.size(); ++i) {
        for (size_t k = 0; k < z[i].size(); ++k) {
            z[i][k] += std::exp(lv[i][k] / 2) * eps[i][k];
            kl += 0.5 * (mu[i][k] * mu[i][k] + std::exp(lv[i][k]) - 1 - lv[i][k]);
        }
    }
    const MatD logits = dense_d(dense_d(z, P[6], P[7], true), P[8], P[9], false);
    double recon = 0;
    for (size_t i = 0; i < x.size(); ++i)
        for (size_t j = 0; j < x[i].size(); ++j) recon += bce_d(logits[i][j], x[i][j]);
    return (recon + beta * kl) / double(x.size());
}

// A "VAE" whose decoder is one Dense(Z, Z) layer with W = I, b = 0: decode(z) = sigmoid(z), so
// the logits of what sample_prior and interpolate return are the codes themselves.
Vae identity_decoder_vae(size_t z) {
    Rng rng(1);
    Vae m;
    m.d = m.z = z, m.h = 1;
    Dense& out = m.decoder.add<Dense>(z, z, rng);
    out.W = xt::eye<float>(z);
    return m;
}
Matrix logit(const Matrix& p) {
    return xt::log(p / (1.f - p));
}
bool has_shape(const Matrix& m, size_t rows, size_t cols) {
    return m.shape()[0] == rows && m.shape()[1] == cols;
}

}  // namespace

TEST_CASE("05 step 1a reparameterize: matches hand-computed values") {
    const Matrix mu = {{1.f, -2.f}, {0.f, 0.5f}};
    const Matrix logvar = {{0.f, float(2 * std::log(3.0))},
                           {float(2 * std::log(0.5)), 0.f}};  // sigma 1, 3, 0.5, 1
    const Matrix eps = {{0.5f, -1.f}, {2.f, 0.f}};
    const Matrix z = reparameterize(mu, logvar, eps);
    REQUIRE_MESSAGE(has_shape(z, 2, 2), "reparameterize() must be (N, Z), got " << shape_str(z));
    // Scaling eps by the variance (9 for sigma 3) instead of the standard deviation gives -11.
    if (std::abs(z(0, 1) + 11.f) < 1e-3f)
        FAIL_CHECK(
            "reparameterize(): entry (0, 1) is -11, expected -5: likely eps scaled by the "
            "variance instead of the standard deviation (logvar is the log of the variance)");
    test::check_close(z, Matrix{{1.5f, -5.f}, {1.f, 0.5f}}, 1e-5,
                      "reparameterize(mu, logvar, eps)");
}

TEST_CASE("05 step 1b reparameterize_backward: matches hand-computed values") {
    // sigma = 1, 3, 0.5, 1; dL/dz = 1, 2, -1, 4.
    const Matrix logvar = {{0.f, float(2 * std::log(3.0))}, {float(2 * std::log(0.5)), 0.f}};
    const Matrix eps = {{0.5f, -1.f}, {2.f, 0.f}}, grad_z = {{1.f, 2.f}, {-1.f, 4.f}};
    const ReparamGrads g = reparameterize_backward(logvar, eps, grad_z);
    test::check_close(g.mu, grad_z, 1e-5, "reparameterize_backward().mu");
    // dL/dz x sigma x eps / 2: 1 x 1 x 0.5 / 2, 2 x 3 x (-1) / 2, -1 x 0.5 x 2 / 2, 4 x 1 x 0 / 2.
    test::check_close(g.logvar, Matrix{{0.25f, -3.f}, {-0.5f, 0.f}}, 1e-5,
                      "reparameterize_backward().logvar",
                      {{2.0,
                        "the factor 1/2 of the chain rule through the halved log-variance is "
                        "missing"}});
}

TEST_CASE("05 step 1b reparameterize_backward: matches central differences with eps fixed") {
    Rng rng(3);
    const Matrix mu = rng.normal(4, 3), logvar = rng.normal(4, 3, 0.f, 0.7f),
                 eps = rng.normal(4, 3);
    const Matrix w = rng.normal(4, 3);  // L = sum w * z, so dL/dz = w
    const ReparamGrads g = reparameterize_backward(logvar, eps, w);
    MatD mud = test::to_double(mu), lvd = test::to_double(logvar);
    const MatD ed = test::to_double(eps), wd = test::to_double(w);
    auto loss = [&] {
        double s = 0;
        for (size_t i = 0; i < 4; ++i)
            for (size_t k = 0; k < 3; ++k)
                s += wd[i][k] * (mud[i][k] + std::exp(lvd[i][k] / 2) * ed[i][k]);
        return s;
    };
    // Double-precision differences are exact to ~1e-9; 1e-3 only absorbs float32 rounding.
    test::check_gradient(g.mu, mud, loss, "reparameterize_backward().mu");
    test::check_gradient(g.logvar, lvd, loss, "reparameterize_backward().logvar");
}

TEST_CASE("05 step 2 kl_divergence: matches closed-form values") {
    // One dimension each: mu = 2, logvar = 0 -> (4 + 1 - 1 - 0) / 2 = 2; mu = 0, logvar = 0 -> 0;
    // mu = 0, logvar = ln 2 -> (2 - 1 - ln 2) / 2.
    const Matrix mu = {{2.f}, {0.f}, {0.f}}, logvar = {{0.f}, {0.f}, {float(std::log(2.0))}};
    const Kl kl = kl_divergence(mu, logvar);
    const double third = (1 - std::log(2.0)) / 2;
    test::check_close(kl.per_example, Matrix{{2.f}, {0.f}, {float(third)}}, 1e-6,
                      "kl_divergence().per_example");
    CHECK_MESSAGE(kl.mean == doctest::Approx((2 + third) / 3).epsilon(1e-6),
                  "kl_divergence().mean over the 3 examples");
    // Several dimensions add up: two copies of (2, 0) give 4.
    test::check_value(kl_divergence(Matrix{{2.f, 2.f}}, Matrix{{0.f, 0.f}}).mean, 4.0, 1e-6,
                      "kl_divergence() of one image with two dimensions",
                      {{0.5, "the mean over the Z dimensions: the KL of an image is their sum"}});
}

TEST_CASE("05 step 2 kl_divergence: gradients of the mean match hand-computed values") {
    // N = 3 images, Z = 2; sigma^2 = 1, 2 / 0.5, 1 / e, 0.25.
    const float ln2 = float(std::log(2.0));
    const Matrix mu = {{2.f, -1.f}, {0.f, 0.5f}, {1.f, -3.f}};
    const Matrix logvar = {{0.f, ln2}, {-ln2, 0.f}, {1.f, -2 * ln2}};
    const Kl kl = kl_divergence(mu, logvar);
    REQUIRE_MESSAGE(kl.grad_mu.shape() == mu.shape(), "grad_mu must be (N, Z)");
    REQUIRE_MESSAGE(kl.grad_logvar.shape() == mu.shape(), "grad_logvar must be (N, Z)");
    const std::vector<test::Mistake> by_n = {
        {3.0, "the gradient of the sum over the N = 3 images: divide by N for the mean"}};
    test::check_close(kl.grad_mu, mu / 3.f, 1e-5, "kl_divergence().grad_mu", by_n);
    const Matrix expected_lv = (xt::exp(logvar) - 1.f) / 6.f;
    test::check_close(kl.grad_logvar, expected_lv, 1e-5, "kl_divergence().grad_logvar",
                      {by_n[0],
                       {6.0,
                        "the gradient of the sum over the N = 3 images, and without the 1/2 "
                        "in front of the KL"},
                       {2.0, "the 1/2 in front of the KL is missing from the gradient"}});
}

TEST_CASE("05 step 2 kl_divergence: agrees with a Monte Carlo estimate and with the library") {
    const Matrix mu = {{0.5f, -1.f, 0.2f}}, logvar = {{0.3f, -0.5f, 1.f}};
    // KL = E_q[log q(z) - log p(z)] = E[sum_k (z_k^2 - eps_k^2 - logvar_k) / 2], z = mu + sigma
    // eps.
    std::mt19937_64 gen(11);
    std::normal_distribution<double> normal;
    const int n = 200000;
    double sum = 0, sq = 0;
    for (int s = 0; s < n; ++s) {
        double v = 0;
        for (size_t k = 0; k < 3; ++k) {
            const double e = normal(gen), z = mu(0, k) + std::exp(logvar(0, k) / 2) * e;
            v += 0.5 * (z * z - e * e - logvar(0, k));
        }
        sum += v, sq += v * v;
    }
    const double mc = sum / n, se = std::sqrt((sq / n - mc * mc) / n);
    const Kl kl = kl_divergence(mu, logvar);
    INFO("Monte Carlo KL ", mc, " +- ", se, " (standard error); yours ", kl.mean);
    CHECK(std::abs(kl.mean - mc) < 4 * se);  // fails by chance with probability < 1e-4
    CHECK(kl.mean == doctest::Approx(kl_standard_normal(mu, logvar).value).epsilon(1e-5));
}

TEST_CASE("05 step 2 kl_divergence: gradients of the mean match central differences") {
    Rng rng(5);
    const Matrix mu = rng.normal(5, 3), logvar = rng.normal(5, 3, 0.f, 0.8f);
    const Kl kl = kl_divergence(mu, logvar);
    MatD mud = test::to_double(mu), lvd = test::to_double(logvar);
    auto loss = [&] { return test::kl_standard_normal_ref(mud, lvd); };
    test::check_gradient(kl.grad_mu, mud, loss, "kl_divergence().grad_mu");
    test::check_gradient(kl.grad_logvar, lvd, loss, "kl_divergence().grad_logvar");
}

TEST_CASE("05 step 3 vae_loss: per-image sums, means over images, beta and the gradients") {
    Rng rng(8);
    const Matrix logits = rng.normal(3, 5, 0.f, 3.f), x = rng.uniform(3, 5);  // grey-level targets
    const Matrix mu = rng.normal(3, 2), logvar = rng.normal(3, 2, 0.f, 0.5f);
    const float beta = 2.5f;
    const VaeLoss l = vae_loss(logits, x, mu, logvar, beta);
    REQUIRE_MESSAGE(has_shape(l.recon, 3, 1),
                    "vae_loss().recon must be (N, 1), got " << shape_str(l.recon));
    const Kl kl = kl_divergence(mu, logvar);
    Matrix recon_i({size_t{3}, size_t{1}});
    double recon_mean = 0;
    for (size_t i = 0; i < 3; ++i) {
        double r = 0;  // nats: summed over the 5 pixels of image i
        for (size_t j = 0; j < 5; ++j) r += bce_d(logits(i, j), x(i, j));
        recon_i(i, 0) = float(r);
        recon_mean += r / 3;
    }
    test::check_close(
        l.recon, recon_i, 1e-5, "vae_loss().recon, the BCE of each image",
        {{0.2, "the mean over the D = 5 pixels: the reconstruction of an image is their sum"}});
    test::check_value(l.recon_mean, recon_mean, 1e-5, "vae_loss().recon_mean",
                      {{3.0, "the sum over the N = 3 images: the loss is their mean"}});
    test::check_close(l.kl, kl.per_example, 1e-5, "vae_loss().kl");
    const double expected_total = recon_mean + beta * kl.mean;
    if (std::abs(l.total - (recon_mean + kl.mean)) < 1e-4 * expected_total)
        FAIL_CHECK("vae_loss().total: expected " << expected_total << ", got " << l.total
                                                 << ": likely beta not applied to the KL term");
    else
        test::check_value(l.total, expected_total, 1e-5, "vae_loss().total");
    MatD ld = test::to_double(logits);
    const MatD xd = test::to_double(x);
    auto recon = [&] {
        double s = 0;
        for (size_t i = 0; i < 3; ++i)
            for (size_t j = 0; j < 5; ++j) s += bce_d(ld[i][j], xd[i][j]);
        return s / 3;
    };
    const Matrix expected_logits = (sigmoid(logits) - x) / 3.f;
    test::check_close(l.grad_logits, expected_logits, 1e-5, "vae_loss().grad_logits",
                      {{3.0, "the gradient of the sum over the N = 3 images: divide by N"},
                       {0.2, "divided by the D = 5 pixels too: the pixels are summed"}});
    test::check_gradient(l.grad_logits, ld, recon, "vae_loss().grad_logits");
    const std::vector<test::Mistake> no_beta = {
        {1.0 / beta, "beta (2.5 here) not applied to the KL gradient"}};
    test::check_close(l.grad_mu, beta * kl.grad_mu, 1e-5,
                      "vae_loss().grad_mu (the KL term's share, times beta)", no_beta);
    test::check_close(l.grad_logvar, beta * kl.grad_logvar, 1e-5,
                      "vae_loss().grad_logvar (the KL term's share, times beta)", no_beta);
}

TEST_CASE("05 step 3 vae_loss: exact for confident logits of +-100, right or wrong") {
    // One image of D = 4: two pixels confidently right (0 nats each) and two confidently wrong
    // (100 nats each: the BCE of a logit z against the wrong target is about |z|).
    const Matrix logits = {{100.f, -100.f, 100.f, -100.f}}, x = {{1.f, 0.f, 0.f, 1.f}};
    const Matrix zeros = xt::zeros<float>({1, 2});
    const VaeLoss l = vae_loss(logits, x, zeros, zeros, 1.f);
    REQUIRE_MESSAGE(has_shape(l.recon, 1, 1),
                    "vae_loss().recon must be (N, 1), got " << shape_str(l.recon));
    const double r = l.recon(0, 0);
    REQUIRE_MESSAGE(std::isfinite(r), "vae_loss().recon of logits +-100: expected 200 nats, got ",
                    r, ": a probability that rounds to exactly 0 or 1 in float went into a log");
    test::check_value(r, 200.0, 1e-4,
                      "vae_loss().recon of logits +-100 (two pixels right, two wrong)");
    const Matrix expected_grad = {{0.f, 0.f, 1.f, -1.f}};  // sigmoid saturates: 1 - 0, 0 - 1
    test::check_close(l.grad_logits, expected_grad, 1e-5, "vae_loss().grad_logits at +-100");
}

TEST_CASE(
    "05 step 4 loss_and_gradients: every parameter's gradient matches a double-precision VAE") {
    Rng rng(21);
    Vae m = make_vae(6, 5, 3, rng);
    std::vector<Dense*> layers = dense_layers(m);
    for (Dense* l : layers) l->b = rng.normal(1, l->out(), 0.f, 0.3f);  // not only zero biases
    const Matrix x = rng.uniform(4, 6), eps = rng.normal(4, 3);
    const float beta = 1.5f;
    const std::vector<Param> params = m.params();
    zero_grad(params);
    const VaeLoss l = loss_and_gradients(m, x, eps, beta);
    std::vector<MatD> P;
    for (Dense* d : layers) P.push_back(test::to_double(d->W)), P.push_back(test::to_double(d->b));
    const MatD xd = test::to_double(x), ed = test::to_double(eps);
    auto loss = [&] { return vae_loss_d(P, xd, ed, beta); };
    CHECK_MESSAGE(l.total == doctest::Approx(loss()).epsilon(1e-5),
                  "loss_and_gradients().total is the loss");
    const char* names[] = {"trunk.0", "mu.0", "logvar.0", "decoder.0", "decoder.2"};
    for (size_t i = 0; i < layers.size(); ++i) {
        test::check_gradient(layers[i]->dW, P[2 * i], loss, std::string(names[i]) + ".W gradient");
        test::check_gradient(layers[i]->db, P[2 * i + 1], loss,
                             std::string(names[i]) + ".b gradient");
    }
}

TEST_CASE(
    "05 step 4 loss_and_gradients: training lowers the negative ELBO and the codes carry "
    "information") {
    DataRequest req;
    req.sample = true;
    req.max_train = 2000;
    const DataSplit data = load_data(req);
    Rng rng(4);
    Vae m = make_vae(data.train.dim(), 64, 8, rng);
    const Matrix x = xt::view(data.test.images, xt::range(0, 300), xt::all());
    const double before = evaluate_elbo(m, x).negative_elbo_mean;
    TrainSpec spec;
    spec.optimizer = OptimizerSpec::adam(2e-3f);
    spec.fit.epochs = 4, spec.fit.batch_size = 64, spec.fit.progress = false;
    spec.fit.verbose = false;
    train_vae(m, data.train.images, 1.f, spec);
    const Elbo after = evaluate_elbo(m, x);
    INFO("test -ELBO before ", before, " nats, after ", after.negative_elbo_mean, " (recon ",
         after.recon_mean, ", KL ", after.kl_mean, ")");
    // Untrained logits are ~0: 784 ln 2 = 543 nats. A working VAE is far below that after a few
    // hundred steps; the entropy floor of these images (~190) bounds it from below.
    CHECK(after.negative_elbo_mean < before - 150);
    CHECK(after.negative_elbo_mean > pixel_entropy_floor(x));
    CHECK_MESSAGE(after.kl_mean > 1, "the codes carry information (KL > 1 nat)");
}

TEST_CASE("05 step 5 sample_prior: shape, range, and codes drawn from N(0, I)") {
    Vae m = identity_decoder_vae(2);
    Rng rng(9);
    const Matrix s = sample_prior(m, 20000, rng);
    REQUIRE_MESSAGE(has_shape(s, 20000, 2), "sample_prior() must be (n, D), got " << shape_str(s));
    test::check_in_range(s, 0.0, 1.0, "sample_prior()",
                         "logits returned: decode() gives pixel probabilities");
    // The decoder is sigmoid(z): the logits of the samples are the codes; 20000 draws estimate
    // mean 0 +- 0.03 and variance 1 +- 0.04 at 3 standard errors.
    const Matrix z = logit(xt::clip(s, 1e-6f, 1 - 1e-6f));
    for (size_t k = 0; k < 2; ++k) {
        const Matrix col = xt::view(z, xt::all(), xt::range(k, k + 1));
        INFO("latent dimension ", k);
        CHECK(std::abs(xt::mean(col)()) < 0.03);
        CHECK(test::column_variance(col, 0) == doctest::Approx(1.0).epsilon(0.05));
    }
    Rng rng2(9);
    CHECK_MESSAGE(xt::amax(xt::abs(sample_prior(m, 5, rng2) - sample_prior(m, 5, rng2)))() > 0,
                  "two calls draw different codes");
}

namespace {

// Step 6's two tests walk between the same two codes of a VAE whose decoder is the identity.
struct InterpolateSetup {
    Vae m = identity_decoder_vae(3);
    const Matrix z0 = {{-1.f, 0.f, 2.f}}, z1 = {{1.f, 1.f, -2.f}};
    // interpolate(m, z0, z1, steps), required to be (steps, D).
    Matrix run(size_t steps) {
        const Matrix img = interpolate(m, z0, z1, steps);
        REQUIRE_MESSAGE(has_shape(img, steps, 3), "interpolate(z0, z1, " << steps << ") must be ("
                                                                         << steps << ", D), got "
                                                                         << shape_str(img));
        return img;
    }
};

}  // namespace

TEST_CASE("05 step 6 interpolate: evenly spaced points from z0 to z1, decoded") {
    InterpolateSetup s;
    const Matrix img = s.run(5);
    // Logits of row k = z0 + (k / 4) (z1 - z0).
    const Matrix expected = {{-1.f, 0.f, 2.f},
                             {-0.5f, 0.25f, 1.f},
                             {0.f, 0.5f, 0.f},
                             {0.5f, 0.75f, -1.f},
                             {1.f, 1.f, -2.f}};
    test::check_close(logit(img), expected, 1e-4, "logits of interpolate(z0, z1, 5)");
}

TEST_CASE("05 step 6 interpolate: one step gives the decode of z0, zero steps throw") {
    InterpolateSetup s;
    const Matrix one = s.run(1);
    REQUIRE_MESSAGE(all_finite(one),
                    "interpolate(z0, z1, 1) has NaN: with one step there are no gaps to divide "
                    "by; the one point is z0");
    test::check_close(logit(one), s.z0, 1e-4, "logits of interpolate(z0, z1, 1)");
    CHECK_THROWS_AS_MESSAGE(interpolate(s.m, s.z0, s.z1, 0), ae::Error,
                            "interpolate(z0, z1, 0) must throw ae::Error (no image to return)");
}
