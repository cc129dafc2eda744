// Lesson 04, the report: what the program draws, saves and prints once the variants are trained.
// Expected ranges are the README's ("What you should see"), for the default run.
#include "report.hpp"

#include <algorithm>
#include <cstdio>

#include "ae/expect.hpp"
#include "ae/io.hpp"
#include "ae/linalg.hpp"
#include "ae/plot.hpp"
#include "ae/run_record.hpp"
#include "exercise.hpp"

namespace ae::l04 {

// The README's figures for the default run, per variant: test MSE, mean activation, |J|_F rms.
const ExpectedFigures kExpected = {
    {"plain test_mse", {0.0066, 0.0073}}, {"plain mean_h", {0.46, 0.50}},
    {"plain jacobian", {10.0, 11.2}},     {"L1 test_mse", {0.0085, 0.0095}},
    {"L1 mean_h", {0.12, 0.155}},         {"L1 jacobian", {6.0, 7.0}},
    {"KL test_mse", {0.0095, 0.0107}},    {"KL mean_h", {0.085, 0.105}},
    {"KL jacobian", {4.9, 5.8}},          {"contractive test_mse", {0.0087, 0.0097}},
    {"contractive mean_h", {0.47, 0.51}}, {"contractive jacobian", {3.7, 4.5}}};

namespace {

// The features of the 64 busiest units (highest mean activation), each stretched to [0, 1]:
// encoder filters (columns of W: what a unit responds to) and decoder rows (what it draws).
void save_features(const std::string& out, const std::string& name, Variant& v) {
    const Matrix means = column_means(v.codes);
    std::vector<size_t> order(means.size());
    for (size_t j = 0; j < order.size(); ++j) order[j] = j;
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return means(0, a) > means(0, b); });
    order.resize(std::min<size_t>(64, order.size()));
    const std::vector<std::string> cols = {"units sorted by mean activation, busiest first"};
    const Matrix filters = xt::transpose(encoder_layer(v.model).W);  // (H, D)
    save_image_grid(out + "/features_" + name + ".png", gather_rows(filters, order), 16, 28, 28, 2,
                    true, {}, name + ": encoder filters (columns of W) of the 64 busiest units",
                    cols);
    const auto& dec = dynamic_cast<const Dense&>(v.model.decoder[0]);  // W: (H, D)
    save_image_grid(out + "/decoder_" + name + ".png", gather_rows(dec.W, order), 16, 28, 28, 2,
                    true, {},
                    name + ": decoder rows (what each unit draws) of the 64 busiest units", cols);
    save_npy(out + "/encoder_W_" + name + ".npy", encoder_layer(v.model).W);
}

void charts(const std::string& out, std::vector<Variant>& vs) {
    std::vector<std::string> names;
    std::vector<std::pair<std::string, std::vector<double>>> hist;
    std::vector<Series> mse_curves, units;
    std::vector<std::vector<double>> bars(3), moved(2);
    std::vector<double> index;
    for (auto& v : vs) {
        const std::string n = v.penalty.name();
        names.push_back(n);
        const Matrix c = head(v.codes, 1000);
        hist.push_back({n, std::vector<double>(c.begin(), c.end())});
        mse_curves.push_back(
            {n, v.history.epoch_numbers(), v.history.metric("test_mse"), "linespoints"});
        moved[0].push_back(v.moved_noise);
        moved[1].push_back(v.moved_data);
        const auto means = unit_means_sorted(v.codes);
        index.resize(means.size());
        for (size_t j = 0; j < means.size(); ++j) index[j] = double(j + 1);
        units.push_back({n, index, means});
        bars[0].push_back(v.stats.mean_activation);
        bars[1].push_back(v.stats.near_zero);
        bars[2].push_back(v.stats.dead_units);
        save_features(out, n, v);
    }
    Chart h{"Activations of the code on 1000 test images", "activation h", "density (log scale)"};
    h.logy = true;
    histogram_chart(out + "/activation_histograms.png", h, hist, 40);
    Chart b{"How sparse is the code? (test set)", "", "fraction"};
    b.key = "below";  // the bars reach the top corners
    bar_chart(out + "/sparsity.png", b, names,
              {"mean activation", "activations < 0.05", "units with mean < 0.05"}, bars);
    Chart u{"Mean activation of each unit, sorted", "unit (sorted)",
            "mean activation over the test set"};
    u.ymin = 0;
    line_chart(out + "/unit_mean_activations.png", u, units);
    Chart m{"Test MSE per pixel during training", "epoch", "test MSE (2000 images)"};
    line_chart(out + "/test_mse_per_epoch.png", m, mse_curves);
    Chart s{"How far the code moves per unit of input change (2000 test images)", "",
            "mean |h(x+e) - h(x)| / |e|"};
    s.key = "below";
    bar_chart(out + "/code_sensitivity.png", s, names,
              {"random noise e ~ N(0, 0.05^2)", "e = 10% of the way to another image"}, moved);
}

// Originals, then one row of reconstructions per variant.
void reconstructions(const std::string& out, const DataSplit& data, std::vector<Variant>& vs) {
    const Matrix x = head(data.test.images, 10);
    std::vector<ImageRow> rows = {{"test image", x}};
    for (auto& v : vs) rows.push_back({v.penalty.name(), l02::reconstruct(v.model, x)});
    std::vector<std::string> cols(x.shape()[0], "");
    cols[0] = "test images 1-10";
    save_image_rows(out + "/reconstructions.png", rows, "Reconstructions by each variant", cols);
}

Json variant_json(const Variant& v) {
    Json j;
    j.set("weight", double(v.penalty.weight))
        .set("test_mse", v.test_mse)
        .set("mean_activation", v.stats.mean_activation)
        .set("near_zero_fraction", v.stats.near_zero)
        .set("dead_unit_fraction", v.stats.dead_units)
        .set("jacobian_frobenius_rms", v.jacobian)
        .set("code_change_per_input_change_noise", v.moved_noise)
        .set("code_change_per_input_change_towards_image", v.moved_data)
        .set("test_mse_per_epoch", v.history.metric("test_mse"))
        .set("train_seconds", v.history.total_seconds());
    if (v.penalty.kind == PenaltyKind::Kl) j.set("rho", double(v.penalty.rho));
    return j;
}

void save_numbers(const std::string& out, const DataSplit& data, const Options& opt,
                  const std::vector<Variant>& vs, const Timer& total) {
    // One row per variant; variant 0 plain, 1 L1, 2 KL, 3 contractive.
    std::vector<std::vector<double>> rows;
    for (const Variant& v : vs)
        rows.push_back({double(v.penalty.kind), double(v.penalty.weight), v.test_mse,
                        v.stats.mean_activation, v.stats.near_zero, v.stats.dead_units, v.jacobian,
                        v.moved_noise, v.moved_data});
    save_csv_rows(out + "/variants.csv",
                  {"variant", "weight", "test_mse", "mean_activation", "near_zero_fraction",
                   "dead_unit_fraction", "jacobian_rms", "moved_noise", "moved_towards_image"},
                  rows);
    Json summary = run_summary("04_sparse", data), variants;
    for (const auto& v : vs) variants.set(v.penalty.name(), variant_json(v));
    set_sizes(summary, data).set("hidden_units", size_t(opt.latent));
    set_training(summary, opt).set("variants", variants);
    finish_run(summary, out, total);
}

void print_results(const std::vector<Variant>& vs, const Options& opt, bool default_run) {
    std::printf(
        "\nResults on the test set (H = %d, %d epochs); |dh|/|dx| for noise of sigma 0.05"
        " and for a 10%% step towards another image:\n",
        opt.latent, opt.epochs);
    std::printf("  %-12s %7s %9s %7s %9s %6s %9s %9s %9s\n", "variant", "weight", "test MSE",
                "mean h", "h < 0.05", "dead", "|J|_F rms", "dh noise", "dh image");
    for (const auto& v : vs) {
        std::printf("  %-12s %7.2g %9.5f %7.4f %8.1f%% %5.1f%% %9.3f %9.4f %9.4f\n",
                    v.penalty.name().c_str(), double(v.penalty.weight), v.test_mse,
                    v.stats.mean_activation, 100 * v.stats.near_zero, 100 * v.stats.dead_units,
                    v.jacobian, v.moved_noise, v.moved_data);
    }
    std::printf("\nAgainst the README's figures:\n");
    for (const auto& v : vs) {
        const std::string n = v.penalty.name();
        std::printf("  %-12s test MSE %s\n  %-12s mean h   %s\n  %-12s |J|_F    %s\n", n.c_str(),
                    kExpected.against(n + " test_mse", v.test_mse, default_run).c_str(), "",
                    kExpected.against(n + " mean_h", v.stats.mean_activation, default_run).c_str(),
                    "", kExpected.against(n + " jacobian", v.jacobian, default_run).c_str());
    }
}

}  // namespace

void print_initial_penalties(const Matrix& x, const Matrix& h, const Matrix& W, double rho) {
    const double l1 = l1_penalty(h).value, kl = kl_sparsity_penalty(h, rho).value;
    const double cae = contractive_penalty(x, h, W).value;
    std::printf(
        "Penalties of the untrained code (%zu images): L1 %.4g, KL (rho %.2g) %.4g, "
        "contractive %.4g\n",
        x.shape()[0], l1, rho, kl, cae);
}

void report(const std::string& out, const DataSplit& data, const Options& opt,
            std::vector<Variant>& vs, bool default_run, const Timer& total) {
    print_results(vs, opt, default_run);
    make_dirs(out);
    charts(out, vs);
    reconstructions(out, data, vs);
    save_numbers(out, data, opt, vs, total);
}

}  // namespace ae::l04
