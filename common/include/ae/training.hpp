// One way to train a model on a device. The lesson describes the objective and the optimiser
// once (ae/objective.hpp) and passes its own CPU step; ae::train runs that step under ae::fit
// on the CPU, or the library's CUDA trainer with the same objective on the GPU. Both go through
// the same epoch driver (ae::run_epochs): the same batch order for the same seed, the same
// progress, epoch log, NaN/inf guard and History.
//   History h = ae::train(model.encoder, model.decoder, x, spec, step, on_epoch);
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ae/gpu_vae.hpp"
#include "ae/nn.hpp"
#include "ae/objective.hpp"
#include "ae/optim.hpp"
#include "ae/train.hpp"

namespace ae {

struct Options;  // ae/cli.hpp

struct TrainSpec {
    Objective objective;         // what the GPU trainer runs; the CPU step must implement the same
    OptimizerSpec optimizer;     // the learning rate lives here only
    FitOptions fit;              // epochs, batch size, seed, progress, log name
    std::string device = "cpu";  // "cpu", "cuda" or "auto" (ae::resolve_device)
    bool use_graph = true;       // GPU: replay each epoch as one CUDA Graph
};

// The lesson's step on the CPU: one optimisation step on batch (B, D) (rows idx of x) with opt,
// built by ae::train from spec.optimizer; rng: ae::fit's stream for noise and sampling.
// Returns the batch's loss (a mean over its examples).
using CpuStep = std::function<double(const Matrix& batch, const std::vector<size_t>& idx,
                                     Optimizer& opt, Rng& rng)>;

// Trains encoder then decoder on x (N, D), target = input, for spec.fit.epochs. device "cpu":
// ae::fit with cpu_step and the optimiser of spec.optimizer; "cuda": the library's CUDA
// trainer with spec.objective and spec.optimizer (cpu_step unused); "auto": ae::resolve_device.
// The weights are in encoder and decoder whenever on_epoch runs and on return.
History train(Sequential& encoder, Sequential& decoder, const Matrix& x, const TrainSpec& spec,
              const CpuStep& cpu_step, const EpochFn& on_epoch = nullptr);

// The same for lesson 05's VAE (parts: ae/gpu_vae.hpp) and its loss, mean over the batch of
// (BCE on logits summed over the D pixels + beta KL); spec.objective must be the default
// (no corruption, no penalty). On the GPU, eps comes from cuRAND.
History train(const VaeParts& parts, float beta, const Matrix& x, const TrainSpec& spec,
              const CpuStep& cpu_step, const EpochFn& on_epoch = nullptr);

// The same for a model that no CUDA trainer runs (lesson 01's linear AE, 08's convolutional
// AE, 09's classifier): the lesson's step on the CPU under the same epoch driver, with the
// optimiser of spec.optimizer (spec.objective is not read). spec.device "cuda" is refused
// with a message; "auto" trains on the CPU.
History train(const Matrix& x, const TrainSpec& spec, const CpuStep& cpu_step,
              const EpochFn& on_epoch = nullptr);

// Throws ae::Error when the CUDA trainers cannot run spec (an L1 loss, RMSprop, coupled L2).
void require_gpu_support(const TrainSpec& spec);

// ae::Adam, or ae::Sgd (with momentum) as spec describes; for RMSprop (lesson 02's own update,
// which its step applies) an optimiser whose step() throws.
std::unique_ptr<Optimizer> make_optimizer(const OptimizerSpec& spec);

// A spec from the common command line: epochs, batch size, seed, --no-progress, --device and
// Adam(--lr); name labels the log lines. The objective is left at its default (plain MSE).
TrainSpec train_spec(const Options& options, const std::string& name);

}  // namespace ae
