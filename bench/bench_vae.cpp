// Training throughput of lesson 05's VAE on the CPU (784-400-20, Bernoulli likelihood on the
// logits, beta = 1, Adam lr 1e-3, batches of 128): the reference solution's loss_and_gradients
// under ae::train, exactly what `./workshop run 05` trains, without the per-epoch evaluation.
// Run: build/bin/bench_vae [--epochs 3] [--quick] [--threads N]
// Prints progress on stderr and ONE JSON line on stdout (fields: bench/README.md).
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <string>

#include "05_vae/exercise.hpp"
#include "ae/cli.hpp"
#include "ae/io.hpp"
#include "ae/progress.hpp"

#include "blas_threads.hpp"

using namespace ae;
using namespace ae::l05;

int main(int argc, char** argv) {
    return guarded_main([&] {
        Options defaults = lesson_defaults(3, 3, 128, 20);
        CommandLine cli({"bench", "bench_vae", "Training throughput of lesson 05's VAE"}, defaults);
        bench::add_blas_threads_flag(cli.app());
        cli.without({"--out"});  // prints its figures, writes no files
        if (int rc = cli.parse(argc, argv); rc >= 0) return rc;
        const Options& opt = cli.options();

        const DataSplit data = load_data(opt.data_request());
        const Matrix& x = data.train.images;
        std::cerr << "Data: " << data.describe() << "\n";
        const size_t hidden = 400, z = static_cast<size_t>(opt.latent);
        Rng rng(opt.seed);
        Vae model = make_vae(x.shape()[1], hidden, z, rng);
        init_output_bias(model, x);
        TrainSpec spec = train_spec(opt, "bench_vae");
        spec.fit.verbose = false;
        const double cpu0 = static_cast<double>(std::clock()) / CLOCKS_PER_SEC;
        const History h = train_vae(model, x, 1.f, spec);
        const double cpu_epoch =
            (static_cast<double>(std::clock()) / CLOCKS_PER_SEC - cpu0) / std::max(1, opt.epochs);

        // Median epoch: robust to the first epoch's warm-up and to a noisy neighbour.
        std::vector<double> secs;
        for (const auto& e : h.epochs) secs.push_back(e.seconds);
        std::sort(secs.begin(), secs.end());
        const double epoch_s = secs.empty() ? 0 : secs[secs.size() / 2];
        const size_t n = x.shape()[0];
        Json line;
        line.set("bench", "train_vae")
            .set("model", "784-" + std::to_string(hidden) + "-" + std::to_string(z))
            .set("images", n)
            .set("batch", opt.batch_size)
            .set("epochs", opt.epochs)
            .set("seconds_per_epoch", round_to(epoch_s, 3))
            .set("images_per_second", round_to(epoch_s > 0 ? n / epoch_s : 0.0, 0))
            .set("cpu_seconds_per_epoch", round_to(cpu_epoch, 3))
            .set("blas_threads", openblas_get_num_threads())
            .set("final_train_loss",
                 round_to(h.epochs.empty() ? 0.0 : h.epochs.back().train_loss, 3));
        std::printf("%s\n", line.dump_line().c_str());
        return 0;
    });
}
