// Lesson 06, the report of one run (report.hpp): terminal lines, pictures, CSV files and
// summary.json. Nothing here trains or scores; main.cpp is the experiment.
#include "report.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <numeric>

#include "ae/expect.hpp"
#include "ae/plot.hpp"
#include "ae/run_record.hpp"

namespace ae::l06 {

namespace {

// Mean AUC over the ten classes with the default flags on the full data (README, "What you
// should see"); the VAE's figures vary by a few thousandths between identical runs.
const ExpectedFigures kExpected = {{"PCA-32", {0.900, 0.910}},
                                   {"deep AE", {0.905, 0.920}},
                                   {"deep AE BCE", {0.72, 0.75}},
                                   {"VAE -ELBO", {0.74, 0.79}},
                                   {"VAE MSE", {0.905, 0.920}}};

std::string folder_name(int c, const std::string& name) {
    std::string s = "class_" + std::to_string(c) + "_";
    for (char ch : name) s += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '-';
    return s;
}

// Rows of 10: the most anomalous test images by s and their reconstructions, the least
// anomalous and theirs, and the anomalies with the lowest scores (the ones a threshold misses).
void extremes_picture(const std::string& png, const std::string& cname, const Scored& s,
                      const Matrix& test, const Labels& anomalous) {
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
    Matrix grid({0, test.shape()[1]});
    for (const auto& idx : {most, least, missed}) {
        grid = xt::concatenate(xt::xtuple(grid, gather_rows(test, idx)), 0);
        grid = xt::concatenate(xt::xtuple(grid, gather_rows(s.recon, idx)), 0);
    }
    const std::vector<std::string> rows = {"most anomalous",   "  reconstruction",
                                           "least anomalous",  "  reconstruction",
                                           "missed anomalies", "  reconstruction"};
    std::vector<std::string> cols;
    for (int j = 1; j <= 10; ++j) cols.push_back("#" + std::to_string(j));
    save_image_grid(png, grid, 10, 28, 28, 2, false, rows,
                    s.method + " scores, normal class " + cname + ": #1 = most extreme", cols);
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
    extremes_picture(dir + "/extremes.png", cname, sc[1], test, anomalous);
    std::vector<std::vector<double>> cols{{anomalous.begin(), anomalous.end()}};
    std::vector<std::string> header{"anomalous"};
    for (const auto& s : sc) header.push_back(s.method), cols.push_back(s.test);
    save_csv(dir + "/test_scores.csv", header, cols);
}

void print_table(Table& t, int epochs, bool default_run) {
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
    std::printf("\n\nMean AUC over the classes run:\n");
    for (size_t m = 0; m < t.methods.size(); ++m) {
        if (kExpected.has(t.methods[m]))
            std::printf("  %-12s %s\n", t.methods[m].c_str(),
                        kExpected.against(t.methods[m], t.means[m], default_run).c_str());
    }
    // Both AUCs are sums of the same exact fractions: any gap above rounding is a mistake.
    std::printf("  trapezoidal and rank AUC agree to %s\n",
                against(t.worst_gap, {0, 1e-12}, true).c_str());
}

void write_results(const std::string& out, const Table& t, const DataSplit& data,
                   const Options& opt, const Flags& f, const Timer& total) {
    Chart c{"One-class anomaly detection on Fashion-MNIST: AUC per normal class", "normal class",
            "AUC"};
    c.ymin = 0.4, c.ymax = 1.0, c.key = "outside right top", c.width = 1000;
    bar_chart(out + "/auc_per_class.png", c, t.classes, t.methods, t.aucs);
    std::vector<std::string> header{"class"};
    header.insert(header.end(), t.methods.begin(), t.methods.end());
    std::vector<std::vector<double>> cols{t.class_ids};
    for (const auto& a : t.aucs) cols.push_back(a);
    save_csv(out + "/auc.csv", header, cols);
    Json summary = run_summary("06_anomaly", data), mean_auc;
    for (size_t m = 0; m < t.methods.size(); ++m) mean_auc.set(t.methods[m], t.means[m]);
    summary.set("normal_classes", t.classes)
        .set("epochs", opt.epochs)
        .set("batch_size", opt.batch_size);
    summary.set("lr", double(opt.lr)).set("latent", opt.latent).set("target_fpr", f.fpr);
    summary.set("mean_auc", mean_auc).set("per_class", t.per_class);
    summary.set("max_trapezoid_rank_auc_gap", t.worst_gap);
    finish_run(summary, out, total);
}

}  // namespace

void report_class(const std::string& out, int c, const DataSplit& data, std::vector<Scored> sc,
                  std::vector<Outcome> oc, const Labels& anomalous, double fpr, Table& table) {
    const std::string cname = data.class_names[c];
    Json jc;
    for (size_t m = 0; m < sc.size(); ++m) {
        table.worst_gap = std::max(table.worst_gap, std::abs(oc[m].auc - oc[m].auc_rank));
        const Detection& d = oc[m].detection;
        std::printf(
            "  %-12s AUC %.4f   threshold at %.0f%% FPR on train: test FPR %.3f, "
            "precision %.3f, recall %.3f   (%.1fs)\n",
            sc[m].method.c_str(), oc[m].auc, 100 * fpr, d.fpr, d.precision, d.recall,
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
    const std::string dir = out + "/" + folder_name(c, cname);
    make_dirs(dir);
    if (table.pictures.valid()) table.pictures.get();  // one class's pictures at a time
    table.pictures =
        std::async(std::launch::async,
                   [dir, cname, sc = std::move(sc), oc = std::move(oc), &test = data.test.images,
                    anomalous] { class_pictures(dir, cname, sc, oc, test, anomalous); });
}

void report(const Options& opt, const Flags& f, bool default_run, const DataSplit& data,
            Table& table, const Timer& total) {
    if (table.pictures.valid()) table.pictures.get();  // the last class's pictures (or its error)
    print_table(table, opt.epochs, default_run);
    write_results(opt.out, table, data, opt, f, total);
}

}  // namespace ae::l06
