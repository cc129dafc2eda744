// Training throughput of the deep autoencoder 784-256-64-32-64-256-784 (as bench_train) on the
// GPU, with the whole training set resident on the device: ms per epoch with direct launches
// and with one CUDA Graph per epoch, kernel launches per step, the CPU for comparison, and the
// VAE trainer of lesson 05 (784-400-20) on the same data.
// Run: build/bin/bench_train_gpu [--epochs 10] [--cpu-steps 20]. One JSON line on stdout.
#include <algorithm>
#include <cstdio>
#include <iostream>

#include "ae/cli.hpp"
#include "ae/device.hpp"
#include "ae/gpu_vae.hpp"
#include "ae/error.hpp"
#include "ae/io.hpp"
#include "ae/loss.hpp"
#include "ae/nn.hpp"
#include "ae/optim.hpp"
#include "ae/progress.hpp"

using namespace ae;

namespace {

const std::vector<size_t> kGpuBenchWidths = {784, 256, 64, 32, 64, 256, 784};

Sequential build_bench_model(uint64_t seed) {  // the model of bench_train.cpp
    Rng rng(seed);
    Sequential m;
    for (size_t i = 0; i + 1 < kGpuBenchWidths.size(); ++i) {
        const bool last = i + 2 == kGpuBenchWidths.size(), code = kGpuBenchWidths[i + 1] == 32;
        m.add<Dense>(kGpuBenchWidths[i], kGpuBenchWidths[i + 1], rng,
                     last || code ? Init::Xavier : Init::He);
        if (last) m.add<Sigmoid>();
        if (!last && !code) m.add<ReLU>();
    }
    return m;
}

struct GpuRun {
    double median_ms = 0, first_ms = 0, final_loss = 0;
    long launches_per_step = 0;
};

GpuRun run_gpu(const Matrix& x, const Options& opt, bool graph) {
    Sequential model = build_bench_model(opt.seed);
    GpuAutoencoder gpu(model, Objective{}, OptimizerSpec::adam(opt.lr), opt.batch_size, 0x5eed,
                       graph);
    gpu.upload_data(x);  // not timed: the data stays on the device for every epoch
    Rng order(opt.seed);
    std::vector<double> ms;
    GpuRun r;
    for (int e = 0; e < opt.epochs; ++e) {
        const auto perm = order.permutation(x.shape()[0]);  // host shuffle + upload are timed
        Timer t;
        r.final_loss = gpu.epoch(perm, opt.batch_size);
        ms.push_back(t.seconds() * 1e3);
        std::cerr << (graph ? "graph" : "direct") << " epoch " << e + 1 << ": " << ms.back()
                  << " ms, loss " << r.final_loss << "\n";
    }
    // Epoch 1 runs uncaptured (first-use set-up); with graphs, epoch 2 captures and instantiates.
    const size_t skip = std::min(ms.size() - 1, size_t(graph ? 2 : 1));
    r.first_ms = ms[skip > 0 ? skip - 1 : 0];
    ms.erase(ms.begin(), ms.begin() + long(skip));
    std::sort(ms.begin(), ms.end());
    r.median_ms = ms[ms.size() / 2];
    r.launches_per_step = gpu.launches_per_step();
    return r;
}

// Median ms per epoch of lesson 05's VAE (784-400-20, eps from cuRAND) on the resident data.
double vae_epoch_ms(const Matrix& x, const Options& opt) {
    Rng rng(opt.seed);
    Sequential trunk, mu, logvar, decoder;
    trunk.add<Dense>(784, 400, rng, Init::He), trunk.add<ReLU>();
    mu.add<Dense>(400, 20, rng, Init::Xavier), logvar.add<Dense>(400, 20, rng, Init::Xavier);
    decoder.add<Dense>(20, 400, rng, Init::He), decoder.add<ReLU>();
    decoder.add<Dense>(400, 784, rng, Init::Xavier);
    GpuVae gpu({&trunk, &mu, &logvar, &decoder}, 1.f, OptimizerSpec::adam(opt.lr), opt.batch_size);
    gpu.upload_data(x);
    Rng order(opt.seed);
    std::vector<double> ms;
    for (int e = 0; e < std::max(2, opt.epochs); ++e) {
        const auto perm = order.permutation(x.shape()[0]);
        Timer t;
        const double loss = gpu.epoch(perm, opt.batch_size);
        ms.push_back(t.seconds() * 1e3);
        std::cerr << "vae epoch " << e + 1 << ": " << ms.back() << " ms, loss " << loss << "\n";
    }
    ms.erase(ms.begin());  // first use: module loading, cuBLAS heuristics
    std::sort(ms.begin(), ms.end());
    return ms[ms.size() / 2];
}

// CPU ms per epoch, extrapolated from `steps` steps of the same model (ae::nn + ae::Adam).
double cpu_epoch_ms(const Matrix& x, const Options& opt, int steps) {
    Sequential model = build_bench_model(opt.seed);
    const auto params = model.params();
    Adam adam(opt.lr);
    const size_t bs = size_t(opt.batch_size), n = x.shape()[0];
    Rng rng(opt.seed);
    const auto perm = rng.permutation(n);
    Timer t;
    for (int s = 0; s < steps; ++s) {
        const size_t b = (size_t(s) * bs) % (n - std::min(n, bs) + 1);
        const Matrix batch = gather_rows(x, perm, b, std::min(n, b + bs));
        zero_grad(params);
        const LossValue l = mse_loss(model.forward(batch), batch);
        model.backward(l.grad);
        adam.step(params);
    }
    return t.seconds() * 1e3 / steps * double((n + bs - 1) / bs);
}

}  // namespace

int main(int argc, char** argv) {
    return guarded_main([&] {
        Options defaults;
        defaults.epochs = 10;
        defaults.batch_size = 256;
        CommandLine cli({"bench", "bench_train_gpu", "GPU training throughput of the deep AE"},
                        defaults);
        int cpu_steps = 20;
        cli.app()
            .add_option("--cpu-steps", cpu_steps, "CPU steps timed for the comparison (0 = none)")
            ->check(whole_flag(0, 100000, "CPU steps timed"));
        if (int rc = cli.parse(argc, argv); rc >= 0) return rc;
        const Options& opt = cli.options();
        if (!cuda_available())
            throw ae::Error("bench_train_gpu needs a GPU: " + gpu_status_text(gpu_status(), true));
        if (opt.epochs < 1) throw ae::Error("--epochs must be at least 1");
        std::cerr << "GPU: " << cuda_device_summary() << "\n";
        const DataSplit data = load_data(opt.data_request());
        const Matrix& x = data.train.images;
        std::cerr << "Data: " << data.describe() << "\n";
        const GpuRun direct = run_gpu(x, opt, false), graph = run_gpu(x, opt, true);
        const double vae_ms = vae_epoch_ms(x, opt);
        const double cpu_ms = cpu_steps > 0 ? cpu_epoch_ms(x, opt, cpu_steps) : 0;
        const double best = std::min(direct.median_ms, graph.median_ms);
        const size_t n = x.shape()[0];
        Json line;
        line.set("bench", "train_deep_ae_gpu")
            .set("device", cuda_device_summary())
            .set("model", "784-256-64-32-64-256-784")
            .set("images", n)
            .set("batch", opt.batch_size)
            .set("epochs", opt.epochs)
            .set("ms_per_epoch_direct", round_to(direct.median_ms, 2))
            .set("ms_per_epoch_graph", round_to(graph.median_ms, 2))
            .set("capture_epoch_ms_graph", round_to(graph.first_ms, 2))
            .set("images_per_second", round_to(n / (best / 1e3), 0))
            .set("launches_per_step", graph.launches_per_step)
            .set("launches_per_epoch_direct",
                 graph.launches_per_step * long((n + opt.batch_size - 1) / opt.batch_size))
            .set("cpu_ms_per_epoch_estimated", round_to(cpu_ms, 1))
            .set("speedup_vs_cpu", round_to(cpu_ms > 0 ? cpu_ms / best : 0.0, 1))
            .set("final_train_loss", round_to(graph.final_loss, 5))
            .set("vae_784_400_20_ms_per_epoch", round_to(vae_ms, 2));
        std::printf("%s\n", line.dump_line().c_str());
        return 0;
    });
}
