// Tests of lesson 02 (deep autoencoder), one or more per README step, named "02 step S function:
// what is checked". They run against your exercise.cpp (./workshop check 02) and against the
// reference solution (./workshop test). References are computed here in double precision from
// the model's own weights.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>

#include "01_linear_pca/exercise.hpp"
#include "ae/data.hpp"
#include "ae/gradcheck.hpp"
#include "exercise.hpp"
#include "lesson.hpp"
#include "test_util.hpp"

using namespace ae;
using namespace ae::l02;

namespace {

// A small model built here, layer by layer, so the step 2-4 tests do not depend on step 1.
// weight_std > 0 redraws every parameter (biases too) so that no term of a gradient is ~0.
Autoencoder tiny_model(Loss loss, size_t d = 6, size_t z = 3, float weight_std = 0.6f) {
    Rng rng(7);
    Autoencoder m;
    m.config.input = d, m.config.hidden = {5, 4}, m.config.latent = z, m.config.loss = loss;
    m.encoder.add<Dense>(d, 5, rng);
    m.encoder.add<ReLU>();
    m.encoder.add<Dense>(5, 4, rng);
    m.encoder.add<ReLU>();
    m.encoder.add<Dense>(4, z, rng, Init::Xavier);
    m.decoder.add<Dense>(z, 4, rng);
    m.decoder.add<ReLU>();
    m.decoder.add<Dense>(4, 5, rng);
    m.decoder.add<ReLU>();
    m.decoder.add<Dense>(5, d, rng, Init::Xavier);
    if (loss == Loss::Mse) m.decoder.add<Sigmoid>();
    for (auto& p : m.params())
        if (weight_std > 0)
            *p.value = rng.normal(p.value->shape()[0], p.value->shape()[1], 0.f, weight_std);
    return m;
}

// The same network in double precision: 'D' dense (W, b), 'R' ReLU, 'S' sigmoid.
struct RefLayer {
    char kind;
    test::MatD W, b;
};
std::vector<RefLayer> to_ref(Sequential& net) {
    std::vector<RefLayer> out;
    for (size_t i = 0; i < net.size(); ++i) {
        if (auto* dense = dynamic_cast<Dense*>(&net[i])) {
            out.push_back({'D', test::to_double(dense->W), test::to_double(dense->b)});
        } else {
            out.push_back({net[i].name() == "ReLU" ? 'R' : 'S', {}, {}});
        }
    }
    return out;
}
test::MatD ref_forward(const std::vector<RefLayer>& net, test::MatD h) {
    for (const auto& l : net) {
        if (l.kind == 'D') {
            test::MatD y(h.size(), std::vector<double>(l.b[0].size()));
            for (size_t i = 0; i < h.size(); ++i)
                for (size_t j = 0; j < y[i].size(); ++j) {
                    y[i][j] = l.b[0][j];
                    for (size_t k = 0; k < h[i].size(); ++k) y[i][j] += h[i][k] * l.W[k][j];
                }
            h = y;
        } else {
            for (auto& row : h)
                for (double& v : row) v = l.kind == 'R' ? std::max(v, 0.0) : 1 / (1 + std::exp(-v));
        }
    }
    return h;
}
// Mean over all entries: (y - t)^2, or BCE on logits max(y, 0) - y t + log(1 + exp(-|y|)).
double ref_loss(Loss loss, const test::MatD& y, const test::MatD& t) {
    double sum = 0;
    for (size_t i = 0; i < y.size(); ++i)
        for (size_t j = 0; j < y[i].size(); ++j) {
            const double v = y[i][j], tt = t[i][j];
            sum += loss == Loss::Mse
                       ? (v - tt) * (v - tt)
                       : std::max(v, 0.0) - v * tt + std::log1p(std::exp(-std::abs(v)));
        }
    return sum / double(y.size() * y[0].size());
}

// An optimizer that leaves the parameters alone, so the gradients can be inspected.
struct CountingOptimizer : Optimizer {
    int calls = 0;
    void step(const std::vector<Param>&) override { ++calls; }
};

bool ends_with(const std::string& s, const std::string& tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// The layer list of net against the expected one, with the likely mistake when it differs.
void check_layers(Sequential& net, const std::string& expected, const std::string& what) {
    const std::string got = net.name();
    if (got == expected) return;
    std::string why;
    if (ends_with(got, "-> ReLU") && !ends_with(expected, "-> ReLU"))
        why = "the last layer has a ReLU after it: " +
              std::string(what == "encoder" ? "the code is linear" : "the output layer has none");
    else if (ends_with(expected, "-> Sigmoid") && !ends_with(got, "-> Sigmoid"))
        why =
            "with Loss::Mse and Loss::L1 the decoder ends in a Sigmoid (the loss compares pixels)";
    else if (!ends_with(expected, "-> Sigmoid") && ends_with(got, "-> Sigmoid"))
        why = "with Loss::Bce the decoder outputs logits: no Sigmoid (the loss applies it)";
    else if (got.find("ReLU") == std::string::npos)
        why = "no ReLU between the Dense layers: a stack of linear layers is one linear map";
    else if (what == "decoder")
        why = "the decoder takes the hidden sizes in reverse order";
    FAIL_CHECK(what << ": expected layers\n    " << expected << "\n  got\n    " << got
                    << (why.empty() ? "" : "\n  likely: " + why));
}

}  // namespace

TEST_CASE("02 step 1a build_encoder: layer list, output shape and He-scaled first layer") {
    Rng rng(1);
    Sequential enc = build_encoder(784, {256, 64}, 32, rng);
    check_layers(enc, "Dense(784, 256) -> ReLU -> Dense(256, 64) -> ReLU -> Dense(64, 32)",
                 "encoder");
    const Matrix h = enc.forward(rng.uniform(3, 784));
    CHECK_MESSAGE(shape_str(h) == "(3, 32)", "codes of 3 images: expected (3, 32), got ",
                  shape_str(h));
    Sequential one = build_encoder(10, {7}, 2, rng);
    check_layers(one, "Dense(10, 7) -> ReLU -> Dense(7, 2)", "encoder with one hidden layer");
    // He: std sqrt(2 / 784) = 0.0505; 200k draws estimate it to < 1 %, so 10 % is a wide margin.
    // Xavier would give sqrt(2 / (784 + 256)) = 0.0439, 13 % less.
    auto* first = enc.size() > 0 ? dynamic_cast<Dense*>(&enc[0]) : nullptr;
    REQUIRE_MESSAGE(first != nullptr, "the encoder must start with a Dense layer");
    const double sd = std::sqrt(double(xt::mean(first->W * first->W)()));
    const double he = std::sqrt(2.0 / 784), xavier = std::sqrt(2.0 / (784 + 256));
    CHECK_MESSAGE(std::abs(sd / he - 1) < 0.1, "first layer weight std ", sd, ", He expects ", he,
                  std::abs(sd / xavier - 1) < 0.05
                      ? std::string(": likely Init::Xavier; a layer that feeds a ReLU wants He")
                      : std::string());
}

TEST_CASE("02 step 1b build_decoder: mirrored layers, sigmoid output for MSE, logits for BCE") {
    Rng rng(2);
    Sequential dec = build_decoder(32, {256, 64}, 784, Loss::Mse, rng);
    check_layers(dec,
                 "Dense(32, 64) -> ReLU -> Dense(64, 256) -> ReLU -> Dense(256, 784) -> Sigmoid",
                 "decoder");
    const Matrix y = dec.forward(rng.normal(4, 32, 0.f, 3.f));
    REQUIRE_MESSAGE(shape_str(y) == "(4, 784)", "images of 4 codes: expected (4, 784), got ",
                    shape_str(y));
    test::check_in_range(y, 0.0, 1.0, "MSE decoder output",
                         "no Sigmoid at the end: with Loss::Mse the output is a pixel");
    Sequential logits = build_decoder(2, {7}, 10, Loss::Bce, rng);
    check_layers(logits, "Dense(2, 7) -> ReLU -> Dense(7, 10)", "decoder");
}

TEST_CASE(
    "02 step 2a reconstruction_loss: MSE and BCE values and gradients match hand-computed "
    "numbers") {
    const Matrix out = {{0.5f, 0.25f}}, target = {{1.f, 0.f}};
    const double mse_by_hand = (0.25 + 0.0625) / 2;
    const double bce_of_out =
        (-std::log(1 / (1 + std::exp(-0.5))) - std::log(1 - 1 / (1 + std::exp(-0.25)))) / 2;
    const LossValue mse = reconstruction_loss(Loss::Mse, out, target);
    if (std::abs(mse.value - bce_of_out) < 1e-5)
        FAIL_CHECK("Loss::Mse returned the BCE of the logits: the two cases are swapped");
    test::check_value(mse.value, mse_by_hand, 1e-6, "MSE value (mean over the N*D entries)",
                      {{2.0, "the sum over the D = 2 entries: use the mean (the default)"}});
    test::check_close(mse.grad, Matrix{{-0.5f, 0.25f}}, 1e-6, "MSE gradient d(loss)/d(out)",
                      {{2.0, "the gradient of the sum: use the mean's (the default)"}});
    // Logits 0 and 2 against 1 and 0: (log 2 + log(1 + e^2)) / 2; the gradient by hand too.
    const Matrix z = {{0.f, 2.f}};
    const LossValue bce = reconstruction_loss(Loss::Bce, z, target);
    const double mse_of_z = (1.0 + 4.0) / 2;
    if (std::abs(bce.value - mse_of_z) < 1e-5)
        FAIL_CHECK("Loss::Bce returned the MSE: the two cases are swapped");
    test::check_value(bce.value, (std::log(2.0) + std::log1p(std::exp(2.0))) / 2, 1e-6,
                      "BCE value on logits (mean over the N*D entries)",
                      {{2.0, "the sum over the D = 2 entries: use the mean (the default)"}});
    const float s2 = 1.f / (1.f + std::exp(-2.f));
    test::check_close(bce.grad, Matrix{{-0.25f, s2 / 2}}, 1e-6, "BCE gradient d(loss)/d(logits)");
}

TEST_CASE("02 step 2b train_step: every parameter gradient matches central differences") {
    for (Loss loss : {Loss::Mse, Loss::Bce}) {
        CAPTURE(loss_name(loss));
        Autoencoder model = tiny_model(loss);
        Rng rng(3);
        // Input and target differ (as in lesson 03): the loss must use the target.
        const Matrix x = rng.uniform(8, 6), target = rng.uniform(8, 6);
        std::vector<RefLayer> enc = to_ref(model.encoder), dec = to_ref(model.decoder);
        const test::MatD xd = test::to_double(x), td = test::to_double(target);
        auto loss_fn = [&] { return ref_loss(loss, ref_forward(dec, ref_forward(enc, xd)), td); };
        const double against_input = ref_loss(loss, ref_forward(dec, ref_forward(enc, xd)), xd);
        CountingOptimizer opt;
        const double first = train_step(model, x, target, opt);
        REQUIRE_MESSAGE(opt.calls == 1, "one opt.step per train_step, got ", opt.calls);
        if (std::abs(first - against_input) < 1e-6 * (1 + against_input))
            FAIL_CHECK("the loss compares the output with x_in: it must compare with target");
        test::check_value(first, loss_fn(), 1e-5, "returned loss");
        auto* last = dynamic_cast<Dense*>(
            &model.decoder[model.decoder.size() - 1 - (loss == Loss::Mse ? 1 : 0)]);
        REQUIRE(last != nullptr);
        const Matrix dW_first = last->dW;
        // A second step on the same batch (the optimizer changes nothing) must give the same
        // gradients, not the sum of both steps' gradients.
        train_step(model, x, target, opt);
        CHECK_MESSAGE(opt.calls == 2, "one opt.step per train_step, got ", opt.calls, " in two");
        test::check_close(last->dW, dW_first, 1e-6, "last decoder layer dW after a second step",
                          {{2.0,
                            "the gradients of both steps were added up: zero them "
                            "(zero_grad) before backward"}});
        for (auto* net : {&enc, &dec}) {
            Sequential& seq = net == &enc ? model.encoder : model.decoder;
            for (size_t i = 0; i < seq.size(); ++i) {
                auto* dense = dynamic_cast<Dense*>(&seq[i]);
                if (!dense) continue;
                const std::string where =
                    (net == &enc ? "encoder layer " : "decoder layer ") + std::to_string(i);
                test::check_gradient(dense->dW, (*net)[i].W, loss_fn, where + " dW");
                test::check_gradient(dense->db, (*net)[i].b, loss_fn, where + " db");
            }
        }
    }
}

TEST_CASE("02 step 2b train_step: repeated steps lower the loss on a fixed batch") {
    DataRequest req;
    req.sample = true, req.max_train = 64, req.max_test = 10;
    const Matrix x = load_data(req).train.images;
    for (Loss loss : {Loss::Mse, Loss::Bce}) {
        CAPTURE(loss_name(loss));
        Autoencoder model = tiny_model(loss, 784, 8, 0.f);  // He/Xavier init, zero biases
        Adam adam(1e-2f);
        const double first = train_step(model, x, x, adam);
        double last = first;
        for (int i = 0; i < 100; ++i) last = train_step(model, x, x, adam);
        // Measured: MSE 0.172 -> 0.071, BCE 0.693 -> 0.445 (its floor, the pixels' own entropy,
        // is near 0.3). A step that does nothing keeps the ratio at 1, one that climbs above it.
        const double limit = (loss == Loss::Mse ? 0.6 : 0.8) * first;
        CHECK_MESSAGE(last < limit, "loss of the first step ", first, ", after 100 more ", last,
                      " (expected below ", limit, ")",
                      last == first ? std::string(": nothing changed, likely opt.step is missing")
                                    : std::string());
    }
}

TEST_CASE(
    "02 step 3 reconstruction_error: one mean squared error per image, of pixels in "
    "[0, 1]") {
    for (Loss loss : {Loss::Mse, Loss::Bce}) {
        CAPTURE(loss_name(loss));
        Autoencoder model = tiny_model(loss);
        Rng rng(4);
        const Matrix x = rng.uniform(5, 6);
        const std::vector<double> err = reconstruction_error(model, x);
        REQUIRE_MESSAGE(err.size() == 5, "one value per image: expected 5, got ", err.size());
        // Reference: pixels = sigmoid(logits) for BCE, the decoder's output for MSE.
        test::MatD y = ref_forward(to_ref(model.decoder),
                                   ref_forward(to_ref(model.encoder), test::to_double(x)));
        Matrix expected({5, 1}), raw({5, 1}), got({5, 1});
        for (size_t i = 0; i < 5; ++i) {
            double e = 0, r = 0;
            for (size_t j = 0; j < 6; ++j) {
                const double p = loss == Loss::Bce ? 1 / (1 + std::exp(-y[i][j])) : y[i][j];
                e += (p - x(i, j)) * (p - x(i, j)) / 6;
                r += (y[i][j] - x(i, j)) * (y[i][j] - x(i, j)) / 6;
            }
            expected(i, 0) = float(e), raw(i, 0) = float(r), got(i, 0) = float(err[i]);
        }
        if (loss == Loss::Bce && xt::allclose(got, raw, 1e-5))
            FAIL_CHECK(
                "the errors of the raw decoder output (logits for BCE): use "
                "reconstruct(model, x), whose pixels are in [0, 1]");
        test::check_close(got, expected, 1e-5, "error of each image (5 images, D = 6)",
                          {{6.0, "the sum over the D = 6 pixels: divide by D for the mean"},
                           {1.0 / 5, "divided by N = 5 images too: the mean is over pixels"}});
    }
}

TEST_CASE(
    "02 step 4 encode: one code per image, equal to the encoder's output, for any number "
    "of rows") {
    Autoencoder model = tiny_model(Loss::Mse);
    Rng rng(5);
    const Matrix x = rng.uniform(2500, 6);  // two blocks of 1024 and a partial one
    const Matrix codes = encode(model, x);
    REQUIRE_MESSAGE(shape_str(codes) == "(2500, 3)",
                    "codes of 2500 images: expected (2500, 3), got ", shape_str(codes));
    const test::MatD ref = ref_forward(to_ref(model.encoder), test::to_double(x));
    Matrix expected(codes.shape());
    for (size_t i = 0; i < 2500; ++i)
        for (size_t j = 0; j < 3; ++j) expected(i, j) = static_cast<float>(ref[i][j]);
    // The full blocks right and the partial one wrong: the loop stops before the last block.
    const auto worst = [&](size_t a, size_t b) {
        return double(xt::amax(xt::abs(xt::view(codes, xt::range(a, b), xt::all()) -
                                       xt::view(expected, xt::range(a, b), xt::all())))());
    };
    if (worst(0, 2048) < 1e-4 && !(worst(2048, 2500) < 1e-4))
        FAIL_CHECK(
            "rows 0-2047 (two full blocks) are right, rows 2048-2499 (the last, partial "
            "block) are not: the loop skipped or mishandled the last block");
    test::check_close(codes, expected, 1e-5, "codes");
    const Matrix one = encode(model, rng.uniform(1, 6));
    CHECK_MESSAGE(shape_str(one) == "(1, 3)", "the code of 1 image: expected (1, 3), got ",
                  shape_str(one));
}

TEST_CASE(
    "02 step 4 encode: a model built and trained with steps 1-4 beats the mean image and "
    "nears PCA-32") {
    DataRequest req;
    req.sample = true;
    const DataSplit data = load_data(req);  // 5000 training and 1000 test images
    const Matrix& test = data.test.images;
    AeConfig config;  // 784-256-64-32, MSE
    Rng rng(42);
    Autoencoder model = make_autoencoder(config, rng);
    TrainSpec spec;  // Adam(1e-3) on the CPU
    spec.fit.epochs = 10, spec.fit.batch_size = 64, spec.fit.progress = false;
    spec.fit.verbose = false;
    train_autoencoder(model, data.train.images, spec);

    const std::vector<double> err = reconstruction_error(model, test);
    double ae = 0;
    for (double e : err) ae += e / double(err.size());
    const l01::Pca p = l01::pca(data.train.images, 32);
    const double pca = mse_loss(l01::pca_decode(p, l01::pca_encode(p, test)), test).value;
    Matrix mean_img(test.shape());
    for (size_t i = 0; i < test.shape()[0]; ++i) xt::row(mean_img, i) = xt::row(p.mean, 0);
    const double mean = mse_loss(mean_img, test).value;
    INFO("test MSE: deep AE " << ae << ", PCA-32 " << pca << ", mean image " << mean);
    // Measured: AE 0.0175, PCA-32 0.0155, mean image 0.0868 (10 epochs on 5000 images; the
    // full data and 20 epochs take the AE well below PCA). The margins allow other seeds/threads.
    CHECK_MESSAGE(ae < 0.5 * mean,
                  "the trained AE should reach half the mean image's error: "
                  "if the step tests pass, check the builders (steps 1a, 1b)");
    CHECK_MESSAGE(ae < 1.3 * pca, "the trained AE should come within 30 % of PCA-32");
    const Matrix codes = encode(model, test);
    CHECK_MESSAGE(shape_str(codes) == "(1000, 32)",
                  "codes of the 1000 test images: expected "
                  "(1000, 32), got ",
                  shape_str(codes));
}

TEST_CASE("02 step 5 l1_loss: value and gradient match hand-computed numbers") {
    // Differences -0.5, 0.25 and exactly 0 (its gradient entry is 0), over N*D = 4 entries.
    const Matrix pred = {{0.5f, 0.25f}, {0.7f, 0.f}}, target = {{1.f, 0.f}, {0.7f, 0.f}};
    const LossValue l1 = l1_loss(pred, target);
    test::check_value(l1.value, 0.75 / 4, 1e-6, "L1 value (mean over the N*D entries)",
                      {{4.0, "the sum over the entries: use the mean"},
                       {2.0, "the mean over the N = 2 rows only: divide by N*D"}});
    REQUIRE(l1.grad.shape() == pred.shape());
    test::check_close(l1.grad, Matrix{{-0.25f, 0.25f}, {0.f, 0.f}}, 1e-6,
                      "L1 gradient d(loss)/d(pred)",
                      {{4.0, "the gradient of the sum: divide by N*D as the value does"}});
}

TEST_CASE("02 step 5 build_decoder: the decoder for the L1 loss outputs pixels") {
    Rng rng(2);
    Sequential dec = build_decoder(2, {7}, 10, Loss::L1, rng);
    check_layers(dec, "Dense(2, 7) -> ReLU -> Dense(7, 10) -> Sigmoid", "L1 decoder");
}

TEST_CASE("02 step 5 reconstruction_loss: the L1 case is the L1 loss") {
    const Matrix out = {{0.5f, 0.25f, 0.9f}}, target = {{1.f, 0.f, 0.2f}};
    const LossValue l1 = reconstruction_loss(Loss::L1, out, target);
    test::check_value(l1.value, (0.5 + 0.25 + 0.7) / 3, 1e-6,
                      "reconstruction_loss(Loss::L1) value (mean absolute error)");
    test::check_close(l1.grad, Matrix{{-1.f / 3, 1.f / 3, 1.f / 3}}, 1e-6,
                      "reconstruction_loss(Loss::L1) gradient");
}

TEST_CASE("02 step 6a momentum_update: two steps match hand-computed values") {
    Matrix w = {{1.f, -2.f}}, v = {{0.f, 0.f}};
    momentum_update(w, Matrix{{0.5f, 1.f}}, v, 0.1f, 0.9f);
    // First step: the velocity is the gradient, w moves by lr times it, downhill.
    test::check_close(
        v, Matrix{{0.5f, 1.f}}, 1e-6, "velocity after step 1",
        {{0.1, "the gradient was weighted by (1 - momentum): here it is added as is"}});
    test::check_close(w, Matrix{{0.95f, -2.1f}}, 1e-6, "w after step 1");
    momentum_update(w, Matrix{{-1.f, 0.5f}}, v, 0.1f, 0.9f);
    // Second: 0.9 x the old velocity plus the new gradient (-1, 0.5).
    test::check_close(v, Matrix{{-0.55f, 1.4f}}, 1e-6, "velocity after step 2");
    test::check_close(w, Matrix{{1.005f, -2.24f}}, 1e-6, "w after step 2");
}

TEST_CASE("02 step 6b rmsprop_update: two steps match hand-computed values") {
    Matrix w = {{1.f, -2.f}}, s = {{0.f, 0.f}};
    const Matrix g = {{0.5f, -1.f}};
    rmsprop_update(w, g, s, 0.01f, 0.9f, 1e-8f);
    // mean_square = 0.1 g^2 = (0.025, 0.1); each entry moves by 0.01 g / sqrt(mean_square).
    test::check_close(s, Matrix{{0.025f, 0.1f}}, 1e-6, "mean_square after step 1",
                      {{10.0, "the new g^2 weighs 1 - rho, not 1"}});
    test::check_close(w, Matrix{{0.9683772f, -1.9683772f}}, 1e-5, "w after step 1");
    rmsprop_update(w, g, s, 0.01f, 0.9f, 1e-8f);
    test::check_close(s, Matrix{{0.0475f, 0.19f}}, 1e-6, "mean_square after step 2");
    test::check_close(w, Matrix{{0.9454356f, -1.9454356f}}, 1e-5, "w after step 2");
}

TEST_CASE("02 step 7 tied_forward: the encoder's weights used backwards, plus the own bias") {
    // W (in 3, out 2) of an encoder layer 3 -> 2; the tied layer maps 2 -> 3.
    const Matrix W = {{1.f, 2.f}, {0.f, -1.f}, {3.f, 0.5f}}, b = {{0.1f, 0.2f, 0.3f}};
    const Matrix x = {{1.f, -1.f}, {2.f, 0.f}};
    const Matrix y = tied_forward(x, W, b);
    REQUIRE_MESSAGE((y.shape()[0] == 2 && y.shape()[1] == 3), "expected (2, 3), got ",
                    shape_str(y));
    test::check_close(y, Matrix{{-0.9f, 1.2f, 2.8f}, {2.1f, 0.2f, 6.3f}}, 1e-6,
                      "tied_forward(x, W, b)");
}

TEST_CASE("02 step 7 tied_backward: gradients match central differences and add to dW") {
    Rng rng(5);
    const Matrix W = rng.normal(4, 3), b = rng.normal(1, 4), x = rng.normal(5, 3);
    const Matrix c = rng.normal(5, 4);  // loss = sum(c * tied_forward(x, W, b))
    test::MatD Wd = test::to_double(W), bd = test::to_double(b), xd = test::to_double(x);
    auto loss = [&] {
        double sum = 0;
        for (size_t n = 0; n < 5; ++n)
            for (size_t i = 0; i < 4; ++i) {
                double y = bd[0][i];
                for (size_t j = 0; j < 3; ++j) y += xd[n][j] * Wd[i][j];
                sum += c(n, i) * y;
            }
        return sum;
    };
    Matrix dW = xt::ones<float>({size_t(4), size_t(3)}),
           db = xt::zeros<float>({size_t(1), size_t(4)});
    (void)tied_forward(x, W, b);
    const Matrix dx = tied_backward(x, c, W, dW, db);
    REQUIRE_MESSAGE(dx.shape() == x.shape(), "input gradient: expected ", shape_str(x), ", got ",
                    shape_str(dx));
    Matrix fresh = xt::zeros<float>({size_t(4), size_t(3)}), db2 = db * 0.f;
    (void)tied_backward(x, c, W, fresh, db2);
    if (xt::allclose(dW, fresh) && !xt::allclose(fresh, dW - 1.f))
        FAIL_CHECK(
            "dW held 1s and now holds this use's gradient alone: add (+=) to dW, the "
            "encoder layer's own backward adds its use too");
    test::check_close(dW - 1.f, fresh, 1e-5, "what tied_backward added to a dW holding 1s");
    test::check_gradient(fresh, Wd, loss, "dW (the tied use's gradient of W)");
    test::check_gradient(db, bd, loss, "db");
    test::check_gradient(dx, xd, loss, "input gradient");
}

TEST_CASE("02 step 7 TiedDense: in a tied autoencoder, the shared W's gradient is both uses'") {
    Rng rng(11);
    Autoencoder m;
    m.encoder.add<Dense>(6, 4, rng, Init::Xavier);
    m.encoder.add<Tanh>();
    m.encoder.add<Dense>(4, 3, rng, Init::Xavier);
    auto& e0 = dynamic_cast<Dense&>(m.encoder[0]);
    auto& e1 = dynamic_cast<Dense&>(m.encoder[2]);
    m.decoder.add<TiedDense>(e1);
    m.decoder.add<Tanh>();
    m.decoder.add<TiedDense>(e0);
    m.decoder.add<Sigmoid>();
    for (auto& p : m.params()) *p.value = rng.normal(p.value->shape()[0], p.value->shape()[1]);
    const Matrix x = rng.uniform(5, 6);
    const auto params = m.params();
    REQUIRE_MESSAGE(params.size() == 6, "enc W, b x 2 and the two tied biases, got ",
                    params.size());
    auto loss = [&] { return mse_loss(m.decoder.forward(m.encoder.forward(x)), x).value; };
    zero_grad(params);
    const LossValue l = mse_loss(m.decoder.forward(m.encoder.forward(x)), x);
    m.encoder.backward(m.decoder.backward(l.grad));
    const GradCheckResult r = check_gradients(params, loss, {1e-2, 0, 1});
    CHECK_MESSAGE(r.ok(2e-2), "worst entry ", r.worst, " (relative error ", r.max_rel_error,
                  "): the gradient of a shared W is the sum of the encoder's and the tied "
                  "layer's uses");
}
