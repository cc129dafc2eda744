// The minibatch loop (see ae/train.hpp).
#include "ae/train.hpp"

#include <cmath>
#include <cstdio>
#include <sstream>

#include "ae/error.hpp"
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

double History::total_seconds() const {
    double s = 0;
    for (const auto& e : epochs) s += e.seconds;
    return s;
}

namespace {
[[noreturn]] void diverged(const FitOptions& o, const std::string& what, int epoch, size_t batch) {
    std::ostringstream s;
    s << o.name << ": " << what << " at epoch " << epoch << ", batch " << batch
      << ": training diverged.\n  Try a smaller learning rate";
    if (o.lr > 0) s << " (e.g. --lr " << o.lr / 10 << "; it is " << o.lr << " now)";
    s << ", and check your gradients with the lesson's gradient-check test.";
    throw TrainingDiverged(s.str());
}
}  // namespace

History fit(const Matrix& x, const FitOptions& o, const StepFn& step, const EpochFn& on_epoch_end) {
    const size_t n = x.shape()[0], d = x.shape()[1];
    if (n == 0) throw Error(o.name + ": no training examples");
    if (o.batch_size <= 0)
        throw Error(o.name + ": --batch-size must be positive, got " +
                    std::to_string(o.batch_size));
    const size_t bs = static_cast<size_t>(o.batch_size);
    const size_t batches = (n + bs - 1) / bs;
    Rng order_rng(o.seed);             // the data order
    Rng step_rng = order_rng.split();  // noise and sampling inside steps
    History history;
    for (int epoch = 1; epoch <= o.epochs; ++epoch) {
        Timer timer;
        const auto perm = order_rng.permutation(n);
        Progress bar(o.name + " epoch " + std::to_string(epoch) + "/" + std::to_string(o.epochs),
                     batches, o.progress);
        double sum = 0;
        size_t seen = 0;
        std::vector<size_t> idx;
        Matrix batch;  // reused: rows are copied in, no allocation per step
        for (size_t b = 0; b < batches; ++b) {
            const size_t begin = b * bs, end = std::min(n, begin + bs);
            idx.assign(perm.begin() + static_cast<long>(begin),
                       perm.begin() + static_cast<long>(end));
            batch.resize({end - begin, d});
            for (size_t i = begin; i < end; ++i) {
                std::copy_n(x.data() + perm[i] * d, d, batch.data() + (i - begin) * d);
            }
            const double loss = step(batch, idx, step_rng);
            if (!std::isfinite(loss)) diverged(o, "loss is " + std::to_string(loss), epoch, b + 1);
            sum += loss * static_cast<double>(end - begin);
            seen += end - begin;
            char status[64];
            std::snprintf(status, sizeof status, "loss %.5g", sum / seen);
            bar.tick(1, status);
        }
        bar.finish();
        EpochLog log;
        log.epoch = epoch;
        log.train_loss = sum / static_cast<double>(seen);
        log.seconds = timer.seconds();
        if (on_epoch_end) on_epoch_end(log);
        for (const auto& [k, v] : log.metrics) {
            if (!std::isfinite(v)) diverged(o, k + " is " + std::to_string(v), epoch, batches);
        }
        history.epochs.push_back(log);
        if (o.verbose) {
            std::printf("%s epoch %3d/%d  train loss %.6g", o.name.c_str(), epoch, o.epochs,
                        log.train_loss);
            for (const auto& [k, v] : log.metrics) std::printf("  %s %.6g", k.c_str(), v);
            std::printf("  (%.1fs)\n", log.seconds);
            std::fflush(stdout);
        }
    }
    return history;
}

}  // namespace ae
