// Tests of the epoch driver (ae::fit and ae::run_epochs, ae/train.hpp, common/src/train.cpp):
// every example once per epoch, the CPU path and a device runner get the same batch order for the
// same seed, and the same NaN/inf and divergence guard. ae::train above it: common_training.cpp.
// Run: build/bin/test_common -tc="common train*"
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "ae/error.hpp"
#include "ae/io.hpp"
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

TEST_CASE("common train: a runner that skips rows is an error, not a wrong mean") {
    EpochRunner r;
    r.run_epoch = [](const std::vector<size_t>&, Rng&, const BatchDone& done) { done(1, 3, 1.0); };
    CHECK_THROWS_AS(run_epochs(20, quiet_options(1, 4, 1), r), Error);
}

TEST_CASE("common train: every example once per epoch, seeded order, NaN stops with advice") {
    Matrix x = xt::zeros<float>({size_t{10}, size_t{1}});
    for (size_t i = 0; i < 10; ++i) x(i, 0) = static_cast<float>(i);
    FitOptions o;
    o.epochs = 2;
    o.batch_size = 3;
    o.progress = o.verbose = false;
    std::vector<float> seen;
    const History h = fit(x, o, [&](const Matrix& b, const std::vector<size_t>& idx, Rng&) {
        for (size_t i = 0; i < b.shape()[0]; ++i) {
            CHECK(b(i, 0) == static_cast<float>(idx[i]));
            seen.push_back(b(i, 0));
        }
        return 1.0;
    });
    REQUIRE(seen.size() == 20);
    std::vector<float> first(seen.begin(), seen.begin() + 10);
    std::sort(first.begin(), first.end());
    for (size_t i = 0; i < 10; ++i) CHECK(first[i] == static_cast<float>(i));
    CHECK(h.epochs.size() == 2);
    CHECK(h.train_loss()[1] == doctest::Approx(1.0));
    TrainSpec spec;  // the advice quotes the optimiser's learning rate
    spec.fit = o;
    spec.optimizer.lr = 0.5f;
    CHECK_THROWS_WITH_AS(
        train(x, spec,
              [](const Matrix&, const std::vector<size_t>&, Optimizer&, Rng&) { return NAN; }),
        doctest::Contains("--lr 0.05"), TrainingDiverged);
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
