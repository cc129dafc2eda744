// Lesson 03, the report of one run (report.hpp): the MSE table, the headline with the README's
// expected ranges, grids, sweeps, curves, CSV files and summary.json. main.cpp is the experiment.
#include "report.hpp"

#include <cstdio>

#include "ae/expect.hpp"
#include "ae/io.hpp"
#include "ae/plot.hpp"
#include "ae/run_record.hpp"

namespace ae::l03 {

namespace {

// The README's figures for the default run (full data, Gaussian 0.3, 10 epochs).
const ExpectedFigures kExpected = {{"test_mse_noisy_input", {0.0520, 0.0535}},
                                   {"test_mse_plain_ae_on_noisy", {0.0240, 0.0275}},
                                   {"test_mse_denoised", {0.0142, 0.0160}}};

// The table, one row per input, one column per model.
void print_table(const Table& t) {
    std::printf("\nTest MSE per pixel against the clean images:\n  %-22s", "input");
    for (const auto& c : t.cols) std::printf("  %22s", c.c_str());
    for (size_t r = 0; r < t.rows.size(); ++r) {
        std::printf("\n  %-22s", t.rows[r].c_str());
        for (const auto& col : t.mse) std::printf("  %22.5f", col[r]);
    }
    std::printf("\n");
}

// Grids, one per corruption: rows clean / noisy / plain AE / denoiser (trained on that
// corruption when there is one, else the first), one column per class.
void grids(const std::string& out, const DataSplit& data, l02::Autoencoder& plain,
           std::vector<Denoiser>& daes, uint64_t seed) {
    const Matrix clean = gather_rows(data.test.images, first_of_each_class(data.test));
    for (NoiseKind k : all_kinds()) {
        Denoiser& d = denoiser_for(k, daes);
        const std::string input = describe_noise(k, level_for(k, daes));
        const Matrix noisy = noisy_test(clean, k, level_for(k, daes), seed);
        save_image_rows(out + "/denoise_" + noise_name(k) + ".png",
                        {{"clean", clean},
                         {"noisy (" + input + ")", noisy},
                         {"plain AE", l02::reconstruct(plain, noisy)},
                         {"denoised: " + d.label(), l02::reconstruct(d.model, noisy)}},
                        "Denoising " + input + " test images: one column per class",
                        short_class_names(data.class_names));
    }
}

// Test MSE against the noise level of each denoiser's own corruption: noisy, plain AE, denoiser.
Json sweep(const std::string& out, const Matrix& clean, l02::Autoencoder& plain, Denoiser& d,
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

// Each denoiser's test MSE per epoch, with the noisy input and the plain AE as levels.
void curve(const std::string& out, Results& r, double noisy, double plain_mse) {
    const Denoiser& first = r.daes[0];
    std::vector<Series> s;
    const auto ep = first.history.epoch_numbers();
    for (const auto& d : r.daes)
        s.push_back({d.label(), ep, d.history.metric("test_mse_denoised"), "linespoints"});
    s.push_back({"noisy input (" + first.input() + ")", ep, std::vector<double>(ep.size(), noisy)});
    s.push_back({"plain AE on that input", ep, std::vector<double>(ep.size(), plain_mse)});
    Chart c{"Denoising: test MSE against the clean images", "epoch", "test MSE per pixel"};
    c.logy = true;
    line_chart(out + "/denoising_curve.png", c, s);
}

}  // namespace

void report(const Options& opt, bool default_run, const DataSplit& data,
            const l02::AeConfig& config, l02::Autoencoder& plain, Results& r, const Timer& total) {
    const std::string& out = opt.out;
    print_table(r.table);
    Denoiser& first = r.daes[0];
    const size_t row = kind_index(first.kind);  // table rows follow all_kinds()
    const double noisy = r.table.mse[0][row], plain_mse = r.table.mse[1][row];
    const double denoised = r.table.mse[2][row];
    std::printf("\n%s: noisy input %.5f   plain AE %.5f   denoising AE %.5f (%+.0f%% vs noisy)\n",
                first.input().c_str(), noisy, plain_mse, denoised, 100 * (denoised / noisy - 1));
    std::printf("  noisy input:  %s\n",
                kExpected.against("test_mse_noisy_input", noisy, default_run).c_str());
    std::printf("  plain AE:     %s\n",
                kExpected.against("test_mse_plain_ae_on_noisy", plain_mse, default_run).c_str());
    std::printf("  denoising AE: %s\n",
                kExpected.against("test_mse_denoised", denoised, default_run).c_str());

    make_dirs(out);
    grids(out, data, plain, r.daes, opt.seed);
    curve(out, r, noisy, plain_mse);
    Json sweeps, summary = run_summary("03_denoising", data);
    double train_seconds = 0;
    for (auto& d : r.daes) {
        sweeps.set(noise_name(d.kind), sweep(out, data.test.images, plain, d, opt.seed));
        train_seconds += d.history.total_seconds();
    }
    summary.set("model", config.describe());
    summary.set("noise", noise_name(first.kind)).set("level", double(first.level));
    set_training(summary, opt).set("plain_ae", r.plain_source);
    summary.set("test_mse_noisy_input", noisy).set("test_mse_plain_ae_on_noisy", plain_mse);
    summary.set("test_mse_denoised", denoised).set("test_mse_table", save_table(out, r.table));
    summary.set("noise_level_sweep", sweeps);
    summary.set("test_mse_denoised_per_epoch", first.history.metric("test_mse_denoised"));
    summary.set("plain_ae_seconds", r.plain_seconds).set("train_seconds", train_seconds);
    finish_run(summary, out, total);
}

}  // namespace ae::l03
