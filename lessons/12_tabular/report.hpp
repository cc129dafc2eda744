// Lesson 12, the results of the two experiments (main.cpp) and the report of one run: the terminal
// tables with the README's ranges, the pictures (report_pictures.cpp), CSV files and summary.json.
// main.cpp calls report().
#pragma once
#include <string>
#include <vector>

#include "06_anomaly/exercise.hpp"
#include "ae/cli.hpp"
#include "ae/progress.hpp"
#include "exercise.hpp"
#include "lesson.hpp"

namespace ae::l12 {

// One detector over the seeded splits: an AUC per split, and the ROC of the first split.
struct MethodResult {
    std::string name;
    std::vector<double> auc;
    l06::Roc roc;
};
struct AnomalyResults {
    Table table;
    std::vector<MethodResult> methods;  // the autoencoder first
    // The first split, for the explanations: test rows, their AE scores and contributions.
    std::vector<size_t> test_rows;
    Labels test_anomalous;
    std::vector<double> scores;
    Matrix contrib;  // (M, C)
    Preprocessor prep;
};
struct ImputeResults {
    Table table;                                  // the complete rows of the imputation table
    std::vector<std::string> methods;             // "mean/mode", "iterative PCA", "masked AE"
    std::vector<std::vector<ImputeScore>> score;  // [method][hiding]
    std::vector<size_t> pca_k, pca_rounds;        // chosen per hiding
};

void print_data(const Table& anomaly, const Table& impute);
void draw_pictures(const std::string& out, const AnomalyResults& a, const ImputeResults& im,
                   const std::vector<size_t>& ranked);

void report(const Options& opt, bool default_run, const Settings& set, const AnomalyResults& a,
            const ImputeResults& im, const Timer& total);

}  // namespace ae::l12
