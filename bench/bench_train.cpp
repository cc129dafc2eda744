// Training throughput of the deep autoencoder 784-256-64-32-64-256-784 on the CPU (ae::nn,
// MSE, Adam), compared in the same process with OpenBLAS sgemm at the same matrix shapes.
// Run: build/bin/bench_train [--epochs 3] [--quick] [--threads N] [--linear-output]
// Prints progress on stderr and ONE JSON line on stdout (fields: bench/README.md).
#include <algorithm>
#include <ctime>
#include <cstdio>
#include <iostream>

#include "ae/cli.hpp"
#include "ae/io.hpp"
#include "ae/linalg.hpp"
#include "ae/loss.hpp"
#include "ae/nn.hpp"
#include "ae/optim.hpp"
#include "ae/progress.hpp"
#include "ae/training.hpp"

#include "blas_threads.hpp"

using namespace ae;

namespace {

const std::vector<size_t> kWidths = {784, 256, 64, 32, 64, 256, 784};

// ReLU after every hidden layer, a linear code (32), sigmoid or linear output.
Sequential build_model(Rng& rng, bool linear_output) {
    Sequential m;
    for (size_t i = 0; i + 1 < kWidths.size(); ++i) {
        const bool last = i + 2 == kWidths.size(), code = kWidths[i + 1] == 32;
        m.add<Dense>(kWidths[i], kWidths[i + 1], rng, last || code ? Init::Xavier : Init::He);
        if (last && !linear_output) m.add<Sigmoid>();
        if (!last && !code) m.add<ReLU>();
    }
    return m;
}

// Floating-point operations of one step on n examples: 2*n*in*out per product; per Dense layer
// the forward product, dW = x^T g and (except the first layer) the input gradient g W^T.
double step_flops(size_t n) {
    double f = 0;
    for (size_t i = 0; i + 1 < kWidths.size(); ++i) {
        const double p = 2.0 * static_cast<double>(n * kWidths[i] * kWidths[i + 1]);
        f += (i == 0 ? 2 : 3) * p;
    }
    return f;
}

// The same products as a training step, on preallocated matrices, through the same ae::gemm:
// the rate BLAS alone reaches at these shapes (what training could reach with free elementwise
// work). Returns GFLOP/s per wall second and per CPU second (all threads), over >= `seconds`.
struct Rate {
    double wall = 0, cpu = 0;
};
double cpu_seconds() {
    return static_cast<double>(std::clock()) / CLOCKS_PER_SEC;
}

Rate sgemm_gflops(size_t n, double seconds) {
    Rng rng(7);
    std::vector<Matrix> acts, grads, weights, dws;
    for (size_t i = 0; i < kWidths.size(); ++i) {
        acts.push_back(rng.normal(n, kWidths[i]));
        grads.push_back(rng.normal(n, kWidths[i]));
    }
    for (size_t i = 0; i + 1 < kWidths.size(); ++i) {
        weights.push_back(rng.normal(kWidths[i], kWidths[i + 1], 0.f, 0.05f));
        dws.push_back(xt::zeros<float>({kWidths[i], kWidths[i + 1]}));
    }
    auto one_step = [&] {
        for (size_t i = 0; i + 1 < kWidths.size(); ++i)
            gemm(acts[i], false, weights[i], false, acts[i + 1]);
        for (size_t i = kWidths.size() - 1; i-- > 0;) {
            gemm(acts[i], true, grads[i + 1], false, dws[i], 1.f, 1.f);  // accumulates, like Dense
            if (i > 0) gemm(grads[i + 1], false, weights[i], true, grads[i]);
        }
    };
    for (int i = 0; i < 20; ++i) one_step();  // warm up the thread pool and caches
    Timer t;
    const double cpu0 = cpu_seconds();
    long steps = 0;
    while (t.seconds() < seconds) {
        for (int i = 0; i < 20; ++i) one_step();
        steps += 20;
    }
    const double gflop = static_cast<double>(steps) * step_flops(n) / 1e9;
    return {gflop / t.seconds(), gflop / (cpu_seconds() - cpu0)};
}

}  // namespace

int main(int argc, char** argv) {
    return guarded_main([&] {
        Options defaults;
        defaults.epochs = 3;
        defaults.quick_epochs = 3;
        defaults.batch_size = 256;
        defaults.lr = 1e-3f;
        CommandLine cli(
            {"bench", "bench_train", "Training throughput of the deep AE vs OpenBLAS sgemm"},
            defaults);
        bool linear_output = false;
        bench::add_blas_threads_flag(cli.app());
        cli.app().add_flag("--linear-output", linear_output,
                           "linear output layer instead of sigmoid");
        // The model's shape is fixed (784-256-64-32 symmetric), it trains on the CPU, prints only.
        cli.without({"--latent", "--device", "--out"});
        if (int rc = cli.parse(argc, argv); rc >= 0) return rc;
        const Options& opt = cli.options();

        const DataSplit data = load_data(opt.data_request());
        const Matrix& x = data.train.images;
        std::cerr << "Data: " << data.describe() << "\n";
        Rng rng(opt.seed);
        Sequential model = build_model(rng, linear_output);
        const auto params = model.params();
        TrainSpec spec;
        spec.optimizer = OptimizerSpec::adam(opt.lr);
        spec.fit.epochs = opt.epochs;
        spec.fit.batch_size = opt.batch_size;
        spec.fit.seed = opt.seed;
        spec.fit.name = "bench";
        spec.fit.progress = !opt.no_progress;
        spec.fit.verbose = false;
        // Wall time of each phase of a step, summed over all steps (the rest of an epoch is the
        // batch gather and the loop).
        enum Phase { kZero, kForward, kLoss, kBackward, kAdam, kPhases };
        double phase_s[kPhases] = {};
        long steps = 0;
        const double cpu0 = cpu_seconds();
        const History h = ae::train(
            x, spec, [&](const Matrix& batch, const std::vector<size_t>&, Optimizer& adam, Rng&) {
                Timer t;
                const auto lap = [&](Phase p) {
                    phase_s[p] += t.seconds();
                    t.reset();
                };
                zero_grad(params);
                lap(kZero);
                const Matrix y = model.forward(batch);
                lap(kForward);
                const LossValue loss = mse_loss(y, batch);
                lap(kLoss);
                model.backward_params_only(loss.grad);  // no gradient for the images themselves
                lap(kBackward);
                adam.step(params);
                lap(kAdam);
                ++steps;
                return loss.value;
            });
        const auto ms = [&](Phase p) { return 1e3 * phase_s[p] / static_cast<double>(steps); };
        // CPU time of all threads: with one BLAS thread it does not grow when others share the
        // cores, so ratio_cpu is the figure to trust on a busy machine.
        const double cpu_epoch = (cpu_seconds() - cpu0) / std::max(1, opt.epochs);

        // Median epoch: robust to the first epoch's warm-up and to a noisy neighbour.
        std::vector<double> secs;
        for (const auto& e : h.epochs) secs.push_back(e.seconds);
        std::sort(secs.begin(), secs.end());
        const double epoch_s = secs.empty() ? 0 : secs[secs.size() / 2];
        const size_t n = x.shape()[0], bs = static_cast<size_t>(opt.batch_size);
        const double flops = static_cast<double>(n / bs) * step_flops(bs) + step_flops(n % bs);
        const double train_gflops = flops / epoch_s / 1e9, train_cpu = flops / cpu_epoch / 1e9;
        const Rate blas = sgemm_gflops(bs, 2.0);
        Json per_step;
        per_step.set("zero_grad", round_to(ms(kZero), 3))
            .set("forward", round_to(ms(kForward), 3))
            .set("loss", round_to(ms(kLoss), 3))
            .set("backward", round_to(ms(kBackward), 3))
            .set("adam", round_to(ms(kAdam), 3))
            .set("sgemm_only", round_to(1e3 * step_flops(bs) / 1e9 / blas.wall, 3));
        Json line;
        line.set("bench", "train_deep_ae")
            .set("model", "784-256-64-32-64-256-784")
            .set("output", linear_output ? "linear" : "sigmoid")
            .set("images", n)
            .set("batch", bs)
            .set("epochs", opt.epochs)
            .set("seconds_per_epoch", round_to(epoch_s, 3))
            .set("images_per_second", round_to(n / epoch_s, 0))
            .set("train_gflops", round_to(train_gflops, 1))
            .set("sgemm_gflops", round_to(blas.wall, 1))
            .set("ratio", round_to(train_gflops / blas.wall, 3))
            .set("cpu_seconds_per_epoch", round_to(cpu_epoch, 3))
            .set("train_gflops_cpu", round_to(train_cpu, 1))
            .set("sgemm_gflops_cpu", round_to(blas.cpu, 1))
            .set("ratio_cpu", round_to(train_cpu / blas.cpu, 3))
            .set("blas_threads", openblas_get_num_threads())
            .set("final_train_loss",
                 round_to(h.epochs.empty() ? 0.0 : h.epochs.back().train_loss, 5))
            .set("ms_per_step", per_step);
        std::printf("%s\n", line.dump_line().c_str());
        return 0;
    });
}
