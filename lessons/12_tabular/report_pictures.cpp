// Lesson 12, the pictures of one run: ROC curves of every scorer (first split), the columns that
// explain the top anomalies (how often each is among a row's top three), and the imputation
// error of every method per column.
#include <algorithm>
#include <cmath>

#include "ae/plot.hpp"
#include "report.hpp"

namespace ae::l12 {

void draw_pictures(const std::string& out, const AnomalyResults& a, const ImputeResults& im,
                   const std::vector<size_t>& ranked) {
    std::vector<Series> roc;
    for (const auto& m : a.methods) roc.push_back({m.name, m.roc.fpr, m.roc.tpr});
    line_chart(out + "/roc.png",
               {"ROC on the test rows (first split)", "false-positive rate", "true-positive rate",
                false, false, 0, 1, 0, 1, "bottom right"},
               roc);

    // How often each column is among the top 3 of the 20 highest-scored anomalous rows.
    const size_t k = std::min<size_t>(3, a.table.columns.size());
    const auto tops = top_features(a.contrib, k);
    std::vector<double> count(a.table.columns.size(), 0.0);
    size_t used = 0;
    for (size_t i : ranked)
        if (a.test_anomalous[i] && used < 20) {
            ++used;
            for (size_t f : tops[i]) count[f] += 1;
        }
    std::vector<std::string> names;
    std::vector<double> values;
    for (size_t c = 0; c < count.size(); ++c)
        if (count[c] > 0) names.push_back(a.table.columns[c]), values.push_back(count[c]);
    bar_chart(out + "/top_features.png",
              {"Columns among the top 3 of the 20 highest-scored anomalous test rows", "", "rows",
               false, false, NAN, NAN, 0, NAN, "top right", 1000, 560},
              names, {"rows"}, {values});

    std::vector<std::string> cols;
    std::vector<std::vector<double>> err(im.methods.size());
    for (size_t c = 0; c < im.table.columns.size(); ++c) {
        cols.push_back(im.table.columns[c] + (im.table.categorical[c] ? " (error rate)" : ""));
        for (size_t m = 0; m < im.methods.size(); ++m) {
            double sum = 0;
            for (const auto& s : im.score[m])
                sum += im.table.categorical[c] ? 1 - s.column_accuracy[c] : s.column_rmse[c];
            err[m].push_back(sum / double(im.score[m].size()));
        }
    }
    bar_chart(out + "/imputation.png",
              {"Imputation error per column (RMSE in the column's units; categorical: error rate)",
               "", "error", false, true, NAN, NAN, 0.01, NAN, "top right", 1100, 560},
              cols, im.methods, err);
}

}  // namespace ae::l12
