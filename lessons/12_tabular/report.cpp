// Lesson 12, the report of one run (report.hpp): terminal tables, the
// anomalies with their top features (printed and anomalies.csv), imputation.csv and
// summary.json; the pictures are drawn in report_pictures.cpp. Nothing here trains a model.
#include "report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <numeric>
#include <sstream>

#include "ae/expect.hpp"
#include "ae/io.hpp"
#include "ae/run_record.hpp"

namespace ae::l12 {

void print_data(const Table& t, const Table& cars) {
    const size_t anomalies = size_t(std::count(t.anomalous.begin(), t.anomalous.end(), 1));
    std::printf("Anomalies: %s\n  %zu rows x %zu columns, %zu normal ('%s' = %s), %zu anomalous\n",
                t.source.c_str(), t.rows(), t.columns.size(), t.rows() - anomalies,
                t.label_column.c_str(), t.normal_label.c_str(), anomalies);
    const size_t complete = complete_rows(cars).size();
    std::printf("Imputation: %s\n  %zu rows x %zu columns (%zu categorical), %zu complete\n",
                cars.source.c_str(), cars.rows(), cars.columns.size(),
                size_t(std::count(cars.categorical.begin(), cars.categorical.end(), true)),
                complete);
}

namespace {

// The README's figures for the default run (the committed tables, default flags).
const ExpectedFigures kExpected = {{"autoencoder_auc", {0.88, 0.93}},
                                   {"masked_ae_rmse", {0.46, 0.56}}};

std::vector<double> pick(const std::vector<ImputeScore>& s, double ImputeScore::*field) {
    std::vector<double> v;
    for (const auto& x : s) v.push_back(x.*field);
    return v;
}

// Test rows ranked by the autoencoder's score, highest first.
std::vector<size_t> ranked(const AnomalyResults& a) {
    std::vector<size_t> r(a.scores.size());
    std::iota(r.begin(), r.end(), 0);
    std::stable_sort(r.begin(), r.end(),
                     [&](size_t x, size_t y) { return a.scores[x] > a.scores[y]; });
    return r;
}

Json anomalies_table(const AnomalyResults& a, const std::vector<size_t>& order, size_t top,
                     const std::string& out) {
    const auto tops = top_features(a.contrib, std::min<size_t>(3, a.table.columns.size()));
    std::printf(
        "\nThe %zu highest autoencoder scores (first split), with the columns that made them:\n",
        top);
    std::printf("%5s %-10s %8s  %s\n", "line", "label", "score",
                "top features (share of the score)");
    std::string csv =
        "line,anomalous,score,feature_1,share_1,feature_2,share_2,feature_3,share_3\n";
    Json rows;
    for (size_t r = 0; r < top && r < order.size(); ++r) {
        const size_t i = order[r], row = a.test_rows[i];
        const size_t line = a.table.line.empty() ? row + 2 : a.table.line[row];
        std::ostringstream feats, c;
        c << line << "," << a.test_anomalous[i] << "," << a.scores[i];
        for (size_t f : tops[i]) {
            const double share = a.contrib(i, f) / std::max(a.scores[i], 1e-12);
            char buf[96];
            std::snprintf(buf, sizeof buf, "%s %.0f%%  ", a.table.columns[f].c_str(), 100 * share);
            feats << buf;
            c << "," << a.table.columns[f] << "," << share;
        }
        std::printf("%5zu %-10s %8.1f  %s\n", line, a.test_anomalous[i] ? "anomalous" : "normal",
                    a.scores[i], feats.str().c_str());
        csv += c.str() + "\n";
        rows.set(std::to_string(line), a.table.columns[tops[i][0]]);
    }
    write_text(out + "/anomalies.csv", csv);
    return rows;
}

}  // namespace

void report(const Options& opt, bool default_run, const Settings& set, const AnomalyResults& a,
            const ImputeResults& im, const Timer& total) {
    const std::string& out = opt.out;
    std::printf("\nAUC on the test rows, mean +- sd over %d seeded splits:\n", set.splits);
    Json aucs;
    for (const auto& m : a.methods) {
        const auto [mean, sd] = mean_sd(m.auc);
        const auto [lo, hi] = std::minmax_element(m.auc.begin(), m.auc.end());
        std::printf("  %-17s %.4f +- %.4f  (min %.4f, max %.4f)\n", m.name.c_str(), mean, sd, *lo,
                    *hi);
        aucs.set(m.name, Json().set("mean", mean).set("sd", sd).set("per_split", m.auc));
    }
    std::printf(
        "  autoencoder AUC: %s\n",
        kExpected.against("autoencoder_auc", mean_sd(a.methods[0].auc).mean, default_run).c_str());
    const std::vector<size_t> order = ranked(a);
    make_dirs(out);
    const Json top = anomalies_table(a, order, size_t(set.top), out);

    std::printf("\nImputation of %zu hidden entries (first hiding), mean +- sd over %d hidings:\n",
                im.score[0][0].hidden, set.splits);
    std::printf("  %-14s %-22s %s\n", "method", "RMSE (standardised)", "accuracy (categorical)");
    Json imp;
    std::string csv = "method,column,rmse_or_accuracy\n";
    for (size_t m = 0; m < im.methods.size(); ++m) {
        const auto [r, rsd] = mean_sd(pick(im.score[m], &ImputeScore::rmse));
        const auto [acc, asd] = mean_sd(pick(im.score[m], &ImputeScore::accuracy));
        std::printf("  %-14s %.4f +- %.4f        %.3f +- %.3f\n", im.methods[m].c_str(), r, rsd,
                    acc, asd);
        Json cols;
        for (size_t c = 0; c < im.table.columns.size(); ++c) {
            std::vector<double> v;
            for (const auto& s : im.score[m])
                v.push_back(im.table.categorical[c] ? s.column_accuracy[c] : s.column_rmse[c]);
            cols.set(im.table.columns[c], mean_sd(v).mean);
            csv += im.methods[m] + "," + im.table.columns[c] + "," +
                   std::to_string(mean_sd(v).mean) + "\n";
        }
        imp.set(im.methods[m], Json()
                                   .set("rmse_mean", r)
                                   .set("rmse_sd", rsd)
                                   .set("accuracy_mean", acc)
                                   .set("accuracy_sd", asd)
                                   .set("per_column", cols));
    }
    std::vector<double> ks(im.pca_k.begin(), im.pca_k.end()),
        rounds(im.pca_rounds.begin(), im.pca_rounds.end());
    std::printf("  iterative PCA's choice on held-out entries (k components, rounds):");
    for (size_t s = 0; s < ks.size(); ++s) std::printf(" (%g, %g)", ks[s], rounds[s]);
    std::printf("\n");
    std::printf("  masked AE RMSE: %s\n",
                kExpected
                    .against("masked_ae_rmse", mean_sd(pick(im.score[2], &ImputeScore::rmse)).mean,
                             default_run)
                    .c_str());
    write_text(out + "/imputation.csv", csv);
    draw_pictures(out, a, im, order);

    Json summary;  // the data, the settings, the anomaly scores, the imputation
    summary.set("lesson", "12_tabular").set("anomaly_source", a.table.source);
    summary.set("impute_source", im.table.source).set("epochs", opt.epochs);
    summary.set("latent", opt.latent).set("hidden", set.hidden).set("seed", double(opt.seed));
    summary.set("splits", set.splits).set("train_fraction", set.train_fraction);
    summary.set("auc", aucs).set("top_feature_of_top_rows", top);
    summary.set("hide_rate", set.hide_rate).set("mask_rate", set.mask_rate);
    summary.set("hidden_entries_first", im.score[0][0].hidden).set("imputation", imp);
    summary.set("pca_k", ks).set("pca_rounds", rounds);
    finish_run(summary, out, total, "Pictures, anomalies.csv, imputation.csv and summary.json");
}

}  // namespace ae::l12
