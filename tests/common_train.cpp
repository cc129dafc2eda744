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
#include "ae/io.hpp"
#include "ae/loss.hpp"
#include "ae/nn.hpp"
#include "ae/optim.hpp"
#include "ae/train.hpp"
#include "ae/training.hpp"
#include "test_util.hpp"

using namespace ae;

namespace {

FitOptions quiet_options(int epochs, int batch_size, uint64_t seed) {
    FitOptions o;
    o.epochs = epochs, o.batch_size = batch_size, o.seed = seed;
    o.progress = o.verbose = false;
    return o;
}

// A TrainSpec whose fit options are quiet_options(epochs, batch_size, seed).
TrainSpec quiet_spec(int epochs, int batch_size, uint64_t seed) {
    TrainSpec spec;
    spec.fit = quiet_options(epochs, batch_size, seed);
    return spec;
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

namespace {
// fit over 40 rows in batches of 10 (4 steps an epoch) whose step returns losses[step number].
History fit_losses(const std::vector<double>& losses, int epochs) {
    Rng data(2);
    const Matrix x = data.uniform(40, 2);
    size_t s = 0;
    return fit(x, quiet_options(epochs, 10, 1),
               [&](const Matrix&, const std::vector<size_t>&, Rng&) { return losses.at(s++); });
}
}  // namespace

TEST_CASE("common train: a loss that explodes past 1000 x the first batch's stops in that batch") {
    // The third step's loss is 1001 x the untrained network's: finite, but diverged.
    CHECK_THROWS_WITH_AS(fit_losses({0.5, 0.4, 500.5, 0.3}, 1),
                         doctest::Contains("x the untrained network's 0.5 at epoch 1, batch 3"),
                         TrainingDiverged);
    CHECK_NOTHROW(fit_losses({0.5, 0.4, 499, 0.3}, 1));  // 998 x: a bad batch, not divergence
}

TEST_CASE("common train: from epoch 2, a train loss worse than the untrained network's stops") {
    // Epoch 1 learns (mean 0.8), epoch 2 comes back above 1.05 x the first batch's 1.0 (and
    // above epoch 1's mean).
    const std::vector<double> worse = {1.0, 0.8, 0.7, 0.7, /**/ 1.1, 1.1, 1.1, 1.1};
    CHECK_THROWS_WITH_AS(fit_losses(worse, 2), doctest::Contains("no progress) at epoch 2"),
                         TrainingDiverged);
    // The same numbers in epoch 1 alone are not judged: epoch 1 may start badly.
    CHECK_NOTHROW(fit_losses({1.0, 1.1, 1.1, 1.1}, 1));
    // A flat loss, or a bump within 5 %, is not divergence.
    CHECK_NOTHROW(fit_losses(std::vector<double>(12, 1.0), 3));
    CHECK_NOTHROW(fit_losses({1.0, 0.8, 0.7, 0.7, /**/ 1.04, 1.04, 1.04, 1.04}, 2));
    // An easy first batch, then a run that improves (from a trained model): not divergence.
    CHECK_NOTHROW(fit_losses({0.5, 1.0, 1.0, 1.0, /**/ 0.8, 0.8, 0.8, 0.8}, 2));
    CHECK_THROWS_AS(fit_losses({0.5, 1.0, 1.0, 1.0, /**/ 0.8, 0.8, 0.8, 1.5}, 2), TrainingDiverged);
}

TEST_CASE("common train: a device runner's first epoch is the reference of the divergence rules") {
    // Whole epochs reported at once: the first epoch's mean (0.5) is the untrained loss.
    RecordingRunner gpu;
    EpochRunner r = gpu.runner(5);
    const EpochFn blow_up = [&](EpochLog&) { gpu.loss = 600; };
    CHECK_THROWS_WITH_AS(run_epochs(20, quiet_options(3, 4, 1), r, blow_up, 0.5f),
                         doctest::Contains("--lr 0.05"), TrainingDiverged);
    CHECK(gpu.perms.size() == 2);  // stopped in the second epoch
}

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

TEST_CASE("common train: a runner that skips rows is an error, not a wrong mean") {
    EpochRunner r;
    r.run_epoch = [](const std::vector<size_t>&, Rng&, const BatchDone& done) { done(1, 3, 1.0); };
    CHECK_THROWS_AS(run_epochs(20, quiet_options(1, 4, 1), r), Error);
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

TEST_CASE("common train: history.csv has the epoch, the train loss, each metric and seconds") {
    test::TempDir dir("history");
    History h;
    for (int e = 1; e <= 2; ++e) {
        EpochLog log;
        log.epoch = e, log.train_loss = 1.0 / e, log.seconds = 0.5 * e;
        log.metrics["test_mse"] = 0.25 / e;
        h.epochs.push_back(log);
    }
    const std::string path = (dir.path() / "history.csv").string();
    save_history_csv(path, h, "train_mse", {"test_mse", "missing"});
    const std::string csv = read_text(path);
    REQUIRE(csv.rfind("epoch,train_mse,test_mse,missing,seconds\n", 0) == 0);
    CHECK(csv.find("\n1,1,0.25,") != std::string::npos);
    CHECK(csv.find("\n2,0.5,0.125,") != std::string::npos);
    CHECK(csv.find(",0.5\n") != std::string::npos);  // epoch 1's seconds end its row
    CHECK(h.seconds() == std::vector<double>{0.5, 1.0});
}
