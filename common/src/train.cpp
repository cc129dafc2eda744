// The minibatch loop (see ae/train.hpp).
#include "ae/train.hpp"

#include <cmath>
#include <cstdio>
#include <sstream>

#include "ae/error.hpp"
#include "ae/io.hpp"
#include "ae/progress.hpp"

namespace ae {

std::vector<double> History::train_loss() const {
    std::vector<double> v;
    for (const auto& e : epochs) v.push_back(e.train_loss);
    return v;
}

std::vector<double> History::metric(const std::string& name) const {
    std::vector<double> v;
    for (const auto& e : epochs) {
        auto it = e.metrics.find(name);
        v.push_back(it == e.metrics.end() ? NAN : it->second);
    }
    return v;
}

std::vector<double> History::epoch_numbers() const {
    std::vector<double> v;
    for (const auto& e : epochs) v.push_back(e.epoch);
    return v;
}

std::vector<double> History::seconds() const {
    std::vector<double> v;
    for (const auto& e : epochs) v.push_back(e.seconds);
    return v;
}

void save_history_csv(const std::string& path, const History& h, const std::string& train_column,
                      const std::vector<std::string>& metrics) {
    std::vector<std::string> header = {"epoch", train_column};
    std::vector<std::vector<double>> columns = {h.epoch_numbers(), h.train_loss()};
    for (const std::string& m : metrics) header.push_back(m), columns.push_back(h.metric(m));
    header.push_back("seconds"), columns.push_back(h.seconds());
    save_csv(path, header, columns);
}

double History::total_seconds() const {
    double s = 0;
    for (const auto& e : epochs) s += e.seconds;
    return s;
}

namespace {
[[noreturn]] void diverged(const FitOptions& o, float lr, const std::string& what, int epoch,
                           size_t batch) {
    std::ostringstream s;
    s << o.name << ": " << what << " at epoch " << epoch << ", batch " << batch
      << ": training diverged.\n  Try a smaller learning rate";
    if (lr > 0) s << " (e.g. --lr " << lr / 10 << "; it is " << lr << " now)";
    s << ", and check your gradients with the lesson's gradient-check test.";
    throw TrainingDiverged(s.str());
}
}  // namespace

void check_fit_args(size_t n, const FitOptions& o) {
    if (n == 0) throw Error(o.name + ": no training examples");
    if (o.batch_size <= 0)
        throw Error(o.name + ": --batch-size must be positive, got " +
                    std::to_string(o.batch_size));
}

namespace {
// Divergence beyond NaN/inf, measured against `first`: the first loss reported (the untrained
// network's loss on the first batch on the CPU; the first epoch's mean from a device runner).
// Healthy training of every lesson ends epoch 1 well below it, so neither rule fires there:
// - explosion: a batch or an epoch whose mean loss is above kDivergedExplode x first (lesson 01
//   with --lr 100 reaches 1e16 x);
// - no progress: from epoch 2 on, an epoch whose train loss is above kDivergedNoProgress x
//   first (worse than not training at all) and not below epoch 1's (no better since): lesson 02
//   with --lr 1 (dead units, a constant output). Both conditions: a run that starts from a
//   trained model and a first batch that happens to be easy still does not stop while it
//   improves.
constexpr double kDivergedExplode = 1e3;
constexpr double kDivergedNoProgress = 1.05;

std::string divergence_ratio_text(double loss, double first) {
    char text[160];
    std::snprintf(text, sizeof text, "loss %.4g is %.3g x the untrained network's %.4g", loss,
                  loss / first, first);
    return text;
}
}  // namespace

History run_epochs(size_t n, const FitOptions& o, const EpochRunner& runner,
                   const EpochFn& on_epoch_end, float lr) {
    check_fit_args(n, o);
    keep_freed_memory();  // every step allocates and frees a few MB of matrices
    const size_t bs = static_cast<size_t>(o.batch_size);
    const size_t batches = (n + bs - 1) / bs;
    Rng order_rng(o.seed);             // the data order: the same on every device
    Rng step_rng = order_rng.split();  // noise and sampling inside CPU steps
    History history;
    double first = NAN;  // the first loss reported: the reference of the divergence rules
    for (int epoch = 1; epoch <= o.epochs; ++epoch) {
        Timer timer;
        const auto perm = order_rng.permutation(n);
        Progress bar(o.name + " epoch " + std::to_string(epoch) + "/" + std::to_string(o.epochs),
                     batches, o.progress);
        double sum = 0;
        size_t seen = 0, done_batches = 0;
        runner.run_epoch(perm, step_rng, [&](size_t k, size_t rows, double loss) {
            done_batches += k;
            if (!std::isfinite(loss))
                diverged(o, lr, "loss is " + std::to_string(loss), epoch, done_batches);
            if (std::isnan(first)) first = loss;
            if (first > 0 && loss > kDivergedExplode * first)
                diverged(o, lr, divergence_ratio_text(loss, first), epoch, done_batches);
            sum += loss * static_cast<double>(rows);
            seen += rows;
            char status[64];
            std::snprintf(status, sizeof status, "loss %.5g", sum / double(seen));
            bar.tick(k, status);
        });
        bar.finish();
        if (seen != n) {
            throw Error(o.name + ": an epoch reported " + std::to_string(seen) + " of " +
                        std::to_string(n) + " rows");
        }
        EpochLog log;
        log.epoch = epoch;
        log.train_loss = sum / static_cast<double>(seen);
        log.seconds = timer.seconds();
        const bool no_progress = epoch >= 2 && log.train_loss > kDivergedNoProgress * first &&
                                 log.train_loss >= history.epochs.front().train_loss;
        if (first > 0 && (log.train_loss > kDivergedExplode * first || no_progress)) {
            diverged(o, lr,
                     "the epoch's mean " + divergence_ratio_text(log.train_loss, first) +
                         (log.train_loss > kDivergedExplode * first ? "" : " (no progress)"),
                     epoch, batches);
        }
        if (on_epoch_end) {
            if (runner.sync_weights) runner.sync_weights();
            on_epoch_end(log);
        }
        for (const auto& [k, v] : log.metrics) {
            if (!std::isfinite(v)) diverged(o, lr, k + " is " + std::to_string(v), epoch, batches);
        }
        history.epochs.push_back(log);
        if (o.verbose) {
            std::printf("%s epoch %3d/%d  train loss %.6g", o.name.c_str(), epoch, o.epochs,
                        log.train_loss);
            for (const auto& [k, v] : log.metrics) std::printf("  %s %.6g", k.c_str(), v);
            std::printf("  (%.*fs%s)\n", runner.where.empty() ? 1 : 3, log.seconds,
                        runner.where.c_str());
            std::fflush(stdout);
        }
    }
    if (runner.sync_weights) runner.sync_weights();
    return history;
}

EpochRunner batch_runner(const Matrix& x, int batch_size, const StepFn& step) {
    if (batch_size <= 0) throw Error("--batch-size must be positive");
    EpochRunner cpu;
    // idx and batch are reused across steps and epochs: rows are copied in, no allocation.
    cpu.run_epoch = [&x, &step, bs = size_t(batch_size), idx = std::vector<size_t>(),
                     batch = Matrix()](const std::vector<size_t>& perm, Rng& rng,
                                       const BatchDone& done) mutable {
        const size_t n = x.shape()[0], d = x.shape()[1];
        for (size_t begin = 0; begin < n; begin += bs) {
            const size_t end = std::min(n, begin + bs);
            idx.assign(perm.begin() + static_cast<long>(begin),
                       perm.begin() + static_cast<long>(end));
            batch.resize({end - begin, d});
            for (size_t i = begin; i < end; ++i) {
                std::copy_n(x.data() + perm[i] * d, d, batch.data() + (i - begin) * d);
            }
            done(1, end - begin, step(batch, idx, rng));
        }
    };
    return cpu;
}

History fit(const Matrix& x, const FitOptions& o, const StepFn& step, const EpochFn& on_epoch_end) {
    check_fit_args(x.shape()[0], o);
    return run_epochs(x.shape()[0], o, batch_runner(x, o.batch_size, step), on_epoch_end, 0.f);
}

}  // namespace ae
