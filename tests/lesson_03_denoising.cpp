// Tests of lesson 03 (denoising autoencoder), named "03 step S function: what is checked". They
// run against your exercise.cpp (./workshop check 03) and against the reference solution
// (./workshop test).
// Statistical checks use fixed seeds and 100,000 pixels; each tolerance is stated in standard
// errors (SE) of the statistic, wide enough for any correct sampler, narrow enough for a wrong law.
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "ae/data.hpp"
#include "exercise.hpp"
#include "lesson.hpp"
#include "test_util.hpp"

using namespace ae;
using namespace ae::l03;

namespace {

constexpr size_t kRows = 200, kCols = 500;  // 100,000 pixels per statistic

Matrix constant(float v) {
    return xt::full_like(Matrix({kRows, kCols}), v);
}

struct Stats {
    double mean = 0, sd = 0, min = 1e9, max = -1e9;
};
// Mean, standard deviation, min and max of the entries of m, in double.
Stats stats(const Matrix& m) {
    Stats s;
    double sq = 0;
    for (float v : m) {
        s.mean += v, sq += double(v) * v;
        s.min = std::min(s.min, double(v)), s.max = std::max(s.max, double(v));
    }
    s.mean /= double(m.size());
    s.sd = std::sqrt(std::max(0.0, sq / double(m.size()) - s.mean * s.mean));
    return s;
}
// Fraction of the entries of m exactly equal to v.
double fraction_equal(const Matrix& m, float v) {
    size_t n = 0;
    for (float e : m) n += (e == v);
    return double(n) / double(m.size());
}
bool rows_equal(const Matrix& m, size_t a, size_t b) {
    for (size_t j = 0; j < m.shape()[1]; ++j)
        if (m(a, j) != m(b, j)) return false;
    return true;
}
bool same(const Matrix& a, const Matrix& b) {
    return a.shape() == b.shape() && a == b;
}
// |got - want| < tol, reported as expected vs got, with the likely mistake when there is one.
void check_near(const std::string& what, double got, double want, double tol,
                const std::string& likely = "") {
    CHECK_MESSAGE(std::abs(got - want) < tol, what, ": expected ", want, " +- ", tol, ", got ", got,
                  likely.empty() ? std::string() : "\n  likely: " + likely);
}
// Number of entries of got that differ from x (bitwise float compare).
size_t count_changed(const Matrix& got, const Matrix& x) {
    size_t n = 0;
    for (size_t i = 0; i < x.size(); ++i) n += got.data()[i] != x.data()[i];
    return n;
}
// Rows 0 and 1 of y got the very same noise: one draw per column broadcast over the rows.
void check_own_draws(const Matrix& y) {
    CHECK_MESSAGE(!rows_equal(y, 0, 1),
                  "rows 0 and 1 came out identical: one draw per column was broadcast over the "
                  "rows; draw an (N, D) matrix, one number per pixel");
}

// A tiny lesson 02 model (12-8-3, MSE) built from a seed, so two copies start identical.
l02::Autoencoder tiny_model(uint64_t seed) {
    l02::AeConfig c;
    c.input = 12, c.hidden = {8}, c.latent = 3;
    Rng rng(seed);
    return l02::make_autoencoder(c, rng);
}
// Largest |difference| between the parameters of two models of the same architecture.
double max_param_diff(l02::Autoencoder& a, l02::Autoencoder& b) {
    const auto pa = a.params(), pb = b.params();
    double worst = 0;
    for (size_t k = 0; k < pa.size(); ++k)
        for (size_t i = 0; i < pa[k].value->size(); ++i)
            worst =
                std::max(worst, double(std::abs(pa[k].value->data()[i] - pb[k].value->data()[i])));
    return worst;
}
// A corruption independent of steps 1-3 (unclipped Gaussian): it records what it returned.
struct Recorder {
    std::vector<Matrix> outputs;
    Corruption fn() {
        return [this](const Matrix& x, Rng& rng) {
            Matrix noisy = x + 0.3f * rng.normal(x.shape()[0], x.shape()[1]);
            outputs.push_back(noisy);
            return noisy;
        };
    }
};

}  // namespace

TEST_CASE("03 step 1 add_gaussian_noise: mean 0 and spread sigma on a mid-grey image") {
    Rng rng(1);
    const Matrix y = add_gaussian_noise(constant(0.5f), 0.1f, rng);
    REQUIRE_MESSAGE(y.shape() == constant(0.f).shape(), "expected shape (200, 500) like x, got ",
                    shape_str(y));
    const Stats s = stats(y);
    // SEs: 0.1/sqrt(1e5) = 3.2e-4 for the mean, 0.1/sqrt(2e5) = 2.2e-4 for the sd.
    check_near("mean of x + noise", s.mean, 0.5, 2e-3,
               std::abs(s.mean - 0.5) > 0.05 ? "the noise must have mean 0 (rng.normal)" : "");
    const std::string sd_why = s.sd > 0.3                      ? "the noise was not scaled by sigma"
                               : std::abs(s.sd - 0.01) < 0.002 ? "scaled by sigma^2 (the variance) "
                                                                 "instead of sigma"
                               : s.sd < 0.08 ? "uniform noise, or too small a scale?"
                                             : "";
    check_near("standard deviation of the noise", s.sd, 0.1, 1.5e-3, sd_why);
    check_own_draws(y);
}

TEST_CASE("03 step 1 add_gaussian_noise: black and white images stay in [0, 1], clipped") {
    Rng rng(2);
    const Matrix lo = add_gaussian_noise(constant(0.f), 0.3f, rng);
    const Matrix hi = add_gaussian_noise(constant(1.f), 0.3f, rng);
    REQUIRE(lo.shape() == constant(0.f).shape());
    test::check_in_range(lo, 0.0, 1.0, "noisy black image", "forgot to clip to [0, 1]");
    test::check_in_range(hi, 0.0, 1.0, "noisy white image", "forgot to clip to [0, 1]");
    // Half the draws are negative (clipped to exactly 0); E[max(0, sigma Z)] = sigma/sqrt(2 pi)
    // = 0.1197. SEs: 0.0016 for the fraction, 5.5e-4 for the mean (tolerances ~6 SE).
    check_near("fraction of black pixels still exactly 0", fraction_equal(lo, 0.f), 0.5, 0.01,
               "clip to [0, 1] (xt::clip or std::clamp), do not rescale or wrap around");
    check_near("fraction of white pixels still exactly 1", fraction_equal(hi, 1.f), 0.5, 0.01,
               "clip to [0, 1] (xt::clip or std::clamp), do not rescale or wrap around");
    const double shift = 0.3 / std::sqrt(2 * M_PI);
    check_near("mean of a noisy black image", stats(lo).mean, shift, 3.5e-3);
    check_near("mean of a noisy white image", stats(hi).mean, 1 - shift, 3.5e-3);
}

TEST_CASE("03 step 1 add_gaussian_noise: same seed, same noise, and new noise on the next call") {
    const Matrix x = constant(0.5f);
    Rng r1(7), r2(7);
    const Matrix a = add_gaussian_noise(x, 0.2f, r1), b = add_gaussian_noise(x, 0.2f, r2);
    CHECK_MESSAGE(same(a, b),
                  "two Rngs with the same seed gave different noise: draw every "
                  "number from the rng argument (no other generator, no time seed)");
    CHECK_MESSAGE(!same(a, add_gaussian_noise(x, 0.2f, r1)),
                  "a second call with the same rng gave the same noise: draw from rng itself "
                  "(not from a copy of it)");
}

TEST_CASE("03 step 2 mask_noise: the masked fraction, untouched pixels kept exactly") {
    Rng data(3);
    const Matrix x = data.uniform(kRows, kCols, 0.05f, 1.f);  // no zeros before masking
    Rng rng(4);
    const Matrix y = mask_noise(x, 0.3f, rng);
    REQUIRE_MESSAGE(y.shape() == x.shape(), "expected the shape of x, ", shape_str(x), ", got ",
                    shape_str(y));
    // SE of the fraction sqrt(0.3 * 0.7 / 1e5) = 0.0014; of the mean ~1e-3.
    const double masked = fraction_equal(y, 0.f);
    check_near("fraction of pixels masked", masked, 0.3, 0.009,
               std::abs(masked - 0.7) < 0.01 ? "the mask is inverted: a pixel is switched off "
                                               "with probability fraction, kept otherwise"
                                             : "");
    size_t changed = 0;
    for (size_t i = 0; i < x.size(); ++i)
        changed += (y.data()[i] != 0.f && y.data()[i] != x.data()[i]);
    CHECK_MESSAGE(changed == 0, changed,
                  " pixels were neither kept exactly nor set to 0: masking does not rescale "
                  "the kept pixels (that is dropout's 1 / (1 - p)) or add anything");
    // Mean shift: E[y] = (1 - fraction) E[x].
    check_near("mean after masking", stats(y).mean, 0.7 * stats(x).mean, 6e-3);
    check_own_draws(y);
}

TEST_CASE("03 step 2 mask_noise: fraction 0 keeps the image, fraction 1 blanks it") {
    const Matrix x = Rng(3).uniform(kRows, kCols, 0.05f, 1.f);
    Rng rng(4);
    const size_t changed = count_changed(mask_noise(x, 0.f, rng), x);
    CHECK_MESSAGE(
        changed == 0, "with fraction 0 no pixel may change, but ", changed,
        " did: is the mask inverted (hit when the draw is below fraction), or are kept pixels "
        "changed?");
    const double blank = fraction_equal(mask_noise(x, 1.f, rng), 0.f);
    CHECK_MESSAGE(blank == 1.0, "with fraction 1 every pixel must be 0, but only ", 100 * blank,
                  " % are");
}

TEST_CASE("03 step 2 mask_noise: same seed, same mask") {
    const Matrix x = Rng(3).uniform(kRows, kCols, 0.05f, 1.f);
    Rng r1(5), r2(5);
    CHECK_MESSAGE(same(mask_noise(x, 0.5f, r1), mask_noise(x, 0.5f, r2)),
                  "two Rngs with the same seed gave different masks: draw every number from "
                  "the rng argument");
}

TEST_CASE("03 step 3 salt_and_pepper: the changed fraction, half salt, half pepper") {
    Rng rng(6);
    const Matrix y = salt_and_pepper(constant(0.5f), 0.2f, rng);
    REQUIRE_MESSAGE(y.shape() == constant(0.f).shape(), "expected shape (200, 500) like x, got ",
                    shape_str(y));
    const double pepper = fraction_equal(y, 0.f), salt = fraction_equal(y, 1.f),
                 kept = fraction_equal(y, 0.5f);
    CHECK_MESSAGE(pepper + salt + kept == doctest::Approx(1.0),
                  "a pixel is either kept exactly, 0 or 1; ", 100 * (1 - pepper - salt - kept),
                  " % are something else");
    // SEs: sqrt(0.1 * 0.9 / 1e5) = 9.5e-4 for salt or pepper, 1.3e-3 for kept, 7e-4 for the mean.
    const std::string split = salt < 0.01 || pepper < 0.01
                                  ? "every hit pixel got the same value: a fair coin makes it 0 "
                                    "or 1, half each"
                                  : "";
    check_near("fraction of pepper (0)", pepper, 0.1, 6e-3, split);
    check_near("fraction of salt (1)", salt, 0.1, 6e-3, split);
    check_near("fraction kept", kept, 0.8, 8e-3,
               std::abs(kept - 0.9) < 0.01   ? "only fraction / 2 of the pixels were hit: hit with "
                                               "probability fraction, then split in two halves"
               : std::abs(kept - 0.6) < 0.01 ? "2 x fraction of the pixels were hit"
                                             : "");
    // On a mid-grey image, equal salt and pepper leave the mean where it was.
    check_near("mean after salt-and-pepper", stats(y).mean, 0.5, 4e-3);
    check_own_draws(y);
}

TEST_CASE(
    "03 step 3 salt_and_pepper: fraction 0 keeps the image, fraction 1 leaves half 0s, "
    "half 1s") {
    Rng rng(6);
    const Matrix x = Rng(8).uniform(kRows, kCols);
    const size_t changed = count_changed(salt_and_pepper(x, 0.f, rng), x);
    CHECK_MESSAGE(
        changed == 0, "with fraction 0 no pixel may change, but ", changed,
        " did: is the mask inverted (hit when the draw is below fraction), or are kept pixels "
        "changed?");
    const Matrix all = salt_and_pepper(x, 1.f, rng);
    const double zeros = fraction_equal(all, 0.f), ones = fraction_equal(all, 1.f);
    CHECK_MESSAGE(zeros + ones == doctest::Approx(1.0),
                  "with fraction 1 every pixel must be 0 or 1, but ", 100 * (1 - zeros - ones),
                  " % are neither");
    check_near("fraction of salt at fraction 1", ones, 0.5, 0.01);  // SE 0.0016
}

TEST_CASE("03 step 4 denoising_step: noisy input, clean target, one optimizer step") {
    const Matrix x = Rng(9).uniform(6, 12);
    // Yours, and the reference: the same noise (same seed), then lesson 02's step by hand.
    l02::Autoencoder yours = tiny_model(10), ref = tiny_model(10);
    Adam opt_yours(1e-2f), opt_ref(1e-2f);
    Recorder rec, rec_ref;
    Rng rng_yours(11), rng_ref(11);
    const double loss = denoising_step(yours, x, rec.fn(), opt_yours, rng_yours);
    const Matrix noisy = rec_ref.fn()(x, rng_ref);
    const double loss_ref = l02::train_step(ref, noisy, x, opt_ref);
    // Identical arithmetic gives identical floats; 1e-6 allows only for reordering.
    REQUIRE_MESSAGE(rec.outputs.size() == 1, "call corrupt exactly once per step, got ",
                    rec.outputs.size());
    CHECK_MESSAGE(same(rec.outputs[0], noisy),
                  "corrupt got other arguments: call corrupt(x, rng) on the clean batch with "
                  "the rng you were given");
    // The likely mistakes, each one step of lesson 02 from the same start: a noisy target (the
    // model learns to reproduce the noise), clean input (no denoising at all).
    l02::Autoencoder noisy_target = tiny_model(10), clean_input = tiny_model(10);
    Adam opt_a(1e-2f), opt_b(1e-2f);
    l02::train_step(noisy_target, noisy, noisy, opt_a);
    l02::train_step(clean_input, x, x, opt_b);
    const std::string likely =
        max_param_diff(yours, noisy_target) < 1e-6
            ? ": likely the noisy images as target; the target is the clean x"
        : max_param_diff(yours, clean_input) < 1e-6
            ? ": likely the clean images as input; the input is the noisy one"
            : "";
    CHECK_MESSAGE(max_param_diff(yours, ref) < 1e-6,
                  "the parameters after your step differ from one lesson 02 step with the noisy "
                  "images as input and the clean ones as target",
                  likely);
    CHECK_MESSAGE(loss == doctest::Approx(loss_ref).epsilon(1e-6), "returned loss ", loss,
                  ", expected ", loss_ref, " (the loss of that lesson 02 step)");
    // The test's power: a step towards the noisy target lands elsewhere (Adam's first step moves
    // each weight by ~lr = 1e-2), so a wrong target cannot pass the check above.
    CHECK(max_param_diff(noisy_target, ref) > 1e-4);
}

TEST_CASE("03 step 4 denoising_step: fresh noise on every step") {
    const Matrix x = Rng(12).uniform(4, 12);
    l02::Autoencoder model = tiny_model(13);
    Adam opt(1e-3f);
    Recorder rec;
    Rng rng(14);
    denoising_step(model, x, rec.fn(), opt, rng);
    denoising_step(model, x, rec.fn(), opt, rng);
    REQUIRE(rec.outputs.size() == 2);
    CHECK_MESSAGE(!same(rec.outputs[0], rec.outputs[1]),
                  "two steps on the same batch saw the same noise: pass the rng itself to corrupt");
}

TEST_CASE(
    "03 step 4 denoising_step: trained on the data sample, the output is closer to clean "
    "than the noisy input") {
    DataRequest req;
    req.sample = true;
    const DataSplit data = load_data(req);
    l02::AeConfig c;  // 784-256-64-32, MSE: the lesson's model
    c.input = data.train.dim();
    Rng init(15);
    l02::Autoencoder model = l02::make_autoencoder(c, init);
    TrainSpec spec;  // Adam(1e-3) on the CPU
    spec.fit.epochs = 8, spec.fit.batch_size = 64, spec.fit.seed = 16;
    spec.fit.progress = spec.fit.verbose = false;
    train_denoiser(model, data.train.images, {NoiseKind::Gaussian, 0.3f}, spec);
    Rng noise(17);
    const Matrix noisy = add_gaussian_noise(data.test.images, 0.3f, noise);
    const double noisy_mse = mse(noisy, data.test.images);
    const double denoised_mse = mse(l02::reconstruct(model, noisy), data.test.images);
    INFO("test MSE vs clean: noisy input ", noisy_mse, ", denoised ", denoised_mse);
    // Sigma 0.3 clipped gives ~0.053; the reference reaches ~0.025 here (8 epochs on 5,000
    // images). Requiring half the noisy error leaves room for any correct implementation.
    CHECK_MESSAGE(noisy_mse == doctest::Approx(0.053).epsilon(0.1),
                  "the noisy test images should be ~0.053 from the clean ones: check step 1");
    CHECK_MESSAGE(denoised_mse < 0.5 * noisy_mse,
                  "after 8 epochs the denoised images should be at most half as far from the "
                  "clean ones as the noisy input: if step 4's other tests pass, check steps 1-3");
}
