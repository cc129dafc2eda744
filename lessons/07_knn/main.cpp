// Lesson 07 program: k-nearest neighbours on raw pixels, PCA codes, deep-AE codes and VAE means,
// with all 60,000 labels and with only a few labels per class.
// Run: ./workshop run 07 [--quick] [--k 5] [--per-class 100] [--draws 5]   (--help: every flag)
// Writes pictures, their numbers and summary.json to out/07_knn/.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>

#include "02_deep_ae/exercise.hpp"
#include "05_vae/exercise.hpp"
#include "ae/cli.hpp"
#include "ae/io.hpp"
#include "ae/plot.hpp"
#include "ae/progress.hpp"
#include "exercise.hpp"

using namespace ae;
using namespace ae::l07;

namespace {

struct Flags {
    size_t k = 5, per_class = 100, draws = 5, block = 512;
    std::string ae_model = l02::kDefaultModelPath, vae_model = l05::default_vae_checkpoint();
    bool retrain = false;
};

struct Result {
    double acc_all = 0, seconds = 0, few_mean = 0, few_std = 0;
    std::vector<double> acc_by_k, few;
    Confusion confusion;
};

const std::vector<double> kValues = {1, 3, 5, 7, 9, 11, 15};

// All labels: one search with the largest K, then votes with every k (cheap: no new search).
Result full_search(const Representation& rep, const Labels& train_labels, const Labels& test_labels,
                   const Flags& f) {
    Result r;
    const size_t kmax = std::max<size_t>(f.k, size_t(kValues.back()));
    Timer t;
    const Neighbours nb = k_nearest(rep.test, rep.train, kmax, f.block);
    r.seconds = t.seconds();
    const Labels pred = knn_vote(nb, train_labels, f.k);
    r.acc_all = accuracy(pred, test_labels);
    r.confusion = confusion_matrix(pred, test_labels);
    for (double k : kValues)
        r.acc_by_k.push_back(accuracy(knn_vote(nb, train_labels, size_t(k)), test_labels));
    return r;
}

// The same distances by the textbook double loop, for `n` queries, to see what the GEMM buys.
// Returns the seconds it would take for all queries (extrapolated).
double direct_loop_seconds(const Matrix& queries, const Matrix& refs, size_t n) {
    const size_t r = refs.shape()[0], d = refs.shape()[1];
    n = std::min(n, size_t(queries.shape()[0]));
    std::vector<float> row(r);
    Timer t;
    for (size_t i = 0; i < n; ++i) {
        const float* q = queries.data() + i * d;
        for (size_t j = 0; j < r; ++j) {
            const float* b = refs.data() + j * d;
            float s = 0;
            for (size_t c = 0; c < d; ++c) s += (q[c] - b[c]) * (q[c] - b[c]);
            row[j] = s;
        }
    }
    volatile float sink = row[0];  // keeps the loop from being optimised away
    (void)sink;
    return t.seconds() * double(queries.shape()[0]) / double(n);
}

// Few labels: per_class random labelled images per class as the references, `draws` times.
void few_labels(const std::vector<Representation>& reps, std::vector<Result>& results,
                const Dataset& train, const Labels& test_labels, const Flags& f, uint64_t seed) {
    Rng rng(seed);
    for (size_t d = 0; d < f.draws; ++d) {
        const std::vector<size_t> idx = labelled_subset(train.labels, f.per_class, rng);
        const Labels labels = gather(train.labels, idx);
        for (size_t r = 0; r < reps.size(); ++r) {
            const Matrix refs = gather_rows(reps[r].train, idx);
            results[r].few.push_back(
                accuracy(knn_classify(refs, labels, reps[r].test, f.k), test_labels));
        }
    }
    for (auto& r : results) {
        double s = 0, s2 = 0;
        for (double a : r.few) s += a, s2 += a * a;
        const double n = double(r.few.size());
        r.few_mean = s / n;
        r.few_std = n > 1 ? std::sqrt(std::max(0.0, (s2 - s * s / n) / (n - 1))) : 0;
    }
}

// Rows: a query, a white tile, its 5 nearest training images in pixel space, a white tile, its
// 5 nearest in the latent space.
void neighbour_picture(const std::string& png, const DataSplit& data, const Representation& pixels,
                       const Representation& latent) {
    std::vector<size_t> queries;
    std::vector<bool> seen(10, false);
    for (size_t i = 0; i < data.test.size() && queries.size() < 8; ++i) {
        if (!seen[data.test.labels[i]]) seen[data.test.labels[i]] = true, queries.push_back(i);
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
    save_image_grid(png, grid, cols, 28, 28, 2);
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
    Json s, per;
    s.set("lesson", "07_knn").set("data", data.describe()).set("full_data", !data.is_sample);
    s.set("train_images", data.train.size()).set("test_images", data.test.size());
    s.set("k", f.k).set("labels_per_class", f.per_class).set("draws", f.draws);
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

// Calls every exercise function once on a toy problem, so a missing one stops the program
// at once rather than after minutes of loading and training.
void fail_fast() {
    const Matrix pts = {{0.f}, {1.f}, {5.f}};
    const Labels labels = {0, 0, 1}, pred = knn_vote(k_nearest(pts, pts, 2), labels);
    confusion_matrix(pred, labels, 2);
    accuracy(pred, labels);
}

void add_flags(CLI::App& app, Flags& f) {
    app.add_option("--k", f.k, "neighbours that vote")
        ->capture_default_str()
        ->check(CLI::Range(1, 100));
    app.add_option("--per-class", f.per_class, "labels per class in the few-label runs")
        ->capture_default_str();
    app.add_option("--draws", f.draws, "random draws of the few labels")
        ->capture_default_str()
        ->check(CLI::Range(1, 100));
    app.add_option("--block", f.block, "queries per distance block (memory: block x 60,000 floats)")
        ->capture_default_str()
        ->check(CLI::Range(1, 1 << 20));
    app.add_option("--model", f.ae_model, "lesson 02 checkpoint (trained here when missing)")
        ->capture_default_str();
    app.add_option("--vae-model", f.vae_model, "lesson 05 checkpoint (trained here when missing)")
        ->capture_default_str();
    app.add_flag("--retrain", f.retrain,
                 "ignore the checkpoints: train both models here (--epochs)");
}

// The full search for every representation, printed as it goes; then the direct-loop timing.
std::vector<Result> all_labels(const std::vector<Representation>& reps, const DataSplit& data,
                               const Flags& f, double& direct) {
    std::printf("\n%zu-NN with all %zu labels (%zu x %zu search, %zu best kept per query):\n", f.k,
                data.train.size(), data.test.size(), data.train.size(), std::max<size_t>(f.k, 15));
    std::vector<Result> res;
    for (const auto& rep : reps) {
        res.push_back(full_search(rep, data.train.labels, data.test.labels, f));
        std::printf("  %-18s D = %-4zu accuracy %.4f   search %.2fs   (%s)\n", rep.name.c_str(),
                    rep.train.shape()[1], res.back().acc_all, res.back().seconds,
                    rep.source.c_str());
    }
    direct = direct_loop_seconds(reps[0].test, reps[0].train, 20);
    std::printf(
        "  (raw-pixel distances by a plain double loop instead: %.0fs, extrapolated from 20 "
        "queries)\n",
        direct);
    return res;
}

void write_outputs(const std::string& out, const DataSplit& data,
                   const std::vector<Representation>& reps, const std::vector<Result>& res,
                   const Flags& f) {
    make_dirs(out);
    pictures(out, reps, res, f, data.train.size());
    neighbour_picture(out + "/neighbours.png", data, reps.front(), reps.back());
    for (size_t r = 0; r < reps.size(); ++r) {
        std::vector<std::vector<double>> cols(10);
        for (const auto& row : res[r].confusion)
            for (size_t p = 0; p < row.size(); ++p) cols[p].push_back(double(row[p]));
        save_csv(out + "/confusion_" + std::to_string(r) + ".csv", data.class_names, cols);
    }
}

}  // namespace

int main(int argc, char** argv) {
    return guarded_main([&] {
        Options defaults;
        defaults.epochs = 5;  // only for models trained here (no checkpoint)
        defaults.quick_epochs = 3;
        defaults.batch_size = 128;
        defaults.latent = 32;  // PCA components
        CommandLine cli({"07", "07_knn", "Lesson 07: k-nearest neighbours on the latent space"},
                        defaults);
        Flags f;
        add_flags(cli.app(), f);
        if (int rc = cli.parse(argc, argv); rc >= 0) return rc;
        const Options& opt = cli.options();
        Timer total;
        if (opt.device == "cuda")
            std::cout
                << "note: lesson 07 runs on the CPU (the search is one BLAS GEMM per block).\n";
        fail_fast();
        const DataSplit data = load_data(opt.data_request());
        std::cout << "Data: " << data.describe() << "\n";

        const QuickTraining qt{opt.epochs, opt.batch_size, opt.lr, opt.seed, f.retrain};
        std::vector<Representation> reps;
        reps.push_back(raw_pixels(data));
        reps.push_back(pca_codes(data, size_t(opt.latent)));
        reps.push_back(ae_codes(data, f.ae_model, qt));
        reps.push_back(vae_means(data, f.vae_model, qt));

        double direct = 0;
        std::vector<Result> res = all_labels(reps, data, f, direct);
        few_labels(reps, res, data.train, data.test.labels, f, opt.seed);
        std::printf("\n%zu-NN with %zu labels per class (%zu random draws, mean +- std):\n", f.k,
                    f.per_class, f.draws);
        for (size_t r = 0; r < reps.size(); ++r)
            std::printf("  %-18s accuracy %.4f +- %.4f\n", reps[r].name.c_str(), res[r].few_mean,
                        res[r].few_std);
        std::printf("\nConfusion matrix of %s, all labels:\n%s", reps.back().name.c_str(),
                    format_confusion(res.back().confusion, data.class_names).c_str());

        write_outputs(opt.out, data, reps, res, f);
        Json summary = summarise(data, reps, res, f);
        summary.set("direct_loop_seconds_raw_pixels_extrapolated", direct);
        summary.set("epochs_if_trained_here", opt.epochs).set("seconds", total.seconds());
        summary.save(opt.out + "/summary.json");
        std::printf("\nPictures and summary.json in %s/ (%.1fs in all)\n", opt.out.c_str(),
                    total.seconds());
        return 0;
    });
}
