// Lesson 06 program: the one-class protocol on Fashion-MNIST. For each class c, train on the
// training images of c only, score all test images, c is normal and the rest anomalous; report
// the AUC of PCA, the deep AE and the VAE. Run: ./workshop run 06 [--quick] [--normal-class 6]
// [--epochs 10] [--no-vae]   (--help: every flag). Writes pictures, numbers and summary.json to
// out/06_anomaly/ (one folder per class for its ROC, histograms and extreme images).
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <numeric>

#include "ae/cli.hpp"
#include "ae/io.hpp"
#include "ae/plot.hpp"
#include "ae/progress.hpp"
#include "exercise.hpp"

using namespace ae;
using namespace ae::l06;

namespace {

struct Flags {
    int normal_class = -1;  // -1: all ten, one after the other
    double fpr = 0.05;
    bool no_vae = false;
};

// One method on one normal class.
struct Outcome {
    double auc = 0, auc_rank = 0, threshold = 0;
    Roc roc;
    Detection detection;  // on the test set, threshold from the normal training scores
};

Outcome evaluate(const Scored& s, const Labels& anomalous, double fpr) {
    Outcome o;
    o.roc = roc_curve(s.test, anomalous);
    o.auc = auc(o.roc);
    o.auc_rank = auc_rank(s.test, anomalous);
    o.threshold = threshold_at_fpr(s.train, fpr);
    o.detection = detect(s.test, anomalous, o.threshold);
    return o;
}

std::string folder_name(int c, const std::string& name) {
    std::string s = "class_" + std::to_string(c) + "_";
    for (char ch : name) s += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '-';
    return s;
}

// Rows of 10: the most anomalous test images by s and their reconstructions, the least
// anomalous and theirs, and the anomalies with the lowest scores (the ones a threshold misses).
void extremes_picture(const std::string& png, const Scored& s, const Matrix& test,
                      const Labels& anomalous) {
    std::vector<size_t> order(s.test.size());
    std::iota(order.begin(), order.end(), size_t{0});
    std::sort(order.begin(), order.end(),
              [&](size_t a, size_t b) { return s.test[a] > s.test[b]; });
    std::vector<size_t> most(order.begin(), order.begin() + 10),
        least(order.end() - 10, order.end());
    std::reverse(least.begin(), least.end());
    std::vector<size_t> missed;
    for (auto it = order.rbegin(); it != order.rend() && missed.size() < 10; ++it)
        if (anomalous[*it] == 1) missed.push_back(*it);
    std::vector<Matrix> rows;
    for (const auto& idx : {most, least, missed}) {
        rows.push_back(gather_rows(test, idx));
        rows.push_back(gather_rows(s.recon, idx));
    }
    Matrix grid({0, test.shape()[1]});
    for (const auto& r : rows) grid = xt::concatenate(xt::xtuple(grid, r), 0);
    save_image_grid(png, grid, 10, 28, 28, 2);
}

void class_pictures(const std::string& dir, const std::string& cname, const std::vector<Scored>& sc,
                    const std::vector<Outcome>& oc, const Matrix& test, const Labels& anomalous) {
    std::vector<Series> curves;
    char title[96];
    for (size_t m = 0; m < sc.size(); ++m) {
        std::snprintf(title, sizeof title, "%s (AUC %.3f)", sc[m].method.c_str(), oc[m].auc);
        curves.push_back({title, oc[m].roc.fpr, oc[m].roc.tpr, "lines"});
    }
    curves.push_back({"chance", {0, 1}, {0, 1}, "lines"});
    Chart c{"ROC, normal class " + cname + " (trained on it alone)", "false-positive rate",
            "true-positive rate (anomalies caught)"};
    c.xmin = c.ymin = 0, c.xmax = c.ymax = 1, c.key = "bottom right";
    line_chart(dir + "/roc.png", c, curves);
    for (size_t m = 0; m < sc.size(); ++m) {
        std::vector<double> normal, anomaly;
        for (size_t i = 0; i < sc[m].test.size(); ++i)
            (anomalous[i] ? anomaly : normal).push_back(std::log10(std::max(sc[m].test[i], 1e-12)));
        Chart h{sc[m].method + " scores: normal (" + cname + ") vs anomalous test images",
                "log10(score)", "density"};
        histogram_chart(dir + "/scores_" + std::to_string(m) + ".png", h,
                        {{"normal", normal}, {"anomalous", anomaly}}, 60);
    }
    extremes_picture(dir + "/extremes.png", sc[1], test, anomalous);
    std::vector<std::vector<double>> cols{{}};
    for (size_t i = 0; i < anomalous.size(); ++i) cols[0].push_back(anomalous[i]);
    std::vector<std::string> header{"anomalous"};
    for (const auto& s : sc) header.push_back(s.method), cols.push_back(s.test);
    save_csv(dir + "/test_scores.csv", header, cols);
}

// Calls every exercise function once on a toy problem, so a missing one stops the program
// at once rather than after minutes of training.
void fail_fast() {
    const Scored toy{"toy", {0.1, 0.9, 0.5}, {0.2, 0.3}, {}, 0};
    evaluate(toy, {0, 1, 0}, 0.5);
    mse_scores(Matrix{{0.f}}, Matrix{{1.f}});
    bce_scores(Matrix{{0.5f}}, Matrix{{1.f}});
}

// The results of every class so far: AUC per method and class, and the JSON per class.
struct Table {
    std::vector<std::string> methods, classes;
    std::vector<double> class_ids;
    std::vector<std::vector<double>> aucs;  // [method][class]
    std::vector<double> means;              // per method, filled by print_table
    Json per_class;
    double worst_gap = 0;  // largest |trapezoid AUC - rank AUC|
};

// Fits every detector on the training images of class c, scores the test set, prints one line
// per method, draws the class's pictures and adds the class to the table.
void run_class(int c, const DataSplit& data, const Options& opt, const Flags& f, Table& table) {
    FitOptions fo;
    fo.epochs = opt.epochs, fo.batch_size = opt.batch_size, fo.seed = opt.seed, fo.lr = opt.lr;
    fo.verbose = false;
    const std::string cname = data.class_names[c];
    const Matrix normal = select_classes(data.train, {c}).images;
    const Labels anomalous = anomalous_unless(data.test.labels, c);
    std::printf("class %d %-12s (%zu normal training images)\n", c, cname.c_str(),
                normal.shape()[0]);
    std::vector<Scored> sc;
    sc.push_back(pca_detector(normal, data.test.images, size_t(opt.latent)));
    fo.name = "deep AE, class " + std::to_string(c);
    for (auto& s : ae_detector(normal, data.test.images, size_t(opt.latent), fo, opt.lr))
        sc.push_back(std::move(s));
    if (!f.no_vae) {
        fo.name = "VAE, class " + std::to_string(c);
        for (auto& s : vae_detector(normal, data.test.images, fo, opt.lr))
            sc.push_back(std::move(s));
    }
    std::vector<Outcome> oc;
    Json jc;
    for (size_t m = 0; m < sc.size(); ++m) {
        oc.push_back(evaluate(sc[m], anomalous, f.fpr));
        table.worst_gap = std::max(table.worst_gap, std::abs(oc[m].auc - oc[m].auc_rank));
        const Detection& d = oc[m].detection;
        std::printf(
            "  %-12s AUC %.4f   threshold at %.0f%% FPR on train: test FPR %.3f, "
            "precision %.3f, recall %.3f   (%.1fs)\n",
            sc[m].method.c_str(), oc[m].auc, 100 * f.fpr, d.fpr, d.precision, d.recall,
            sc[m].seconds);
        if (table.methods.size() < sc.size())
            table.methods.push_back(sc[m].method), table.aucs.emplace_back();
        table.aucs[m].push_back(oc[m].auc);
        Json jm;
        jm.set("auc", oc[m].auc).set("auc_rank", oc[m].auc_rank).set("threshold", oc[m].threshold);
        jm.set("test_fpr", d.fpr).set("precision", d.precision).set("recall", d.recall);
        jc.set(sc[m].method, jm.set("seconds", sc[m].seconds));
    }
    table.classes.push_back(cname);
    table.class_ids.push_back(c);
    table.per_class.set(cname, jc);
    const std::string dir = opt.out + "/" + folder_name(c, cname);
    make_dirs(dir);
    class_pictures(dir, cname, sc, oc, data.test.images, anomalous);
}

void print_table(Table& t, int epochs) {
    std::printf("\nAUC per normal class (%d epochs per AE/VAE):\n  %-14s", epochs, "");
    for (const auto& m : t.methods) std::printf("%12s", m.c_str());
    for (size_t i = 0; i < t.classes.size(); ++i) {
        std::printf("\n  %-14s", t.classes[i].c_str());
        for (const auto& a : t.aucs) std::printf("%12.4f", a[i]);
    }
    std::printf("\n  %-14s", "mean");
    for (const auto& a : t.aucs) {
        t.means.push_back(std::accumulate(a.begin(), a.end(), 0.0) / double(a.size()));
        std::printf("%12.4f", t.means.back());
    }
    std::printf("\n  (trapezoidal and rank AUC agree to %.1e)\n", t.worst_gap);
}

void write_results(const std::string& out, const Table& t, const DataSplit& data,
                   const Options& opt, const Flags& f, double seconds) {
    Chart c{"One-class anomaly detection on Fashion-MNIST: AUC per normal class", "normal class",
            "AUC"};
    c.ymin = 0.4, c.ymax = 1.0, c.key = "outside right top", c.width = 1000;
    bar_chart(out + "/auc_per_class.png", c, t.classes, t.methods, t.aucs);
    std::vector<std::string> header{"class"};
    header.insert(header.end(), t.methods.begin(), t.methods.end());
    std::vector<std::vector<double>> cols{t.class_ids};
    for (const auto& a : t.aucs) cols.push_back(a);
    save_csv(out + "/auc.csv", header, cols);
    Json summary, mean_auc;
    for (size_t m = 0; m < t.methods.size(); ++m) mean_auc.set(t.methods[m], t.means[m]);
    summary.set("lesson", "06_anomaly")
        .set("data", data.describe())
        .set("full_data", !data.is_sample);
    summary.set("normal_classes", t.classes)
        .set("epochs", opt.epochs)
        .set("batch_size", opt.batch_size);
    summary.set("lr", double(opt.lr)).set("latent", opt.latent).set("target_fpr", f.fpr);
    summary.set("mean_auc", mean_auc).set("per_class", t.per_class);
    summary.set("max_trapezoid_rank_auc_gap", t.worst_gap).set("seconds", seconds);
    summary.save(out + "/summary.json");
}

}  // namespace

int main(int argc, char** argv) {
    return guarded_main([&] {
        Options defaults;
        defaults.epochs = 10;  // per-class models: 6,000 images each
        defaults.quick_epochs = 5;
        defaults.batch_size = 128;
        defaults.latent = 32;  // PCA components and the AE's code
        CommandLine cli({"06", "06_anomaly", "Lesson 06: anomaly detection (one-class protocol)"},
                        defaults);
        Flags f;
        auto& app = cli.app();
        app.add_option("--normal-class", f.normal_class, "the normal class 0-9 (-1: all ten)")
            ->capture_default_str()
            ->check(CLI::Range(-1, 9));
        app.add_option("--fpr", f.fpr, "false-positive rate the threshold is chosen for")
            ->capture_default_str()
            ->check(CLI::Range(0.0, 0.99));
        app.add_flag("--no-vae", f.no_vae, "skip the VAE (PCA and the deep AE only)");
        if (int rc = cli.parse(argc, argv); rc >= 0) return rc;
        const Options& opt = cli.options();
        Timer total;
        if (opt.device == "cuda")
            std::cout << "note: lesson 06 runs on the CPU (one-class models of 6,000 images are "
                         "small).\n";
        fail_fast();
        const DataSplit data = load_data(opt.data_request());
        std::cout << "Data: " << data.describe() << "\n";
        make_dirs(opt.out);
        Table table;
        for (int c = 0; c < 10; ++c) {
            if (f.normal_class < 0 || f.normal_class == c) run_class(c, data, opt, f, table);
        }
        print_table(table, opt.epochs);
        write_results(opt.out, table, data, opt, f, total.seconds());
        std::printf("\nPictures and summary.json in %s/ (%.1fs in all)\n", opt.out.c_str(),
                    total.seconds());
        return 0;
    });
}
