// Lesson 03 program: a denoising autoencoder on Fashion-MNIST, against the noisy input and a plain
// autoencoder (lesson 02's, or one trained here) on the same noisy test images. Run:
// ./workshop run 03 [--quick] [--noise gaussian|masking|salt-pepper|all] [--level 0.3] (--help)
// The experiment, top to bottom; report.cpp writes the grids, table, sweep and summary.json.
#include <cstdio>
#include <iostream>

#include "ae/cli.hpp"
#include "ae/progress.hpp"
#include "lesson.hpp"
#include "report.hpp"

using namespace ae;
using namespace ae::l03;
using l02::Autoencoder;

namespace {

// One denoiser per corruption asked for (--noise all: all three), each tracking its test MSE
// against the clean images on a fixed noisy test set after every epoch.
std::vector<Denoiser> train_denoisers(const std::string& noise, float level_flag,
                                      const l02::AeConfig& config, const Matrix& train,
                                      const Matrix& test, TrainSpec spec) {
    std::vector<Denoiser> daes;
    for (NoiseKind k : all_kinds()) {
        if (noise != "all" && parse_noise_kind(noise) != k) continue;
        const float level = level_flag >= 0 && noise != "all" ? level_flag : default_level(k);
        Rng rng(spec.fit.seed);
        daes.push_back({k, level, l02::make_autoencoder(config, rng), {}});
        Denoiser& d = daes.back();
        const Matrix noisy = noisy_test(test, k, level, spec.fit.seed);
        spec.fit.name = d.label();
        d.history = train_denoiser(d.model, train, {k, level}, spec, [&](EpochLog& log) {
            log.metrics["test_mse_denoised"] = mse(l02::reconstruct(d.model, noisy), test);
        });
    }
    return daes;
}

}  // namespace

int main(int argc, char** argv) {
    return guarded_main([&] {
        Options defaults;  // 10 epochs, Adam 1e-3, batch 256, Z = 32
        defaults.quick_epochs = 5;
        CommandLine cli({"03", "03_denoising", "Lesson 03: a denoising autoencoder"}, defaults);
        std::string noise = "gaussian", plain_path = l02::default_model_path();
        float level = -1.f;
        CLI::App& app = cli.app();
        app.add_option("--noise", noise, "corruption to train on (all: one denoiser each)")
            ->check(CLI::IsMember({"gaussian", "masking", "salt-pepper", "all"}));
        app.add_option("--level", level, "sigma, or fraction of pixels (default 0.3, 0.5, 0.2)")
            ->check(real_flag(0, 1, "sigma, or the fraction of pixels corrupted"));
        auto* plain_flag =
            app.add_option("--ae-model", plain_path,
                           "lesson 02's model: the plain AE to compare with (else trained here)");
        if (int rc = cli.parse(argc, argv); rc >= 0) return rc;
        const Options& opt = cli.options();
        Timer total;

        const DataSplit data = load_data(opt.data_request());
        std::cout << "Data: " << data.describe() << "\n";
        const Matrix &train = data.train.images, &test = data.test.images;
        l02::AeConfig config;
        config.input = data.train.dim(), config.latent = static_cast<size_t>(opt.latent);
        const TrainSpec spec = train_spec(opt, "denoiser");  // Adam(--lr), --device

        Results r;  // the baseline, then the denoisers, then all of them on the same noisy sets
        Timer t;
        Autoencoder plain = plain_autoencoder(plain_path, plain_flag->count() > 0, opt.quick,
                                              config, train, spec, r.plain_source);
        r.plain_seconds = t.seconds();
        std::printf("Plain AE (%s): %s; test MSE on clean images %.5f\n", config.describe().c_str(),
                    r.plain_source.c_str(), mse(l02::reconstruct(plain, test), test));
        r.daes = train_denoisers(noise, level, config, train, test, spec);
        r.table = mse_table(test, plain, r.daes, opt.seed);

        // The README's ranges are for the full data with the default flags.
        report(opt, cli.default_run(data), data, config, plain, r, total);
        return 0;
    });
}
