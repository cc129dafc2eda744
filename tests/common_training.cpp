// Tests of the one way to train (ae/training.hpp, ae/objective.hpp, common/src/training.cpp), on
// the CPU: ae::train's CPU path is ae::fit with the optimiser its spec describes, divergence
// quotes the spec's learning rate, and --device cuda without a GPU (or without a GPU trainer)
// is a clear error. The epoch driver under it: common_train.cpp.
// Run: build/bin/test_common -tc="common train*"
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "ae/device.hpp"
#include "ae/error.hpp"
#include "ae/loss.hpp"
#include "ae/nn.hpp"
#include "ae/optim.hpp"
#include "ae/training.hpp"

using namespace ae;

namespace {

// A TrainSpec with quiet fit options (no progress bar, no epoch log).
TrainSpec quiet_spec(int epochs, int batch_size, uint64_t seed) {
    TrainSpec spec;
    spec.fit.epochs = epochs, spec.fit.batch_size = batch_size, spec.fit.seed = seed;
    spec.fit.progress = spec.fit.verbose = false;
    return spec;
}

Sequential tiny_ae(uint64_t seed) {
    Rng rng(seed);
    Sequential m;
    m.add<Dense>(6, 3, rng), m.add<ReLU>(), m.add<Dense>(3, 6, rng), m.add<Sigmoid>();
    return m;
}

}  // namespace

TEST_CASE("common train: SGD with a huge learning rate on a linear AE stops with exit-3 advice") {
    Rng data(4);
    const Matrix x = data.uniform(64, 6);
    auto run = [&](float lr) {
        Rng init(1);
        Sequential m;
        m.add<Dense>(6, 3, init), m.add<Dense>(3, 6, init);
        TrainSpec spec = quiet_spec(5, 16, 1);
        spec.optimizer = OptimizerSpec::sgd(lr);
        return train(x, spec,
                     [&](const Matrix& b, const std::vector<size_t>&, Optimizer& opt, Rng&) {
                         zero_grad(m.params());
                         const LossValue l = mse_loss(m.forward(b), b);
                         m.backward(l.grad);
                         opt.step(m.params());
                         return l.value;
                     });
    };
    CHECK_THROWS_WITH_AS(run(100.f), doctest::Contains("--lr 10"), TrainingDiverged);
    const History healthy = run(0.05f);  // the same model learns with a sane rate
    CHECK(healthy.train_loss().back() < healthy.train_loss().front());
}

TEST_CASE("common train: ae::train on the CPU is ae::fit with the optimiser it describes") {
    Rng data(3);
    const Matrix x = data.uniform(40, 6);
    TrainSpec spec = quiet_spec(3, 16, 99);
    spec.optimizer = OptimizerSpec::adam(0.01f);
    spec.device = "cpu";
    auto step = [](Sequential& m, const Matrix& batch, Optimizer& opt) {
        zero_grad(m.params());
        const LossValue l = mse_loss(m.forward(batch), batch);
        m.backward(l.grad);
        opt.step(m.params());
        return l.value;
    };
    // train() takes an encoder and a decoder; here the decoder is empty, the step trains enc.
    Sequential enc = tiny_ae(5), dec;
    const History trained = train(
        enc, dec, x, spec, [&](const Matrix& b, const std::vector<size_t>&, Optimizer& opt, Rng&) {
            return step(enc, b, opt);
        });
    Sequential ref = tiny_ae(5);
    Adam adam(0.01f);
    const History fitted = fit(x, spec.fit, [&](const Matrix& b, const std::vector<size_t>&, Rng&) {
        return step(ref, b, adam);
    });
    CHECK(trained.train_loss() == fitted.train_loss());  // the same computation, bit for bit
    CHECK(trained.train_loss().back() < trained.train_loss().front());
    const Matrix out_trained = enc.forward(x), out_ref = ref.forward(x);
    CHECK(out_trained == out_ref);
}

TEST_CASE("common train: the optimiser description builds ae::Adam or ae::Sgd") {
    const auto adam = make_optimizer(OptimizerSpec::adam(0.003f, 0.1f));
    REQUIRE(dynamic_cast<Adam*>(adam.get()) != nullptr);
    CHECK(adam->lr == doctest::Approx(0.003f));
    CHECK(adam->weight_decay == doctest::Approx(0.1f));
    const auto sgd = make_optimizer(OptimizerSpec::sgd(0.5f, 0.9f));
    REQUIRE(dynamic_cast<Sgd*>(sgd.get()) != nullptr);
    CHECK(dynamic_cast<Sgd*>(sgd.get())->momentum == doctest::Approx(0.9f));
    CHECK(sgd->lr == doctest::Approx(0.5f));
}

TEST_CASE("common train: diverging in ae::train quotes the optimiser's learning rate") {
    Rng data(3);
    const Matrix x = data.uniform(8, 6);
    TrainSpec spec = quiet_spec(1, 4, 1);
    spec.optimizer = OptimizerSpec::sgd(0.7f);
    Sequential enc = tiny_ae(1), dec;
    CHECK_THROWS_WITH_AS(
        train(enc, dec, x, spec,
              [](const Matrix&, const std::vector<size_t>&, Optimizer&, Rng&) { return NAN; }),
        doctest::Contains("--lr 0.07"), TrainingDiverged);
}

TEST_CASE("common train: without a GPU, --device cuda is a clear error and auto is the CPU") {
    if (cuda_available()) return;  // the GPU path is tested by test_gpu
    Rng data(3);
    const Matrix x = data.uniform(8, 6);
    TrainSpec spec = quiet_spec(1, 4, 1);
    spec.device = "cuda";
    Sequential enc = tiny_ae(1), dec;
    bool stepped = false;
    const CpuStep step = [&](const Matrix&, const std::vector<size_t>&, Optimizer&, Rng&) {
        stepped = true;
        return 1.0;
    };
    CHECK_THROWS_WITH_AS(train(enc, dec, x, spec, step), doctest::Contains("--device cpu"), Error);
    CHECK_FALSE(stepped);
    spec.device = "auto";
    train(enc, dec, x, spec, step);
    CHECK(stepped);
}

TEST_CASE("common train: a model with no GPU trainer refuses --device cuda and trains on auto") {
    Rng data(4);
    const Matrix x = data.uniform(8, 6);
    TrainSpec spec = quiet_spec(2, 4, 1);
    int steps = 0;
    const CpuStep step = [&](const Matrix&, const std::vector<size_t>&, Optimizer&, Rng&) {
        ++steps;
        return 1.0;
    };
    spec.device = "cuda";
    CHECK_THROWS_WITH_AS(train(x, spec, step), doctest::Contains("--device cpu"), Error);
    CHECK(steps == 0);
    spec.device = "auto";
    CHECK(train(x, spec, step).epochs.size() == 2);
    CHECK(steps == 4);  // 2 epochs of 2 batches of 4
}
