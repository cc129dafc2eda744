// Tests of the neural-network core: every layer's and every loss's gradient against central
// differences of an independent double-precision reference (tests/test_util.hpp), hand-computed
// loss values, numerical stability, initialisation scales and the library's gradient checker.
// Sizes such as (3, 7) are deliberately not multiples of the SIMD width, to test the tails.
#include <doctest/doctest.h>

#include <cmath>

#include "ae/error.hpp"
#include "ae/gradcheck.hpp"
#include "ae/loss.hpp"
#include "ae/nn.hpp"
#include "test_util.hpp"

using namespace ae;
using test::MatD;

namespace {

// sum_ij R_ij Y_ij in double: a loss whose gradient with respect to Y is R.
double weighted_sum(const MatD& y, const Matrix& r) {
    double s = 0;
    for (size_t i = 0; i < y.size(); ++i)
        for (size_t j = 0; j < y[i].size(); ++j) s += r(i, j) * y[i][j];
    return s;
}

MatD map_entries(const MatD& x, const std::function<double(double)>& f) {
    MatD y = x;
    for (auto& row : y)
        for (auto& v : row) v = f(v);
    return y;
}

// x (N, D) W (D, H) + b (1, H), in double.
MatD dense_ref(const MatD& x, const MatD& w, const MatD& b) {
    MatD y(x.size(), std::vector<double>(w[0].size()));
    for (size_t i = 0; i < x.size(); ++i)
        for (size_t j = 0; j < w[0].size(); ++j) {
            double s = b[0][j];
            for (size_t k = 0; k < w.size(); ++k) s += x[i][k] * w[k][j];
            y[i][j] = s;
        }
    return y;
}

// Inputs kept at least 0.1 away from 0, so central differences never straddle a ReLU kink.
Matrix away_from_zero(Matrix x) {
    for (auto& v : x) v = v >= 0 ? v + 0.1f : v - 0.1f;
    return x;
}

double sigmoid_ref(double z) {
    return 1 / (1 + std::exp(-z));
}

// An activation's input gradient against central differences of its double formula.
void check_activation(Layer& layer, const std::function<double(double)>& f) {
    Rng rng(3);
    const Matrix x = away_from_zero(rng.normal(3, 7, 0.f, 2.f)), r = rng.normal(3, 7);
    Matrix ref(x.shape());
    for (size_t i = 0; i < x.size(); ++i) ref.data()[i] = static_cast<float>(f(x.data()[i]));
    test::check_close(layer.forward(x), ref, 1e-5, layer.name() + " forward");
    const Matrix grad_in = layer.backward(r);
    MatD xd = test::to_double(x);
    test::check_gradient(
        grad_in, xd, [&] { return weighted_sum(map_entries(xd, f), r); },
        layer.name() + " input gradient");
}

}  // namespace

TEST_CASE(
    "common nn Dense: forward is x W + b, and W, b, input gradients match central differences") {
    Rng rng(1);
    Dense layer(7, 5, rng, Init::Xavier);
    layer.b = rng.normal(1, 5);
    const Matrix x = rng.normal(3, 7), r = rng.normal(3, 5);
    MatD xd = test::to_double(x), wd = test::to_double(layer.W), bd = test::to_double(layer.b);
    const Matrix y = layer.forward(x);
    MatD yref = dense_ref(xd, wd, bd);
    Matrix yref_f(y.shape());
    for (size_t i = 0; i < 3; ++i)
        for (size_t j = 0; j < 5; ++j) yref_f(i, j) = static_cast<float>(yref[i][j]);
    test::check_close(y, yref_f, 1e-5, "Dense forward");
    const Matrix grad_in = layer.backward(r);
    auto loss = [&] { return weighted_sum(dense_ref(xd, wd, bd), r); };
    test::check_gradient(layer.dW, wd, loss, "Dense dW");
    test::check_gradient(layer.db, bd, loss, "Dense db");
    test::check_gradient(grad_in, xd, loss, "Dense input gradient");
}

TEST_CASE(
    "common nn Dense: backward accumulates (+=); backward_params_only gives the same dW, db") {
    Rng rng(2);
    Dense a(6, 4, rng), b(6, 4, rng);
    b.W = a.W;
    const Matrix x = rng.normal(5, 6), r = rng.normal(5, 4);
    a.forward(x);
    a.backward(r);
    const Matrix dw1 = a.dW, db1 = a.db;
    a.backward(r);
    test::check_close(a.dW, 2.f * dw1, 1e-5, "dW after two backward calls");
    test::check_close(a.db, 2.f * db1, 1e-5, "db after two backward calls");
    b.forward(x);
    b.backward_params_only(r);
    test::check_close(b.dW, dw1, 1e-6, "dW from backward_params_only");
    test::check_close(b.db, db1, 1e-6, "db from backward_params_only");
    CHECK_THROWS_WITH_AS(a.forward(rng.normal(2, 5)),
                         doctest::Contains("Dense(6, 4): input must have 6 columns, got (2, 5)"),
                         ShapeError);
}

TEST_CASE(
    "common nn activations: ReLU, LeakyReLU, Sigmoid, Tanh, Identity forward and input gradients") {
    ReLU relu;
    check_activation(relu, [](double v) { return v > 0 ? v : 0; });
    LeakyReLU leaky(0.1f);
    check_activation(leaky, [](double v) { return v > 0 ? v : 0.1 * v; });
    Sigmoid sig;
    check_activation(sig, sigmoid_ref);
    Tanh tanh_layer;
    check_activation(tanh_layer, [](double v) { return std::tanh(v); });
    Identity id;
    check_activation(id, [](double v) { return v; });
}

TEST_CASE("common nn Sequential: every parameter's gradient matches a double-precision reference") {
    Rng rng(4);
    Sequential net;
    net.add<Dense>(5, 4, rng);
    net.add<ReLU>();
    net.add<Dense>(4, 3, rng, Init::Xavier);
    net.add<Tanh>();
    net.add<Dense>(3, 2, rng, Init::Xavier);
    net.add<Sigmoid>();
    auto params = net.params();
    REQUIRE(params.size() == 6);
    CHECK(params[0].name == "0.W");
    CHECK(params[5].name == "4.b");
    CHECK(net.name() == "Dense(5, 4) -> ReLU -> Dense(4, 3) -> Tanh -> Dense(3, 2) -> Sigmoid");
    CHECK(count_parameters(params) == 5 * 4 + 4 + 4 * 3 + 3 + 3 * 2 + 2);
    for (auto& p : params)
        *p.value += rng.normal(p.value->shape()[0], p.value->shape()[1], 0.f, 0.3f);
    const Matrix x = rng.normal(6, 5), r = rng.normal(6, 2);
    std::vector<MatD> pd;
    for (auto& p : params) pd.push_back(test::to_double(*p.value));
    auto loss = [&] {
        MatD h = map_entries(dense_ref(test::to_double(x), pd[0], pd[1]),
                             [](double v) { return v > 0 ? v : 0; });
        h = map_entries(dense_ref(h, pd[2], pd[3]), [](double v) { return std::tanh(v); });
        return weighted_sum(map_entries(dense_ref(h, pd[4], pd[5]), sigmoid_ref), r);
    };
    zero_grad(params);
    net.forward(x);
    net.backward(r);
    for (size_t i = 0; i < params.size(); ++i)
        test::check_gradient(*params[i].grad, pd[i], loss, params[i].name);
    // The same parameter gradients without the first layer's input gradient.
    std::vector<Matrix> full;
    for (auto& p : params) full.push_back(*p.grad);
    zero_grad(params);
    net.forward(x);
    net.backward_params_only(r);
    for (size_t i = 0; i < params.size(); ++i)
        test::check_close(*params[i].grad, full[i], 1e-6, params[i].name);
    CHECK(named("enc.", params)[0].name == "enc.0.W");
}

TEST_CASE("common nn Dense: He and Xavier initialisation have the stated standard deviations") {
    Rng rng(5);
    auto stddev = [](const Matrix& w) {
        double s = 0, s2 = 0;
        for (float v : w) s += v, s2 += double(v) * v;
        const double n = static_cast<double>(w.size());
        return std::sqrt(s2 / n - (s / n) * (s / n));
    };
    // 200k draws: the sample standard deviation is within 0.5% of the true one (3 sigma ~ 0.5%).
    Dense he(784, 256, rng, Init::He), xavier(784, 256, rng, Init::Xavier);
    CHECK(stddev(he.W) == doctest::Approx(std::sqrt(2.0 / 784)).epsilon(0.01));
    CHECK(stddev(xavier.W) == doctest::Approx(std::sqrt(2.0 / (784 + 256))).epsilon(0.01));
    CHECK(xt::all(xt::equal(he.b, 0.f)));
    CHECK(he.b.shape()[0] == 1);
    CHECK(he.b.shape()[1] == 256);
}

TEST_CASE("common gradcheck: passes a correct backward pass and names the entry of a wrong one") {
    Rng rng(6);
    Sequential net;
    net.add<Dense>(4, 3, rng, Init::Xavier);
    net.add<Tanh>();
    net.add<Dense>(3, 2, rng, Init::Xavier);
    const auto params = named("enc.", net.params());
    const Matrix x = rng.normal(5, 4), target = rng.normal(5, 2);
    auto loss = [&] { return mse_loss(net.forward(x), target).value; };
    zero_grad(params);
    net.backward(mse_loss(net.forward(x), target).grad);
    GradCheckOptions o;
    o.max_entries = 0;
    const GradCheckResult good = check_gradients(params, loss, o);
    CHECK(good.checked == count_parameters(params));
    INFO("worst: " << good.worst);
    CHECK(good.ok(1e-2));  // float32 forward, h = 1e-2: ~1e-4 for a correct gradient
    (*params[0].grad)(2, 1) *= 1.5f;
    const GradCheckResult bad = check_gradients(params, loss, o);
    CHECK(bad.max_rel_error > 0.1);
    CHECK(bad.worst.rfind("enc.0.W[2, 1]", 0) == 0);
}

TEST_CASE("common loss mse: hand-computed values and gradients for both reductions") {
    const Matrix pred = {{1.f, 2.f}, {3.f, 4.f}}, target = {{0.f, 2.f}, {3.f, 6.f}};
    // Errors 1, 0, 0, -2: squared sum 5 over 4 entries and 2 examples.
    const LossValue mean = mse_loss(pred, target);
    CHECK(mean.value == doctest::Approx(1.25));
    test::check_close(mean.grad, Matrix{{0.5f, 0.f}, {0.f, -1.f}}, 1e-6, "mse Mean gradient");
    const LossValue per_ex = mse_loss(pred, target, Reduction::SumPerExample);
    CHECK(per_ex.value == doctest::Approx(2.5));
    test::check_close(per_ex.grad, Matrix{{1.f, 0.f}, {0.f, -2.f}}, 1e-6,
                      "mse SumPerExample gradient");
    CHECK_THROWS_AS(mse_loss(pred, Matrix{{1.f, 2.f}}), ShapeError);
}

TEST_CASE("common loss mse and bce: gradients match central differences for both reductions") {
    Rng rng(7);
    const Matrix pred = rng.normal(5, 37, 0.f, 3.f), target = rng.uniform(5, 37);
    for (Reduction r : {Reduction::Mean, Reduction::SumPerExample}) {
        const double div = r == Reduction::Mean ? 5.0 * 37 : 5.0;
        MatD p = test::to_double(pred);
        auto mse_ref = [&] {
            double s = 0;
            for (size_t i = 0; i < 5; ++i)
                for (size_t j = 0; j < 37; ++j)
                    s += (p[i][j] - target(i, j)) * (p[i][j] - target(i, j));
            return s / div;
        };
        auto bce_ref = [&] {
            double s = 0;
            for (size_t i = 0; i < 5; ++i)
                for (size_t j = 0; j < 37; ++j)
                    s += std::log1p(std::exp(p[i][j])) - p[i][j] * target(i, j);
            return s / div;
        };
        const LossValue mse = mse_loss(pred, target, r),
                        bce = bce_with_logits_loss(pred, target, r);
        CHECK(mse.value == doctest::Approx(mse_ref()).epsilon(1e-5));
        CHECK(bce.value == doctest::Approx(bce_ref()).epsilon(1e-5));
        test::check_gradient(mse.grad, p, mse_ref, "mse gradient");
        test::check_gradient(bce.grad, p, bce_ref, "bce gradient");
    }
}

TEST_CASE("common loss bce: log 2 at logit 0, and stable (finite, exact) for |logits| up to 1e4") {
    const Matrix zero = {{0.f, 0.f, 0.f}}, t = {{0.f, 0.5f, 1.f}};
    const LossValue at0 = bce_with_logits_loss(zero, t, Reduction::SumPerExample);
    CHECK(at0.value == doctest::Approx(3 * std::log(2.0)).epsilon(1e-6));
    test::check_close(at0.grad, Matrix{{0.5f, 0.f, -0.5f}}, 1e-6, "bce gradient at logit 0");
    // Wrong by 100 nats where the naive log(sigmoid) gives inf or NaN; right where it gives 0.
    const Matrix z = {{100.f, -100.f, 100.f, -100.f, 1e4f}}, y = {{0.f, 1.f, 1.f, 0.f, 0.f}};
    const LossValue big = bce_with_logits_loss(z, y, Reduction::SumPerExample);
    CHECK(all_finite(big.grad));
    CHECK(big.value == doctest::Approx(200.0 + 1e4).epsilon(1e-6));
    test::check_close(big.grad, Matrix{{1.f, -1.f, 0.f, 0.f, 1.f}}, 1e-6,
                      "bce gradient at large |logits|");
    const Matrix s = sigmoid(Matrix{{-200.f, -80.f, -5.f, 0.f, 5.f, 80.f, 200.f}});
    CHECK(all_finite(s));
    CHECK(s(0, 1) > 0.f);  // exp(-80) ~ 1.8e-35 is representable: it must not round to 0
    CHECK(s(0, 1) == doctest::Approx(std::exp(-80.0)).epsilon(1e-5));
    CHECK(s(0, 2) == doctest::Approx(sigmoid_ref(-5)).epsilon(1e-6));
    CHECK(s(0, 3) == 0.5f);
    CHECK(s(0, 6) == 1.f);
}

TEST_CASE("common loss kl_standard_normal: 2 per dimension at mu = 2, logvar = 0, and gradients") {
    const Matrix mu = xt::ones<float>({size_t{4}, size_t{3}}) * 2.f,
                 zero = xt::zeros<float>({size_t{4}, size_t{3}});
    // 1/2 (mu^2 + e^0 - 1 - 0) = 2 per dimension, 3 dimensions, mean over the 4 examples.
    CHECK(kl_standard_normal(mu, zero).value == doctest::Approx(6.0));
    CHECK(kl_standard_normal(zero, zero).value == doctest::Approx(0.0));
    Rng rng(8);
    const Matrix m = rng.normal(4, 3), lv = rng.normal(4, 3);
    MatD md = test::to_double(m), lvd = test::to_double(lv);
    auto ref = [&] {
        double s = 0;
        for (size_t i = 0; i < 4; ++i)
            for (size_t j = 0; j < 3; ++j)
                s += 0.5 * (md[i][j] * md[i][j] + std::exp(lvd[i][j]) - 1 - lvd[i][j]);
        return s / 4;
    };
    const KlValue kl = kl_standard_normal(m, lv);
    CHECK(kl.value == doctest::Approx(ref()).epsilon(1e-5));
    test::check_gradient(kl.grad_mu, md, ref, "KL gradient in mu");
    test::check_gradient(kl.grad_logvar, lvd, ref, "KL gradient in logvar");
}

TEST_CASE("common nn Elu: hand-computed values and a gradient matching central differences") {
    Elu elu;
    const Matrix x = {{-1.f, 0.5f, -0.1f}, {2.f, -3.f, 0.f}};
    const Matrix y = elu.forward(x);
    test::check_close(y,
                      Matrix{{float(std::exp(-1.0) - 1), 0.5f, float(std::exp(-0.1) - 1)},
                             {2.f, float(std::exp(-3.0) - 1), 0.f}},
                      1e-6, "ELU forward");
    const Matrix r = {{0.3f, -0.2f, 0.7f}, {1.f, 0.5f, -0.4f}};
    const Matrix g = elu.backward(r);
    test::check_close(g,
                      Matrix{{float(0.3 * std::exp(-1.0)), -0.2f, float(0.7 * std::exp(-0.1))},
                             {1.f, float(0.5 * std::exp(-3.0)), float(-0.4 * std::exp(0.0))}},
                      1e-6, "ELU backward");
}

TEST_CASE("common nn Dropout: identity when not training, inverted dropout when training") {
    Dropout drop(0.25f, 3);
    Rng rng(1);
    const Matrix x = rng.uniform(200, 50, 0.5f, 1.5f);
    CHECK(xt::allclose(drop.forward(x), x));
    CHECK(xt::allclose(drop.backward(x), x));
    drop.training = true;
    const Matrix y = drop.forward(x);
    size_t zeros = 0;
    for (size_t i = 0; i < y.size(); ++i) {
        const float ratio = y.data()[i] / x.data()[i];
        if (ratio == 0.f)
            ++zeros;
        else
            CHECK(std::abs(ratio - 1.f / 0.75f) < 1e-5f);
    }
    const double dropped = double(zeros) / double(y.size());
    CHECK_MESSAGE(std::abs(dropped - 0.25) < 0.02, "dropped ", dropped, " of the entries");
    // The backward pass uses the forward pass's mask.
    const Matrix ones = xt::ones<float>(x.shape());
    const Matrix g = drop.backward(ones);
    CHECK(xt::allclose(g * x, y));
    CHECK_THROWS_AS(Dropout(1.f), Error);
}
