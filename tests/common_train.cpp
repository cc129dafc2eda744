// Tests of the one way to train (ae/training.hpp) and of the epoch driver under it
// (ae::run_epochs, ae/train.hpp), on the CPU: the CPU path and the GPU path get the same batch
// order for the same seed, the same NaN/inf guard, and ae::train's CPU path is ae::fit.
// Run: build/bin/test_common -tc="common train*"
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "ae/device.hpp"
#include "ae/error.hpp"
#include "ae/loss.hpp"
#include "ae/nn.hpp"
#include "ae/optim.hpp"
#include "ae/training.hpp"

using namespace ae;

namespace {

FitOptions quiet_options(int epochs, int batch_size, uint64_t seed) {
    FitOptions o;
    o.epochs = epochs, o.batch_size = batch_size, o.seed = seed;
    o.progress = o.verbose = false;
    return o;
}

// A runner as the GPU trainers build it: one whole epoch per call, reported at once; it
// records the orders it was handed.
struct RecordingRunner {
    std::vector<std::vector<size_t>> perms;
    double loss = 0.5;
    EpochRunner runner(size_t batches) {
        EpochRunner r;
        r.run_epoch = [this, batches](const std::vector<size_t>& perm, Rng&,
                                      const BatchDone& done) {
            perms.push_back(perm);
            done(batches, perm.size(), loss);
        };
        r.where = " on the fake device";
        return r;
    }
};

Sequential tiny_ae(uint64_t seed) {
    Rng rng(seed);
    Sequential m;
    m.add<Dense>(6, 3, rng), m.add<ReLU>(), m.add<Dense>(3, 6, rng), m.add<Sigmoid>();
    return m;
}

}  // namespace

TEST_CASE("common train: the CPU and the GPU runners get the same batch order for a seed") {
    Rng data(1);
    const Matrix x = data.uniform(50, 2);
    const FitOptions o = quiet_options(3, 8, 1234);
    // The CPU path: ae::fit, whose steps see the rows perm[0..8), perm[8..16), ...
    std::vector<std::vector<size_t>> cpu_perms(3);
    int epoch = 0;
    size_t rows_in_epoch = 0;
    fit(x, o, [&](const Matrix& b, const std::vector<size_t>& idx, Rng&) {
        if (rows_in_epoch == x.shape()[0]) ++epoch, rows_in_epoch = 0;
        cpu_perms[epoch].insert(cpu_perms[epoch].end(), idx.begin(), idx.end());
        rows_in_epoch += b.shape()[0];
        return 1.0;
    });
    // The GPU path: whole epochs handed to a device runner by the same driver.
    RecordingRunner gpu;
    const History h = run_epochs(x.shape()[0], o, gpu.runner(7));
    REQUIRE(gpu.perms.size() == 3);
    for (int e = 0; e < 3; ++e) {
        INFO("epoch " << e + 1);
        CHECK(gpu.perms[e] == cpu_perms[e]);
    }
    CHECK(gpu.perms[0] != gpu.perms[1]);  // a fresh order every epoch
    REQUIRE(h.epochs.size() == 3);
    CHECK(h.train_loss()[2] == doctest::Approx(0.5));
    // Another seed, another order.
    RecordingRunner other;
    run_epochs(x.shape()[0], quiet_options(1, 8, 4321), other.runner(7));
    CHECK(other.perms[0] != gpu.perms[0]);
}

TEST_CASE("common train: a device epoch whose loss is NaN stops with the optimiser's lr") {
    RecordingRunner gpu;
    gpu.loss = NAN;
    CHECK_THROWS_WITH_AS(run_epochs(20, quiet_options(2, 4, 1), gpu.runner(5), nullptr, 0.02f),
                         doctest::Contains("--lr 0.002"), TrainingDiverged);
    CHECK(gpu.perms.size() == 1);  // stopped in the first epoch
}

TEST_CASE("common train: a metric that is inf after a device epoch stops training") {
    RecordingRunner gpu;
    int synced = 0;
    EpochRunner r = gpu.runner(5);
    r.sync_weights = [&] { ++synced; };
    const EpochFn measure = [](EpochLog& log) { log.metrics["test_loss"] = INFINITY; };
    CHECK_THROWS_WITH_AS(run_epochs(20, quiet_options(2, 4, 1), r, measure),
                         doctest::Contains("test_loss"), TrainingDiverged);
    CHECK(synced == 1);  // the weights came back before the callback measured them
}

TEST_CASE("common train: a runner that skips rows is an error, not a wrong mean") {
    EpochRunner r;
    r.run_epoch = [](const std::vector<size_t>&, Rng&, const BatchDone& done) { done(1, 3, 1.0); };
    CHECK_THROWS_AS(run_epochs(20, quiet_options(1, 4, 1), r), Error);
}

TEST_CASE("common train: ae::train on the CPU is ae::fit with the optimiser it describes") {
    Rng data(3);
    const Matrix x = data.uniform(40, 6);
    TrainSpec spec;
    spec.fit = quiet_options(3, 16, 99);
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
    TrainSpec spec;
    spec.fit = quiet_options(1, 4, 1);
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
    TrainSpec spec;
    spec.fit = quiet_options(1, 4, 1);
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
