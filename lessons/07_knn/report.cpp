// Lesson 07, the report of one run (report.hpp): terminal tables with the README's expected
// ranges, the confusion matrix, pictures, confusion CSVs and summary.json. main.cpp is the
// experiment.
#include "report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "ae/expect.hpp"
#include "ae/io.hpp"
#include "ae/plot.hpp"
#include "ae/run_record.hpp"

namespace ae::l07 {

namespace {

// README, "What you should see" (full data, default flags, both checkpoints), per
// representation in the program's order: pixels, PCA-32, deep AE, VAE means.
// Accuracy with all labels, and the mean over draws with a few labels per class.
const ExpectedFigures kExpected = {
    {"pixels all_labels", {0.855, 0.858}},  {"pca all_labels", {0.851, 0.856}},
    {"deep_ae all_labels", {0.84, 0.86}},   {"vae all_labels", {0.845, 0.865}},
    {"pixels few_labels", {0.74, 0.76}},    {"pca few_labels", {0.755, 0.775}},
    {"deep_ae few_labels", {0.735, 0.765}}, {"vae few_labels", {0.765, 0.79}}};
const char* const kRepresentation[4] = {"pixels", "pca", "deep_ae", "vae"};

// Rows: a query (the first test image of eight classes), a white tile, its 5 nearest training
// images in pixel space, a white tile, its 5 nearest in the latent space.
void neighbour_picture(const std::string& png, const DataSplit& data, const Representation& pixels,
                       const Representation& latent) {
    std::vector<size_t> queries;
    std::vector<std::string> rows;
    std::vector<bool> seen(10, false);
    for (size_t i = 0; i < data.test.size() && queries.size() < 8; ++i) {
        if (seen[data.test.labels[i]]) continue;
        seen[data.test.labels[i]] = true, queries.push_back(i);
        rows.push_back(data.class_names[data.test.labels[i]]);
    }
    const size_t k = 5, cols = 2 * k + 3, d = data.test.dim();
    const Neighbours in_pixels = k_nearest(gather_rows(pixels.test, queries), pixels.train, k);
    const Neighbours in_latent = k_nearest(gather_rows(latent.test, queries), latent.train, k);
    Matrix grid = xt::ones<float>({queries.size() * cols, d});
    auto put = [&](size_t tile, const Matrix& from, size_t row) {
        xt::view(grid, tile, xt::all()) = xt::view(from, row, xt::all());
    };
    for (size_t q = 0; q < queries.size(); ++q) {
        put(q * cols, data.test.images, queries[q]);
        for (size_t j = 0; j < k; ++j) {
            put(q * cols + 2 + j, data.train.images, in_pixels.index[q * k + j]);
            put(q * cols + 3 + k + j, data.train.images, in_latent.index[q * k + j]);
        }
    }
    // An empty column label continues the one before it: three groups of columns.
    std::vector<std::string> col_labels(cols, "");
    col_labels[0] = "query";
    col_labels[2] = "pixel-space neighbours";
    col_labels[3 + k] = "latent-space neighbours (" + latent.name + ")";
    save_image_grid(png, grid, cols, 28, 28, 2, false, rows,
                    "5 nearest training images of a test image, nearest first", col_labels);
}

void pictures(const std::string& out, const std::vector<Representation>& reps,
              const std::vector<Result>& res, const Flags& f, size_t n_train) {
    std::vector<std::string> names;
    std::vector<double> all, few;
    std::vector<Series> by_k;
    for (size_t r = 0; r < reps.size(); ++r) {
        names.push_back(reps[r].name);
        all.push_back(res[r].acc_all);
        few.push_back(res[r].few_mean);
        by_k.push_back({reps[r].name, kValues, res[r].acc_by_k, "linespoints"});
    }
    Chart c{std::to_string(f.k) + "-NN test accuracy: all labels vs " +
                std::to_string(f.per_class) + " labels per class",
            "representation", "test accuracy"};
    c.ymin = 0.5, c.ymax = 0.95, c.key = "outside right top", c.width = 1000;
    bar_chart(out + "/accuracy.png", c, names,
              {"all " + std::to_string(n_train) + " labels",
               std::to_string(f.per_class) + " labels per class (mean of " +
                   std::to_string(f.draws) + " draws)"},
              {all, few});
    Chart ck{"kNN test accuracy against k (all labels)", "k (neighbours voting)", "test accuracy"};
    ck.key = "bottom right";
    line_chart(out + "/accuracy_vs_k.png", ck, by_k);
}

Json summarise(const DataSplit& data, const std::vector<Representation>& reps,
               const std::vector<Result>& res, const Flags& f) {
    Json s = run_summary("07_knn", data), per;
    set_sizes(s, data).set("k", f.k).set("labels_per_class", f.per_class).set("draws", f.draws);
    for (size_t r = 0; r < reps.size(); ++r) {
        Json j;
        j.set("source", reps[r].source).set("dim", reps[r].train.shape()[1]);
        j.set("accuracy_all_labels", res[r].acc_all).set("search_seconds", res[r].seconds);
        j.set("accuracy_few_labels_mean", res[r].few_mean)
            .set("accuracy_few_labels_std", res[r].few_std);
        j.set("accuracy_few_labels_draws", res[r].few).set("accuracy_by_k", res[r].acc_by_k);
        per.set(reps[r].name, j);
    }
    s.set("k_values", kValues).set("representations", per);
    return s;
}

void write_outputs(const std::string& out, const DataSplit& data,
                   const std::vector<Representation>& reps, const std::vector<Result>& res,
                   const Flags& f) {
    make_dirs(out);
    pictures(out, reps, res, f, data.train.size());
    neighbour_picture(out + "/neighbours.png", data, reps.front(), reps.back());
    for (size_t r = 0; r < reps.size(); ++r) {
        std::vector<std::vector<double>> rows;
        for (const auto& row : res[r].confusion) rows.push_back({row.begin(), row.end()});
        save_csv_rows(out + "/confusion_" + std::to_string(r) + ".csv", data.class_names, rows);
    }
}

}  // namespace

void print_all_labels(const std::vector<Representation>& reps, const std::vector<Result>& res,
                      const DataSplit& data, const Flags& f, double direct, bool default_run) {
    std::printf("\n%zu-NN with all %zu labels (%zu x %zu search, %zu best kept per query):\n", f.k,
                data.train.size(), data.test.size(), data.train.size(), std::max<size_t>(f.k, 15));
    for (size_t r = 0; r < reps.size(); ++r) {
        std::printf("  %-18s D = %-4zu search %.2fs   (%s)\n      accuracy %s\n",
                    reps[r].name.c_str(), reps[r].train.shape()[1], res[r].seconds,
                    reps[r].source.c_str(),
                    kExpected
                        .against(std::string(kRepresentation[r % 4]) + " all_labels",
                                 res[r].acc_all, default_run)
                        .c_str());
    }
    std::printf(
        "  (raw-pixel distances by a plain double loop instead: %.0fs, extrapolated from 20 "
        "queries)\n",
        direct);
}

void report(const Options& opt, const Flags& f, bool default_run, const DataSplit& data,
            const std::vector<Representation>& reps, const std::vector<Result>& res, double direct,
            const Timer& total) {
    std::printf("\n%zu-NN with %zu labels per class (%zu random draws, mean +- std):\n", f.k,
                f.per_class, f.draws);
    for (size_t r = 0; r < reps.size(); ++r)
        std::printf("  %-18s accuracy %.4f +- %.4f  mean %s\n", reps[r].name.c_str(),
                    res[r].few_mean, res[r].few_std,
                    kExpected
                        .against(std::string(kRepresentation[r % 4]) + " few_labels",
                                 res[r].few_mean, default_run)
                        .c_str());
    std::printf("\nConfusion matrix of %s, all labels:\n%s", reps.back().name.c_str(),
                format_confusion(res.back().confusion, data.class_names).c_str());

    write_outputs(opt.out, data, reps, res, f);
    Json summary = summarise(data, reps, res, f);
    summary.set("direct_loop_seconds_raw_pixels_extrapolated", direct);
    summary.set("epochs_if_trained_here", opt.epochs);
    finish_run(summary, opt.out, total);
}

}  // namespace ae::l07
