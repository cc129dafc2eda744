// The minibatch loop every lesson trains with: seeded shuffling, batches, a progress bar,
// a per-epoch log, a NaN/inf guard that stops with advice, and a history to plot.
// The lesson supplies what one step does (its own exercise function, usually) and what to
// measure after each epoch, so noise, other targets or penalties need no copy of the loop.
#pragma once
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "ae/tensor.hpp"

namespace ae {

struct FitOptions {
    int epochs = 10;
    int batch_size = 256;
    uint64_t seed = 42;
    float lr = 0.f;  // only for the advice printed when training diverges
    bool progress = true;
    bool verbose = true;  // one line per epoch on stdout
    std::string name = "train";
};

struct EpochLog {
    int epoch = 0;                          // 1-based
    double train_loss = 0;                  // mean of the step losses over the epoch
    double seconds = 0;                     // wall time of the epoch's steps
    std::map<std::string, double> metrics;  // whatever the end-of-epoch callback measured
};

struct History {
    std::vector<EpochLog> epochs;
    std::vector<double> train_loss() const;
    std::vector<double> metric(const std::string& name) const;  // NAN where missing
    std::vector<double> epoch_numbers() const;
    double total_seconds() const;
};

// One optimisation step on a batch; returns its loss (a mean over the batch's examples).
// batch: (B, D) rows of x; idx: their row numbers in x (to gather labels or targets); rng:
// the loop's random stream for noise or sampling.
using StepFn = std::function<double(const Matrix& batch, const std::vector<size_t>& idx, Rng& rng)>;
// Called after every epoch; fill in metrics (e.g. "test_loss"). May be empty.
using EpochFn = std::function<void(EpochLog& log)>;

// Runs epochs x ceil(N / batch_size) steps. Throws ae::TrainingDiverged when a step's loss or a
// metric is NaN or inf, with advice (lower --lr).
History fit(const Matrix& x, const FitOptions& options, const StepFn& step,
            const EpochFn& on_epoch_end = nullptr);

}  // namespace ae
