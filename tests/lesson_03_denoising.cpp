// Tests of lesson 03 (denoising autoencoder). They run against your exercise.cpp
// (./workshop check 03) and against the reference solution (./workshop test).
// Statistical checks use fixed seeds and 100,000 pixels; each tolerance is stated in standard
// errors (SE) of the statistic, wide enough for any correct sampler, narrow enough for a wrong law.
#include <doctest/doctest.h>

#include <cmath>

#include "ae/data.hpp"
#include "exercise.hpp"

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
// |got - want| < tol, reported as expected vs got.
void check_near(const char* what, double got, double want, double tol) {
    CHECK_MESSAGE(std::abs(got - want) < tol, what, ": expected ", want, " +- ", tol, ", got ",
                  got);
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

TEST_CASE("03 add_gaussian_noise (step 1): mean shift, spread and clipping on fixed seeds") {
    SUBCASE("mid-grey, sigma 0.1: noise of mean 0 and standard deviation sigma") {
        Rng rng(1);
        const Matrix y = add_gaussian_noise(constant(0.5f), 0.1f, rng);
        REQUIRE(y.shape() == constant(0.f).shape());
        const Stats s = stats(y);
        // SEs: 0.1/sqrt(1e5) = 3.2e-4 for the mean, 0.1/sqrt(2e5) = 2.2e-4 for the sd.
        check_near("mean of x + noise", s.mean, 0.5, 2e-3);
        check_near("standard deviation of the noise", s.sd, 0.1, 1.5e-3);
        CHECK_MESSAGE(!rows_equal(y, 0, 1), "each pixel needs its own draw, not one per column");
    }
    SUBCASE("black and white images, sigma 0.3: clipped at 0 and 1") {
        Rng rng(2);
        const Matrix lo = add_gaussian_noise(constant(0.f), 0.3f, rng);
        const Matrix hi = add_gaussian_noise(constant(1.f), 0.3f, rng);
        const Stats a = stats(lo), b = stats(hi);
        CHECK_MESSAGE(a.min >= 0.0, "clip to [0, 1]: found ", a.min);
        CHECK_MESSAGE(b.max <= 1.0, "clip to [0, 1]: found ", b.max);
        // Half the draws are negative (clipped to exactly 0); E[max(0, sigma Z)] = sigma/sqrt(2 pi)
        // = 0.1197. SEs: 0.0016 for the fraction, 5.5e-4 for the mean (tolerances ~6 SE).
        check_near("fraction of black pixels still exactly 0", fraction_equal(lo, 0.f), 0.5, 0.01);
        check_near("fraction of white pixels still exactly 1", fraction_equal(hi, 1.f), 0.5, 0.01);
        const double shift = 0.3 / std::sqrt(2 * M_PI);
        check_near("mean of a noisy black image", a.mean, shift, 3.5e-3);
        check_near("mean of a noisy white image", b.mean, 1 - shift, 3.5e-3);
    }
    SUBCASE("the noise comes from rng: same seed, same noise; next call, new noise") {
        const Matrix x = constant(0.5f);
        Rng r1(7), r2(7);
        const Matrix a = add_gaussian_noise(x, 0.2f, r1), b = add_gaussian_noise(x, 0.2f, r2);
        CHECK_MESSAGE(same(a, b), "draw every number from the rng argument");
        CHECK_MESSAGE(!same(a, add_gaussian_noise(x, 0.2f, r1)),
                      "a second call must draw new noise");
    }
}

TEST_CASE("03 mask_noise (step 2): the masked fraction, untouched pixels kept exactly") {
    Rng data(3);
    const Matrix x = data.uniform(kRows, kCols, 0.05f, 1.f);  // no zeros before masking
    Rng rng(4);
    const Matrix y = mask_noise(x, 0.3f, rng);
    REQUIRE(y.shape() == x.shape());
    // SE of the fraction sqrt(0.3 * 0.7 / 1e5) = 0.0014; of the mean ~1e-3.
    check_near("fraction of pixels masked", fraction_equal(y, 0.f), 0.3, 0.009);
    size_t changed = 0;
    for (size_t i = 0; i < x.size(); ++i)
        changed += (y.data()[i] != 0.f && y.data()[i] != x.data()[i]);
    CHECK_MESSAGE(changed == 0, changed, " pixels were neither kept nor set to 0");
    // Mean shift: E[y] = (1 - fraction) E[x].
    check_near("mean after masking", stats(y).mean, 0.7 * stats(x).mean, 6e-3);
    CHECK_MESSAGE(!rows_equal(y, 0, 1), "each pixel needs its own draw, not one mask per column");
    SUBCASE("fraction 0 keeps the image, fraction 1 blanks it") {
        CHECK(same(mask_noise(x, 0.f, rng), x));
        CHECK(fraction_equal(mask_noise(x, 1.f, rng), 0.f) == 1.0);
    }
    SUBCASE("same seed, same mask") {
        Rng r1(5), r2(5);
        CHECK(same(mask_noise(x, 0.5f, r1), mask_noise(x, 0.5f, r2)));
    }
}

TEST_CASE("03 salt_and_pepper (step 3): the changed fraction, half salt half pepper, range") {
    Rng rng(6);
    const Matrix y = salt_and_pepper(constant(0.5f), 0.2f, rng);
    REQUIRE(y.shape() == constant(0.f).shape());
    const double pepper = fraction_equal(y, 0.f), salt = fraction_equal(y, 1.f),
                 kept = fraction_equal(y, 0.5f);
    CHECK_MESSAGE(pepper + salt + kept == doctest::Approx(1.0), "a pixel is either kept, 0 or 1");
    // SEs: sqrt(0.1 * 0.9 / 1e5) = 9.5e-4 for salt or pepper, 1.3e-3 for kept, 7e-4 for the mean.
    check_near("fraction of pepper (0)", pepper, 0.1, 6e-3);
    check_near("fraction of salt (1)", salt, 0.1, 6e-3);
    check_near("fraction kept", kept, 0.8, 8e-3);
    // On a mid-grey image, equal salt and pepper leave the mean where it was.
    check_near("mean after salt-and-pepper", stats(y).mean, 0.5, 4e-3);
    CHECK_MESSAGE(!rows_equal(y, 0, 1), "each pixel needs its own draw");
    SUBCASE("fraction 0 keeps the image; fraction 1 leaves only 0s and 1s, half each") {
        const Matrix x = Rng(8).uniform(kRows, kCols);
        CHECK(same(salt_and_pepper(x, 0.f, rng), x));
        const Matrix all = salt_and_pepper(x, 1.f, rng);
        CHECK(fraction_equal(all, 0.f) + fraction_equal(all, 1.f) == doctest::Approx(1.0));
        check_near("fraction of salt at fraction 1", fraction_equal(all, 1.f), 0.5,
                   0.01);  // SE 0.0016
    }
}

TEST_CASE("03 denoising_step (step 4): noisy input, clean target, one optimizer step") {
    const Matrix x = Rng(9).uniform(6, 12);
    // Yours, and the reference: the same noise (same seed), then lesson 02's step by hand.
    l02::Autoencoder yours = tiny_model(10), ref = tiny_model(10), wrong = tiny_model(10);
    Adam opt_yours(1e-2f), opt_ref(1e-2f), opt_wrong(1e-2f);
    Recorder rec, rec_ref;
    Rng rng_yours(11), rng_ref(11);
    const double loss = denoising_step(yours, x, rec.fn(), opt_yours, rng_yours);
    const Matrix noisy = rec_ref.fn()(x, rng_ref);
    const double loss_ref = l02::train_step(ref, noisy, x, opt_ref);
    // Identical arithmetic gives identical floats; 1e-6 allows only for reordering.
    REQUIRE_MESSAGE(rec.outputs.size() == 1, "call corrupt exactly once per step, got ",
                    rec.outputs.size());
    CHECK_MESSAGE(same(rec.outputs[0], noisy), "corrupt(x, rng) with the rng you were given");
    CHECK_MESSAGE(loss == doctest::Approx(loss_ref).epsilon(1e-6),
                  "return the loss of l02::train_step(model, noisy, x, opt)");
    CHECK_MESSAGE(
        max_param_diff(yours, ref) < 1e-6,
        "parameters after your step differ from train_step(model, noisy input, CLEAN target)");
    // The test's power: a step towards the noisy target lands elsewhere (Adam's first step moves
    // each weight by ~lr = 1e-2), so a wrong target cannot pass the check above.
    l02::train_step(wrong, noisy, noisy, opt_wrong);
    CHECK(max_param_diff(wrong, ref) > 1e-4);
}

TEST_CASE("03 denoising_step (step 4): fresh noise on every step") {
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
    "03 denoising: on the data sample, the denoised output is closer to clean than the noisy "
    "input") {
    DataRequest req;
    req.sample = true;
    const DataSplit data = load_data(req);
    l02::AeConfig c;  // 784-256-64-32, MSE: the lesson's model
    c.input = data.train.dim();
    Rng init(15);
    l02::Autoencoder model = l02::make_autoencoder(c, init);
    FitOptions fo;
    fo.epochs = 8, fo.batch_size = 64, fo.seed = 16;
    fo.progress = fo.verbose = false;
    Adam opt(1e-3f);
    train_denoising(model, data.train.images, make_corruption(NoiseKind::Gaussian, 0.3f), fo, opt);
    Rng noise(17);
    const Matrix noisy = add_gaussian_noise(data.test.images, 0.3f, noise);
    const double noisy_mse = mse(noisy, data.test.images);
    const double denoised_mse = mse(l02::reconstruct(model, noisy), data.test.images);
    INFO("test MSE vs clean: noisy input ", noisy_mse, ", denoised ", denoised_mse);
    // Sigma 0.3 clipped gives ~0.053; the reference reaches ~0.025 here (8 epochs on 5,000
    // images). Requiring half the noisy error leaves room for any correct implementation.
    CHECK(noisy_mse == doctest::Approx(0.053).epsilon(0.1));
    CHECK(denoised_mse < 0.5 * noisy_mse);
}
