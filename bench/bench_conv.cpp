// Throughput of lesson 08's convolutional autoencoder on the CPU (the reference's tuned twins,
// solutions/08_conv_ae/exercise_fast.cpp: run-copy im2col + OpenBLAS; --kernels plain: the plain
// reference), against OpenBLAS sgemm on the same matrix shapes in the same process.
// Run: build/bin/bench_conv [--batch-size 128] [--batches 60] [--threads N] [--kernels plain]
// Prints progress on stderr and ONE JSON line on stdout: seconds per training batch and per
// 60,000-image epoch, and the GFLOP/s of the conv layers (forward + backward, im2col/col2im
// included) next to sgemm's on their three products alone.
#include <cmath>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <string>

#include "08_conv_ae/exercise.hpp"
#include "08_conv_ae/exercise_fast.hpp"
#include "ae/cli.hpp"
#include "ae/io.hpp"
#include "ae/linalg.hpp"
#include "ae/loss.hpp"
#include "ae/progress.hpp"

#include "blas_threads.hpp"

using namespace ae;
using namespace ae::l08;

namespace {

// One convolution-type layer of the model and the shapes of its three products:
// (rows x kkc) . (kkc x f) forward, its dW and (unless first) its input gradient.
struct LayerShape {
    Layer* layer;
    size_t in_dim, rows, kkc, f;
    bool first;
    double flops() const { return (first ? 2.0 : 3.0) * 2.0 * double(rows * kkc * f); }
};

std::vector<LayerShape> conv_layers(ConvAutoencoder& m, size_t n) {
    std::vector<LayerShape> out;
    for (Sequential* s : {&m.encoder, &m.decoder})
        for (size_t i = 0; i < s->size(); ++i) {
            if (auto* c = dynamic_cast<Conv2d*>(&(*s)[i])) {
                const ConvGeometry& g = c->geometry();
                out.push_back({c, g.h * g.w * g.c, n * c->out_size().h * c->out_size().w,
                               g.k * g.k * g.c, c->out_channels(), out.empty()});
            } else if (auto* t = dynamic_cast<ConvTranspose2d*>(&(*s)[i])) {
                const ConvGeometry& g = t->geometry();
                const size_t f = t->W.shape()[1];
                out.push_back({t, t->in_size().h * t->in_size().w * f,
                               n * t->in_size().h * t->in_size().w, g.k * g.k * g.c, f, false});
            }
        }
    return out;
}

// CPU seconds of the process (all threads): on a busy machine, wall time measures the
// neighbours; CPU time grows only with our own work (and OpenBLAS's spinning threads).
double cpu_seconds() {
    return double(std::clock()) / CLOCKS_PER_SEC;
}

struct Seconds {
    double wall = 0, cpu = 0;
};

// Seconds per call of f (wall and CPU), repeated for at least `seconds` after a warm-up call.
template <class F>
Seconds time_per_call(F&& f, double seconds) {
    f();
    Timer t;
    const double cpu0 = cpu_seconds();
    long calls = 0;
    while (t.seconds() < seconds) f(), ++calls;
    return {t.seconds() / double(calls), (cpu_seconds() - cpu0) / double(calls)};
}

}  // namespace

int main(int argc, char** argv) {
    return guarded_main([&] {
        Options defaults;
        defaults.batch_size = 128;
        CommandLine cli({"bench", "bench_conv", "Conv AE throughput vs OpenBLAS sgemm"}, defaults);
        int batches = 60;
        std::string kernels = "tuned";
        bench::add_blas_threads_flag(cli.app());
        cli.app()
            .add_option("--batches", batches, "training steps timed")
            ->check(whole_flag(1, 100000, "training steps timed"));
        cli.app()
            .add_option("--kernels", kernels,
                        "the layers' functions: tuned (exercise_fast.cpp) or plain (exercise.cpp)")
            ->check(CLI::IsMember({"tuned", "plain"}));
        // Random images of one batch: no data, no device choice (CPU), no files written.
        cli.without({"--epochs", "--data-dir", "--train-limit", "--quick", "--device", "--out"});
        if (int rc = cli.parse(argc, argv); rc >= 0) return rc;
        const Options& opt = cli.options();
        if (kernels == "tuned") conv_kernels() = fast::kernels();
        const size_t n = size_t(opt.batch_size);
        Rng rng(opt.seed);
        ConvAeConfig config;
        config.latent = size_t(opt.latent);
        ConvAutoencoder model = build_conv_autoencoder(config, rng);
        const auto params = model.params();
        const Matrix x = rng.uniform(n, 784);
        Adam adam(opt.lr);
        auto step = [&] {
            zero_grad(params);
            const LossValue loss = mse_loss(model.decoder.forward(model.encoder.forward(x)), x);
            model.encoder.backward_params_only(model.decoder.backward(loss.grad));
            adam.step(params);
        };
        step();
        Timer t;
        const double cpu0 = cpu_seconds();
        for (int i = 0; i < batches; ++i) step();
        const double per_batch = t.seconds() / batches;
        const double cpu_batch = (cpu_seconds() - cpu0) / batches;
        const double batches_per_epoch = std::ceil(60000.0 / double(n));
        std::cerr << "training step: " << per_batch * 1e3 << " ms per batch of " << n << " ("
                  << cpu_batch * 1e3 << " ms CPU)\n";

        Seconds conv_s, gemm_s;
        double flops = 0;
        for (const LayerShape& c : conv_layers(model, n)) {
            const Matrix in = rng.uniform(n, c.in_dim);
            Matrix out = c.layer->forward(in);
            const Matrix g = rng.normal(out.shape()[0], out.shape()[1]);
            const Seconds cs = time_per_call(
                [&] {
                    out = c.layer->forward(in);
                    if (c.first)
                        c.layer->backward_params_only(g);
                    else
                        (void)c.layer->backward(g);
                },
                0.5);
            conv_s.wall += cs.wall, conv_s.cpu += cs.cpu;
            const Matrix A = rng.normal(c.rows, c.kkc), B = rng.normal(c.kkc, c.f);
            Matrix C({c.rows, c.f}), dB({c.kkc, c.f}), dA({c.rows, c.kkc});
            const Seconds gs = time_per_call(
                [&] {
                    gemm(A, false, B, false, C);
                    gemm(A, true, C, false, dB);
                    if (!c.first) gemm(C, false, B, true, dA);
                },
                0.5);
            gemm_s.wall += gs.wall, gemm_s.cpu += gs.cpu;
            flops += c.flops();
            std::cerr << c.layer->name() << ": " << c.rows << "x" << c.kkc << "x" << c.f << "\n";
        }
        const double conv_gflops = flops / conv_s.wall / 1e9,
                     sgemm_gflops = flops / gemm_s.wall / 1e9;
        const double conv_cpu = flops / conv_s.cpu / 1e9, sgemm_cpu = flops / gemm_s.cpu / 1e9;
        Json line;
        line.set("bench", "conv_ae")
            .set("model", config.describe())
            .set("batch", n)
            .set("seconds_per_batch", round_to(per_batch, 4))
            .set("seconds_per_epoch", round_to(per_batch * batches_per_epoch, 2))
            .set("conv_gflops", round_to(conv_gflops, 1))
            .set("sgemm_gflops", round_to(sgemm_gflops, 1))
            .set("ratio", round_to(conv_gflops / sgemm_gflops, 3))
            .set("cpu_seconds_per_batch", round_to(cpu_batch, 4))
            .set("cpu_seconds_per_epoch", round_to(cpu_batch * batches_per_epoch, 2))
            .set("conv_gflops_cpu", round_to(conv_cpu, 1))
            .set("sgemm_gflops_cpu", round_to(sgemm_cpu, 1))
            .set("ratio_cpu", round_to(conv_cpu / sgemm_cpu, 3))
            .set("blas_threads", openblas_get_num_threads())
            .set("kernels", kernels);
        std::printf("%s\n", line.dump_line().c_str());
        return 0;
    });
}
