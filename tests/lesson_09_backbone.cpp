// Tests of lesson 09 (an autoencoder as a backbone). They run against your exercise.cpp
// (./workshop check 09) and against the reference solution (./workshop test). References are
// independent of your code: hand-computed values, the loss recomputed in double precision, and
// central differences of it for the gradients.
#include <doctest/doctest.h>

#include <cmath>
#include <set>

#include "ae/error.hpp"
#include "exercise.hpp"
#include "test_util.hpp"

using namespace ae;
using namespace ae::l09;
using test::MatD;

namespace {

using test::check_rejects;

double ce_ref(const MatD& z, const Labels& y) {
    double total = 0;
    for (size_t i = 0; i < z.size(); ++i) {
        double m = z[i][0], s = 0;
        for (double v : z[i]) m = std::max(m, v);
        for (double v : z[i]) s += std::exp(v - m);
        total += m + std::log(s) - z[i][size_t(y[i])];
    }
    return total / double(z.size());
}

l02::AeConfig tiny_arch() {
    l02::AeConfig a;
    a.input = 12, a.hidden = {8}, a.latent = 4;
    return a;
}

// n labels that cycle through the first `classes` classes: 0, 1, ..., classes - 1, 0, 1, ...
Labels cycling_labels(size_t n, int classes) {
    Labels y(n);
    for (size_t i = 0; i < n; ++i) y[i] = int(i) % classes;
    return y;
}

std::set<std::string> names(const std::vector<Param>& p) {
    std::set<std::string> s;
    for (const Param& q : p) s.insert(q.name);
    return s;
}

}  // namespace

TEST_CASE("09 step 1 softmax_cross_entropy: matches hand-computed values") {
    const Matrix z = {{0.f, 0.f, 0.f}, {2.f, 0.f, 0.f}};
    const LossValue l = softmax_cross_entropy(z, {0, 1});
    // Row 0: log 3. Row 1: log(e^2 + 2) - 0. Mean over the 2 rows.
    const double r1 = std::log(std::exp(2.0) + 2.0);
    test::check_value(l.value, (std::log(3.0) + r1) / 2, 1e-5, "loss",
                      {{2.0, "the sum over the N rows: divide by N for the mean"}});
    const double p = std::exp(2.0) / (std::exp(2.0) + 2.0), q = 1 / (std::exp(2.0) + 2.0);
    const Matrix g = {{float((1 / 3.0 - 1) / 2), float(1 / 6.0), float(1 / 6.0)},
                      {float(p / 2), float((q - 1) / 2), float(q / 2)}};
    test::check_close(l.grad, g, 1e-5, "gradient",
                      {{2.0, "the gradient of the sum: divide by N, the loss is a mean"}});
}

TEST_CASE("09 step 1 softmax_cross_entropy: gradient matches central differences") {
    Rng rng(3);
    const Matrix z = rng.normal(4, 5, 0.f, 2.f);
    const Labels y{0, 3, 4, 1};
    MatD zd = test::to_double(z);
    const LossValue l = softmax_cross_entropy(z, y);
    test::check_value(l.value, ce_ref(zd, y), 1e-5, "loss");
    test::check_gradient(
        l.grad, zd, [&] { return ce_ref(zd, y); }, "d loss / d logits");
}

TEST_CASE("09 step 1 softmax_cross_entropy: stays finite for huge logits, rejects bad labels") {
    const Matrix z = {{1000.f, -1000.f, 0.f}, {-1000.f, 1000.f, 0.f}};
    const LossValue l = softmax_cross_entropy(z, {0, 0});
    // Row 0 is certain and right (loss 0), row 1 certain and wrong (loss 2000).
    test::check_value(l.value, 1000.0, 1e-4,
                      "loss (exp(1000) overflows a float: shift each row by its largest logit)");
    REQUIRE(all_finite(l.grad));
    test::check_close(l.grad, Matrix{{0.f, 0.f, 0.f}, {-0.5f, 0.5f, 0.f}}, 1e-5, "gradient");
    CHECK_THROWS_AS(softmax_cross_entropy(z, {0}), ShapeError);
    check_rejects([&] { softmax_cross_entropy(z, {0, 3}); }, "label 3 with 3 classes");
    check_rejects([&] { softmax_cross_entropy(z, {-1, 0}); }, "label -1");
}

TEST_CASE("09 step 2a patch_mask: masks exactly the asked number of whole patches") {
    for (float fraction : {0.5f, 0.3f, 0.75f, 0.01f}) {
        Rng rng(7);
        const Matrix m = patch_mask(40, 28, 7, fraction, rng);
        REQUIRE(m.shape()[0] == 40);
        REQUIRE(m.shape()[1] == 784);
        const size_t want = size_t(std::lround(fraction * 16));
        for (size_t i = 0; i < 40; ++i) {
            size_t whole = 0;
            for (size_t p = 0; p < 16; ++p) {
                size_t on = 0;
                for (size_t y = (p / 4) * 7; y < (p / 4 + 1) * 7; ++y)
                    for (size_t x = (p % 4) * 7; x < (p % 4 + 1) * 7; ++x) {
                        const float v = m(i, y * 28 + x);
                        REQUIRE_MESSAGE((v == 0.f || v == 1.f), "mask values must be 0 or 1");
                        on += v == 1.f;
                    }
                REQUIRE_MESSAGE((on == 0 || on == 49), "patch " << p << " of image " << i
                                                                << " is partly masked (" << on
                                                                << " of 49 pixels)");
                whole += on == 49;
            }
            REQUIRE_MESSAGE(whole == want, "fraction " << fraction << ": expected " << want
                                                       << " masked patches of 16, got " << whole
                                                       << " in image " << i);
        }
    }
}

TEST_CASE("09 step 2a patch_mask: is seeded, differs between images, covers every patch") {
    Rng a(11), b(11);
    const Matrix m1 = patch_mask(2000, 28, 7, 0.5f, a), m2 = patch_mask(2000, 28, 7, 0.5f, b);
    REQUIRE(m1.shape() == m2.shape());
    CHECK_MESSAGE(m1 == m2, "the same seed must give the same mask");
    size_t differ = 0;
    for (size_t i = 1; i < 2000; ++i)
        differ += xt::view(m1, i, xt::all()) != xt::view(m1, 0, xt::all());
    CHECK_MESSAGE(differ > 1900, "every image should get its own random patches, "
                                     << differ << " of 1999 differ from the first");
    for (size_t p = 0; p < 16; ++p) {
        const size_t pixel = (p / 4) * 7 * 28 + (p % 4) * 7;  // the patch's top-left pixel
        double freq = 0;
        for (size_t i = 0; i < 2000; ++i) freq += m1(i, pixel);
        freq /= 2000;
        CHECK_MESSAGE(std::abs(freq - 0.5) < 0.06,
                      "patch " << p << " is masked in " << freq << " of the images, expected ~0.5");
    }
    Rng c(12);
    const Matrix m3 = patch_mask(2000, 28, 7, 0.5f, c);
    CHECK_MESSAGE(m3 != m1, "another seed should give another mask");
}

TEST_CASE("09 step 2a patch_mask: rejects a bad fraction or patch size") {
    Rng rng(1);
    for (float f : {0.f, 1.f, 1.5f, -0.25f})
        check_rejects([&] { patch_mask(2, 28, 7, f, rng); }, "fraction " + std::to_string(f));
    check_rejects([&] { patch_mask(2, 28, 5, 0.5f, rng); }, "patch 5 on a 28-pixel side");
    check_rejects([&] { patch_mask(2, 28, 0, 0.5f, rng); }, "patch 0");
    const Matrix ok = patch_mask(3, 8, 4, 0.5f, rng);  // 4 patches of 4x4, 2 masked
    CHECK(xt::sum(ok)() == doctest::Approx(3 * 2 * 16));
}

TEST_CASE("09 step 2b masked_mse: counts only the masked pixels") {
    const Matrix pred = {{0.5f, 0.2f, 0.9f}, {0.0f, 1.0f, 0.3f}};
    const Matrix target = {{0.1f, 0.2f, 0.5f}, {0.4f, 0.0f, 0.3f}};
    const Matrix mask = {{1.f, 0.f, 1.f}, {0.f, 1.f, 0.f}};
    const LossValue l = masked_mse(pred, target, mask);
    // Masked: (0.4)^2, (0.4)^2, (1.0)^2 over M = 3 entries; the unmasked 0.4 is ignored.
    test::check_value(l.value, (0.16 + 0.16 + 1.0) / 3, 1e-6, "loss",
                      {{0.5, "divided by all N*D = 6 entries, not by the 3 masked ones"}});
    const Matrix g = {{2 * 0.4f / 3, 0.f, 2 * 0.4f / 3}, {0.f, 2 * 1.0f / 3, 0.f}};
    test::check_close(l.grad, g, 1e-6, "gradient (zero on unmasked pixels)",
                      {{0.5, "divided by all N*D entries, not by the masked ones"}});
    const LossValue none = masked_mse(pred, target, xt::zeros<float>({2, 3}));
    CHECK_MESSAGE(none.value == 0.0, "no masked entry: the loss is 0, got " << none.value);
    REQUIRE(all_finite(none.grad));
    CHECK(xt::amax(xt::abs(none.grad))() == 0.f);
    CHECK_THROWS_AS(masked_mse(pred, target, xt::zeros<float>({2, 2})), ShapeError);
}

TEST_CASE("09 step 2b masked_mse: gradient matches central differences") {
    Rng rng(5);
    const Matrix pred = rng.uniform(3, 10), target = rng.uniform(3, 10);
    Rng mr(6);
    Matrix mask = xt::zeros<float>({3, 10});
    for (size_t i = 0; i < mask.size(); ++i) mask.data()[i] = mr.uniform() < 0.4f ? 1.f : 0.f;
    MatD pd = test::to_double(pred);
    const MatD td = test::to_double(target);
    auto ref = [&] {
        double s = 0, m = 0;
        for (size_t i = 0; i < 3; ++i)
            for (size_t j = 0; j < 10; ++j)
                if (mask(i, j) == 1.f) s += (pd[i][j] - td[i][j]) * (pd[i][j] - td[i][j]), ++m;
        return s / m;
    };
    const LossValue l = masked_mse(pred, target, mask);
    test::check_value(l.value, ref(), 1e-5, "loss");
    test::check_gradient(l.grad, pd, ref, "d loss / d pred");
}

TEST_CASE("09 step 3 trainable_params: a frozen model offers only its head") {
    Rng rng(2);
    Classifier m = make_classifier(tiny_arch(), nullptr, true, rng);
    const std::set<std::string> head{"head.0.W", "head.0.b"};
    const std::vector<Param> frozen = trainable_params(m);  // outside CHECK: a stub's throw is
    CHECK(names(frozen) == head);                           // reported as "not written yet"
    m.frozen = false;
    const std::set<std::string> all{"enc.0.W", "enc.0.b",  "enc.2.W",
                                    "enc.2.b", "head.0.W", "head.0.b"};
    CHECK(names(trainable_params(m)) == all);
    for (const Param& p : trainable_params(m)) CHECK(p.value != nullptr);
}

TEST_CASE("09 step 4 classifier_step: a frozen encoder receives no update") {
    Rng rng(4);
    Classifier m = make_classifier(tiny_arch(), nullptr, true, rng);
    const Matrix x = rng.uniform(16, 12);
    const Labels y = cycling_labels(16, 10);
    std::vector<Matrix> enc_before, head_before;
    for (const Param& p : m.encoder_params()) enc_before.push_back(*p.value);
    for (const Param& p : m.head_params()) head_before.push_back(*p.value);
    Adam eo(0.1f), ho(0.1f);
    for (int s = 0; s < 3; ++s) classifier_step(m, x, y, eo, ho);
    auto enc = m.encoder_params();
    for (size_t i = 0; i < enc.size(); ++i) {
        CHECK_MESSAGE(*enc[i].value == enc_before[i], enc[i].name << " changed while frozen");
        CHECK_MESSAGE(xt::amax(xt::abs(*enc[i].grad))() == 0.f,
                      enc[i].name << " received a gradient while frozen (wasted work)");
    }
    auto head = m.head_params();
    for (size_t i = 0; i < head.size(); ++i)
        CHECK_MESSAGE(*head[i].value != head_before[i], head[i].name << " was not trained");
}

TEST_CASE("09 step 4 classifier_step: one SGD step follows the gradient of the batch's loss") {
    Rng rng(8);
    Classifier m = make_classifier(tiny_arch(), nullptr, false, rng);
    const Matrix x = rng.uniform(6, 12);
    const Labels y{1, 0, 3, 9, 1, 2};
    auto loss_now = [&] {
        const Matrix z = m.head.forward(m.encoder.forward(x));
        return ce_ref(test::to_double(z), y);
    };
    const double before = loss_now();
    // Central differences of the loss in every parameter, on the float model.
    std::vector<Matrix> numeric, values;
    for (const Param& p : trainable_params(m)) {
        values.push_back(*p.value);
        Matrix g = xt::zeros<float>(p.value->shape());
        for (size_t k = 0; k < p.value->size(); ++k) {
            const float v = p.value->data()[k];
            p.value->data()[k] = v + 1e-2f;
            const double up = loss_now();
            p.value->data()[k] = v - 1e-2f;
            const double down = loss_now();
            p.value->data()[k] = v;
            g.data()[k] = float((up - down) / 2e-2);
        }
        numeric.push_back(g);
    }
    Sgd eo(0.5f), ho(0.1f);
    const double got = classifier_step(m, x, y, eo, ho);
    test::check_value(got, before, 1e-5, "returned loss (the loss before the update)");
    auto params = trainable_params(m);
    REQUIRE(params.size() == numeric.size());
    for (size_t i = 0; i < params.size(); ++i) {
        const float lr = params[i].name.rfind("head.", 0) == 0 ? 0.1f : 0.5f;
        const Matrix step = (values[i] - *params[i].value) / lr;  // = the gradient used
        test::check_close(step, numeric[i], 2e-3,
                          params[i].name + ": (before - after) / lr against the loss's gradient",
                          {{6.0, "the gradient of the sum over the batch: the loss is a mean"}});
    }
    Classifier f = make_classifier(tiny_arch(), nullptr, false, rng);
    Sgd none(0.f), some(0.1f);
    const Matrix w0 = *f.encoder_params()[0].value;
    classifier_step(f, x, y, none, some);
    CHECK_MESSAGE(*f.encoder_params()[0].value == w0,
                  "the encoder must be stepped by encoder_opt (lr 0 here), not by head_opt");
}

TEST_CASE("09 step 4 classifier_step: the loss falls on a small problem") {
    Rng rng(9);
    Classifier m = make_classifier(tiny_arch(), nullptr, false, rng);
    const Matrix x = rng.uniform(20, 12);
    const Labels y = cycling_labels(20, 4);
    Adam eo(1e-2f), ho(1e-2f);
    const double first = classifier_step(m, x, y, eo, ho);
    double last = first;
    for (int s = 0; s < 200; ++s) last = classifier_step(m, x, y, eo, ho);
    CHECK_MESSAGE(last < 0.3 * first,
                  "200 Adam steps should memorise 20 examples: loss " << first << " -> " << last);
}
