// Training, in one place (ae/training.hpp): ae::train for autoencoders and for the VAE, on
// the CPU with the lesson's own step or on the GPU with the library's CUDA trainers, both under
// the one epoch driver (ae::run_epochs); the optimiser a spec names; a spec from the common
// flags. Names are distinctive: common/src is unity-built.
#include "ae/training.hpp"

#include <memory>
#include <string>
#include <vector>

#include "ae/cli.hpp"
#include "ae/device.hpp"
#include "ae/error.hpp"

namespace ae {

namespace {
// The CPU half of every ae::train: the lesson's step with the optimiser spec.optimizer names,
// under the epoch driver (spec.device and spec.objective are not read).
History run_on_cpu(const Matrix& x, const TrainSpec& spec, const CpuStep& cpu_step,
                   const EpochFn& on_epoch) {
    if (!cpu_step) throw Error(spec.fit.name + ": training on the CPU needs the lesson's step");
    const std::unique_ptr<Optimizer> opt = make_optimizer(spec.optimizer);
    const StepFn step = [&](const Matrix& batch, const std::vector<size_t>& idx, Rng& rng) {
        return cpu_step(batch, idx, *opt, rng);
    };
    return run_epochs(x.shape()[0], spec.fit, batch_runner(x, spec.fit.batch_size, step), on_epoch,
                      spec.optimizer.lr);
}
}  // namespace

// ---------------------------------------------------------------- ae::train for autoencoders

namespace {
// The models (one, or an encoder then a decoder) trained on the GPU by the epoch driver of
// ae::fit: the same order for the same seed, the same log and guard.
History train_chain_on_gpu(const std::vector<Sequential*>& models, const Matrix& x,
                           const Objective& objective, const OptimizerSpec& optimizer,
                           const FitOptions& fo, bool use_graph, uint64_t seed,
                           const EpochFn& on_epoch) {
    const size_t n = x.shape()[0];
    check_fit_args(n, fo);
    GpuAutoencoder gpu =
        models.size() == 1
            ? GpuAutoencoder(*models[0], objective, optimizer, fo.batch_size, seed, use_graph)
            : GpuAutoencoder(*models[0], *models[1], objective, optimizer, fo.batch_size, seed,
                             use_graph);
    gpu.upload_data(x);
    const size_t batches = (n + size_t(fo.batch_size) - 1) / size_t(fo.batch_size);
    EpochRunner runner;
    runner.run_epoch = [&](const std::vector<size_t>& perm, Rng&, const BatchDone& done) {
        done(batches, n, gpu.epoch(perm, fo.batch_size));
    };
    runner.sync_weights = [&] {
        if (models.size() == 1)
            gpu.weights_to(*models[0]);
        else
            gpu.weights_to(*models[0], *models[1]);
    };
    runner.where = " on the GPU";
    return run_epochs(n, fo, runner, on_epoch, optimizer.lr);
}

constexpr uint64_t kAeNoiseSeed = 0x5eed;  // mixed with FitOptions::seed
}  // namespace

void require_gpu_support(const TrainSpec& spec) {
    // What the CUDA trainers run: MSE or BCE, Adam or SGD with momentum. Lesson 02 trains its
    // other options (L1 loss, RMSprop) on the CPU and says so; this guards everything else.
    if (spec.objective.loss == LossKind::L1)
        throw Error("the GPU trainer has no L1 loss: use --device cpu (or --loss mse|bce)");
    if (spec.optimizer.kind == OptimizerKind::RmsProp || spec.optimizer.l2)
        throw Error(
            "the GPU trainer runs Adam and SGD with decoupled weight decay: use --device cpu");
}

History train(Sequential& encoder, Sequential& decoder, const Matrix& x, const TrainSpec& spec,
              const CpuStep& cpu_step, const EpochFn& on_epoch) {
    if (resolve_device(spec.device) == "cuda") {
        require_gpu_support(spec);
        return train_chain_on_gpu({&encoder, &decoder}, x, spec.objective, spec.optimizer, spec.fit,
                                  spec.use_graph, spec.fit.seed ^ kAeNoiseSeed, on_epoch);
    }
    return run_on_cpu(x, spec, cpu_step, on_epoch);
}

// ---------------------------------------------------------------- ae::train for the VAE

namespace {
// The VAE on the GPU under the epoch driver of ae::fit (same order, log, guard, History).
History train_vae_on_gpu(const VaeParts& parts, float beta, const Matrix& x,
                         const OptimizerSpec& optimizer, const FitOptions& fo, uint64_t seed,
                         const EpochFn& on_epoch) {
    const size_t n = x.shape()[0];
    check_fit_args(n, fo);
    GpuVae gpu(parts, beta, optimizer, fo.batch_size, seed);
    gpu.upload_data(x);
    const size_t batches = (n + size_t(fo.batch_size) - 1) / size_t(fo.batch_size);
    EpochRunner runner;
    runner.run_epoch = [&](const std::vector<size_t>& perm, Rng&, const BatchDone& done) {
        done(batches, n, gpu.epoch(perm, fo.batch_size));
    };
    runner.sync_weights = [&] { gpu.weights_to(parts); };
    runner.where = " on the GPU";
    return run_epochs(n, fo, runner, on_epoch, optimizer.lr);
}

constexpr uint64_t kVaeNoiseSeed = 0x7ae5eed;  // mixed with FitOptions::seed
}  // namespace

History train(const VaeParts& parts, float beta, const Matrix& x, const TrainSpec& spec,
              const CpuStep& cpu_step, const EpochFn& on_epoch) {
    if (spec.objective.corruption.active() || spec.objective.penalty.active()) {
        throw Error(spec.fit.name +
                    ": the VAE's objective is fixed (BCE + beta KL): no corruption or penalty");
    }
    if (resolve_device(spec.device) == "cuda") {
        require_gpu_support(spec);
        return train_vae_on_gpu(parts, beta, x, spec.optimizer, spec.fit,
                                spec.fit.seed ^ kVaeNoiseSeed, on_epoch);
    }
    return run_on_cpu(x, spec, cpu_step, on_epoch);
}

// ---------------------------------------------------------------- the CPU half, the optimiser, the
// spec

History train(const Matrix& x, const TrainSpec& spec, const CpuStep& cpu_step,
              const EpochFn& on_epoch) {
    if (spec.device == "cuda") {
        throw Error(spec.fit.name +
                    ": this model trains on the CPU only (the CUDA trainers run the MLP "
                    "autoencoders and the VAE): use --device cpu or auto");
    }
    return run_on_cpu(x, spec, cpu_step, on_epoch);
}

std::unique_ptr<Optimizer> make_optimizer(const OptimizerSpec& s) {
    switch (s.kind) {
        case OptimizerKind::Adam:
            return std::make_unique<Adam>(s.lr, s.beta1, s.beta2, s.eps, s.weight_decay);
        case OptimizerKind::Sgd:
        case OptimizerKind::Momentum:
            return std::make_unique<Sgd>(s.lr, s.momentum, s.weight_decay);
        case OptimizerKind::RmsProp:
            break;
    }
    // RMSprop is lesson 02's exercise: its step brings its own update, and this one says so if
    // it is ever asked to step.
    struct StepBringsItsOwn : Optimizer {
        void step(const std::vector<Param>&) override {
            throw Error(
                "the library builds Adam and SGD (with momentum); RMSprop is lesson 02's "
                "own update (l02::rmsprop_update): the training step must apply it");
        }
    };
    return std::make_unique<StepBringsItsOwn>();
}

TrainSpec train_spec(const Options& o, const std::string& name) {
    TrainSpec spec;
    spec.optimizer = OptimizerSpec::adam(o.lr);
    spec.fit.epochs = o.epochs;
    spec.fit.batch_size = o.batch_size;
    spec.fit.seed = o.seed;
    spec.fit.progress = !o.no_progress;
    spec.fit.name = name;
    spec.device = o.device;
    return spec;
}

}  // namespace ae
