// The minibatch loop every lesson trains with: seeded shuffling, batches, a progress bar,
// a per-epoch log, a divergence guard that stops with advice, and a history to plot.
// The lesson supplies what one step does (its own exercise function, usually) and what to
// measure after each epoch, so noise, other targets or penalties need no copy of the loop.
// run_epochs is that loop's epoch driver; ae::fit runs it with CPU batches, the GPU trainers
// (ae/training.hpp) with whole epochs on the device: same order for the same seed, same guard.
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
    std::vector<double> seconds() const;  // per epoch
};

// history.csv of a run: epoch, the train loss under the name train_column, the metrics, seconds.
void save_history_csv(const std::string& path, const History& h, const std::string& train_column,
                      const std::vector<std::string>& metrics);

// One optimisation step on a batch; returns its loss (a mean over the batch's examples).
// batch: (B, D) rows of x; idx: their row numbers in x (to gather labels or targets); rng:
// the loop's random stream for noise or sampling.
using StepFn = std::function<double(const Matrix& batch, const std::vector<size_t>& idx, Rng& rng)>;
// Called after every epoch; fill in metrics (e.g. "test_loss"). May be empty.
using EpochFn = std::function<void(EpochLog& log)>;

// Runs epochs x ceil(N / batch_size) steps. Throws ae::TrainingDiverged, with advice (lower --lr),
// when a step's loss or a metric is NaN or inf, when a batch's or an epoch's loss explodes above
// 1000 x the first loss reported (the untrained network's), or when from epoch 2 on the train
// loss is above 1.05 x that first loss and not below epoch 1's (no progress: worse than not
// training, and not improving).
History fit(const Matrix& x, const FitOptions& options, const StepFn& step,
            const EpochFn& on_epoch_end = nullptr);

// ---- The epoch driver under ae::fit and the GPU trainers.

// Reports finished work of an epoch to the driver: `batches` more batches with `rows` rows in
// all, whose mean loss per row is `mean_loss`. The driver ticks the progress bar, adds to the
// epoch's loss and throws ae::TrainingDiverged at a non-finite loss.
using BatchDone = std::function<void(size_t batches, size_t rows, double mean_loss)>;

// Runs one epoch in the order perm (a permutation of the N rows), reporting through done;
// step_rng is the stream for noise and sampling inside the steps (the CPU's; the GPU draws its
// own). sync_weights (may be empty): copies trained weights to the CPU models; the driver calls
// it before on_epoch_end and at the end.
struct EpochRunner {
    std::function<void(const std::vector<size_t>& perm, Rng& step_rng, const BatchDone& done)>
        run_epoch;
    std::function<void()> sync_weights;
    std::string where;  // appended to the epoch log line, e.g. " on the GPU"
};

// The loop of ae::fit without its batches: epochs x (perm = a fresh permutation of n from the
// seed, runner.run_epoch, epoch log, on_epoch_end, the divergence guard of ae::fit on the loss
// and the NaN/inf guard on the metrics).
// lr (0 = unknown): quoted in the advice when training diverges.
History run_epochs(size_t n, const FitOptions& options, const EpochRunner& runner,
                   const EpochFn& on_epoch_end = nullptr, float lr = 0.f);

// ae::fit's way to run an epoch: batches of rows of x in the order perm, each handed to step.
// x and step must outlive the runner.
EpochRunner batch_runner(const Matrix& x, int batch_size, const StepFn& step);

// The checks of ae::fit: a training set that is not empty and a positive batch size.
void check_fit_args(size_t n, const FitOptions& options);

}  // namespace ae
