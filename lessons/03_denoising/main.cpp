// Lesson 03 program: a denoising autoencoder on Fashion-MNIST, against the noisy input and a plain
// autoencoder (lesson 02's, or one trained here) on the same noisy test images. Run:
// ./workshop run 03 [--quick] [--noise gaussian|masking|salt-pepper|all] [--level 0.3] (--help)
// Writes the grids, MSE table, noise-level sweep and summary.json to out/03_denoising/.
#include <cstdio>
#include <iostream>

#include "ae/cli.hpp"
#include "ae/error.hpp"
#include "ae/io.hpp"
#include "ae/plot.hpp"
#include "ae/progress.hpp"
#include "exercise.hpp"

using namespace ae;
using namespace ae::l03;
using l02::Autoencoder;

namespace {

const std::vector<NoiseKind> kKinds = {NoiseKind::Gaussian, NoiseKind::Masking,
                                       NoiseKind::SaltPepper};

struct Denoiser {
    NoiseKind kind;
    float level;
    Autoencoder model;
    History history;
    std::string input() const { return describe_noise(kind, level); }
    std::string label() const { return "DAE (" + input() + ")"; }
};

// The test images under one corruption, drawn once from a fixed seed, so every model is judged
// on the very same noisy images.
Matrix noisy_test(const Matrix& clean, NoiseKind kind, float level, uint64_t seed) {
    Rng rng(seed + 1000 + 17 * static_cast<uint64_t>(kind));
    return make_corruption(kind, level)(clean, rng);
}

// First test image of each class: one column per class in the grids.
Matrix one_per_class(const Dataset& ds) {
    std::vector<size_t> idx;
    for (int c = 0; c < 10; ++c) {
        const auto it = std::find(ds.labels.begin(), ds.labels.end(), c);
        if (it != ds.labels.end()) idx.push_back(size_t(it - ds.labels.begin()));
    }
    return gather_rows(ds.images, idx);
}

// The plain AE: lesson 02's saved model when it loads and has the same architecture, else one
// trained here on clean images with the same epochs, batch size and lr as the denoisers. --quick
// trains one too (unless a path is given): a full-data model would not be a fair comparison.
Autoencoder plain_model(const std::string& path, bool explicit_path, bool quick,
                        const l02::AeConfig& config, const Matrix& train, const FitOptions& fo,
                        float lr, const std::string& device, std::string& source) {
    std::string why = "--quick: same sample and epochs as the denoisers";
    try {
        if (!quick || explicit_path) {
            why = "no lesson 02 model at " + path;
            Autoencoder m = l02::load_autoencoder(path);
            if (m.config.describe() == config.describe()) {
                source = "loaded from " + path;
                return m;
            }
            why = path + " is " + m.config.describe() + ", not " + config.describe();
        }
    } catch (const DataError&) {
        if (explicit_path) throw;
    }
    if (explicit_path) throw Error("--plain-model " + why + " (change --latent, or the model)");
    source = "trained here (" + why + ")";
    std::cout << "Plain AE: " << source << ", training it now\n";
    Rng rng(fo.seed + 1);
    Autoencoder m = l02::make_autoencoder(config, rng);
    FitOptions plain = fo;
    plain.name = "plain AE";
    train_model(device, m, train, std::nullopt, plain, lr, nullptr);
    return m;
}

// The denoiser trained on corruption k (else the first), and the level k is tested at.
Denoiser& denoiser_for(NoiseKind k, std::vector<Denoiser>& daes) {
    for (auto& d : daes)
        if (d.kind == k) return d;
    return daes[0];
}
float level_for(NoiseKind k, std::vector<Denoiser>& daes) {
    return denoiser_for(k, daes).kind == k ? denoiser_for(k, daes).level : default_level(k);
}

// Test MSE (vs clean) of the noisy input and of each model's output, one row per corruption
// plus the clean input; printed. cols: "noisy input", "plain AE", then one per denoiser.
struct Table {
    std::vector<std::string> rows, cols;
    std::vector<std::vector<double>> mse;  // mse[col][row]
};

Table mse_table(const Matrix& clean, Autoencoder& plain, std::vector<Denoiser>& daes,
                uint64_t seed) {
    Table t;
    t.cols = {"noisy input", "plain AE"};
    for (const auto& d : daes) t.cols.push_back(d.label());
    t.mse.assign(t.cols.size(), {});
    for (size_t r = 0; r <= kKinds.size(); ++r) {
        const bool noisy = r < kKinds.size();
        const float level = noisy ? level_for(kKinds[r], daes) : 0.f;
        const Matrix x = noisy ? noisy_test(clean, kKinds[r], level, seed) : clean;
        t.rows.push_back(noisy ? describe_noise(kKinds[r], level) : "clean input");
        t.mse[0].push_back(mse(x, clean));
        t.mse[1].push_back(mse(l02::reconstruct(plain, x), clean));
        for (size_t c = 0; c < daes.size(); ++c)
            t.mse[2 + c].push_back(mse(l02::reconstruct(daes[c].model, x), clean));
    }
    std::printf("\nTest MSE per pixel against the clean images:\n  %-22s", "input");
    for (const auto& c : t.cols) std::printf("  %22s", c.c_str());
    for (size_t r = 0; r < t.rows.size(); ++r) {
        std::printf("\n  %-22s", t.rows[r].c_str());
        for (const auto& col : t.mse) std::printf("  %22.5f", col[r]);
    }
    std::printf("\n");
    return t;
}

// Grids, one per corruption: rows noisy / plain AE / denoiser (trained on that corruption when
// there is one, else the first) / clean.
void grids(const std::string& out, const Dataset& test, Autoencoder& plain,
           std::vector<Denoiser>& daes, uint64_t seed) {
    const Matrix clean = one_per_class(test);
    for (NoiseKind k : kKinds) {
        Denoiser& d = denoiser_for(k, daes);
        const Matrix noisy = noisy_test(clean, k, level_for(k, daes), seed);
        const Matrix grid = xt::concatenate(xt::xtuple(noisy, l02::reconstruct(plain, noisy),
                                                       l02::reconstruct(d.model, noisy), clean),
                                            0);
        save_image_grid(out + "/denoise_" + noise_name(k) + ".png", grid, 10, 28, 28, 3);
    }
}

// Test MSE against the noise level of each denoiser's own corruption: noisy, plain AE, denoiser.
Json sweep(const std::string& out, const Matrix& clean, Autoencoder& plain, Denoiser& d,
           uint64_t seed) {
    const std::vector<double> levels = {0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.7};
    Series noisy{"noisy input", levels, {}, "linespoints"},
        p{"plain AE", levels, {}, "linespoints"}, dae{d.label(), levels, {}, "linespoints"};
    for (double level : levels) {
        const Matrix x = noisy_test(clean, d.kind, float(level), seed);
        noisy.y.push_back(mse(x, clean));
        p.y.push_back(mse(l02::reconstruct(plain, x), clean));
        dae.y.push_back(mse(l02::reconstruct(d.model, x), clean));
    }
    Chart c{"Test MSE vs clean as the " + noise_name(d.kind) + " noise grows", level_name(d.kind),
            "test MSE per pixel"};
    c.logy = true, c.key = "bottom right";
    line_chart(out + "/noise_levels_" + noise_name(d.kind) + ".png", c, {noisy, p, dae});
    return Json().set("levels", levels).set("noisy", noisy.y).set("plain", p.y).set("dae", dae.y);
}

// One denoiser per corruption asked for (--noise all: all three), each tracking its test MSE
// against the clean images on a fixed noisy test set after every epoch.
std::vector<Denoiser> train_denoisers(const std::string& noise, float level_flag,
                                      const l02::AeConfig& config, const Matrix& train,
                                      const Matrix& test, FitOptions fo, float lr,
                                      const std::string& device) {
    std::vector<Denoiser> daes;
    for (NoiseKind k : kKinds) {
        if (noise != "all" && parse_noise_kind(noise) != k) continue;
        const float level = level_flag >= 0 && noise != "all" ? level_flag : default_level(k);
        Rng rng(fo.seed);
        daes.push_back({k, level, l02::make_autoencoder(config, rng), {}});
        Denoiser& d = daes.back();
        const Matrix noisy = noisy_test(test, k, level, fo.seed);
        fo.name = d.label();
        d.history =
            train_model(device, d.model, train, NoiseSpec{k, level}, fo, lr, [&](EpochLog& log) {
                log.metrics["test_mse_denoised"] = mse(l02::reconstruct(d.model, noisy), test);
            });
    }
    return daes;
}

// The table as CSV (input: 0 gaussian, 1 masking, 2 salt-pepper, 3 clean) and as JSON.
Json save_table(const std::string& out, const Table& t) {
    std::vector<std::string> header = {"input"};
    std::vector<std::vector<double>> columns = {{0, 1, 2, 3}};
    Json j;
    j.set("input", t.rows);
    for (size_t i = 0; i < t.cols.size(); ++i) {
        header.push_back(t.cols[i]), columns.push_back(t.mse[i]);
        j.set(t.cols[i], t.mse[i]);
    }
    save_csv(out + "/mse_table.csv", header, columns);
    return j;
}

// Everything measured in one run.
struct Results {
    std::string plain_source;
    double plain_seconds = 0;
    std::vector<Denoiser> daes;
    Table table;
};

// Prints the headline; writes the pictures, tables and summary.json into out.
void report(const std::string& out, const DataSplit& data, const Options& opt,
            const l02::AeConfig& config, Autoencoder& plain, Results& r, const Timer& total) {
    Denoiser& first = r.daes[0];
    const size_t row = static_cast<size_t>(first.kind);  // table rows follow kKinds
    const double noisy = r.table.mse[0][row], plain_mse = r.table.mse[1][row];
    const double denoised = r.table.mse[2][row];
    std::printf("\n%s: noisy input %.5f   plain AE %.5f   denoising AE %.5f (%+.0f%% vs noisy)\n",
                first.input().c_str(), noisy, plain_mse, denoised, 100 * (denoised / noisy - 1));
    make_dirs(out);
    grids(out, data.test, plain, r.daes, opt.seed);
    std::vector<Series> s;  // each denoiser per epoch; the noisy input and the plain AE as levels
    const auto ep = first.history.epoch_numbers();
    for (const auto& d : r.daes)
        s.push_back({d.label(), ep, d.history.metric("test_mse_denoised"), "linespoints"});
    s.push_back({"noisy input (" + first.input() + ")", ep, std::vector<double>(ep.size(), noisy)});
    s.push_back({"plain AE on that input", ep, std::vector<double>(ep.size(), plain_mse)});
    Chart c{"Denoising: test MSE against the clean images", "epoch", "test MSE per pixel"};
    c.logy = true;
    line_chart(out + "/denoising_curve.png", c, s);
    Json sweeps, summary;
    double train_seconds = 0;
    for (auto& d : r.daes) {
        sweeps.set(noise_name(d.kind), sweep(out, data.test.images, plain, d, opt.seed));
        train_seconds += d.history.total_seconds();
    }
    summary.set("lesson", "03_denoising").set("data", data.describe());
    summary.set("full_data", !data.is_sample).set("model", config.describe());
    summary.set("noise", noise_name(first.kind)).set("level", double(first.level));
    summary.set("epochs", opt.epochs).set("batch_size", opt.batch_size).set("lr", double(opt.lr));
    summary.set("seed", double(opt.seed)).set("plain_ae", r.plain_source);
    summary.set("test_mse_noisy_input", noisy).set("test_mse_plain_ae_on_noisy", plain_mse);
    summary.set("test_mse_denoised", denoised).set("test_mse_table", save_table(out, r.table));
    summary.set("noise_level_sweep", sweeps);
    summary.set("test_mse_denoised_per_epoch", first.history.metric("test_mse_denoised"));
    summary.set("plain_ae_seconds", r.plain_seconds).set("train_seconds", train_seconds);
    summary.set("seconds", total.seconds());
    summary.save(out + "/summary.json");
    std::printf("\nPictures and summary.json in %s/ (%.1fs in all)\n", out.c_str(),
                total.seconds());
}

}  // namespace

int main(int argc, char** argv) {
    return guarded_main([&] {
        Options defaults;  // 10 epochs, Adam 1e-3, batch 256, Z = 32
        defaults.quick_epochs = 5;
        CommandLine cli({"03", "03_denoising", "Lesson 03: a denoising autoencoder"}, defaults);
        std::string noise = "gaussian", plain_path = l02::kDefaultModelPath;
        float level = -1.f;
        CLI::App& app = cli.app();
        app.add_option("--noise", noise, "corruption to train on (all: one denoiser each)")
            ->capture_default_str()
            ->check(CLI::IsMember({"gaussian", "masking", "salt-pepper", "all"}));
        app.add_option("--level", level, "sigma, or fraction of pixels (default 0.3, 0.5, 0.2)")
            ->check(CLI::Range(0.f, 1.f));
        auto* plain_flag = app.add_option("--plain-model", plain_path,
                                          "plain AE to compare with (else trained here)")
                               ->capture_default_str();
        if (int rc = cli.parse(argc, argv); rc >= 0) return rc;
        const Options& opt = cli.options();
        const std::string device = resolve_device(opt.device);
        Timer total;

        const DataSplit data = load_data(opt.data_request());
        std::cout << "Data: " << data.describe() << "\n";
        const Matrix &train = data.train.images, &test = data.test.images;
        l02::AeConfig config;
        config.input = data.train.dim(), config.latent = static_cast<size_t>(opt.latent);
        FitOptions fo;
        fo.epochs = opt.epochs, fo.batch_size = opt.batch_size, fo.seed = opt.seed, fo.lr = opt.lr;

        Results r;
        Timer t;
        Autoencoder plain = plain_model(plain_path, plain_flag->count() > 0, opt.quick, config,
                                        train, fo, opt.lr, device, r.plain_source);
        r.plain_seconds = t.seconds();
        std::printf("Plain AE (%s): %s; test MSE on clean images %.5f\n", config.describe().c_str(),
                    r.plain_source.c_str(), mse(l02::reconstruct(plain, test), test));
        r.daes = train_denoisers(noise, level, config, train, test, fo, opt.lr, device);
        r.table = mse_table(test, plain, r.daes, opt.seed);
        report(opt.out, data, opt, config, plain, r, total);
        return 0;
    });
}
