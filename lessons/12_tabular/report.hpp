// Lesson 12, the program's settings and flags (with their range check), the results of the two
// experiments, and the report of one run: the terminal tables with the README's ranges, the
// pictures (report_pictures.cpp), CSV files and summary.json. main.cpp calls report().
#pragma once
#include <string>
#include <vector>

#include "06_anomaly/exercise.hpp"
#include "ae/cli.hpp"
#include "ae/progress.hpp"
#include "exercise.hpp"
#include "lesson.hpp"

namespace ae::l12 {

struct Settings {
    std::string csv, label_column, normal_label, impute_csv;
    std::vector<std::string> categorical, impute_categorical;
    int splits = 5;               // seeded splits (anomalies) and hidings (imputation)
    double train_fraction = 0.6;  // of the normal rows, for training
    int hidden = 32;              // hidden layer width of both autoencoders
    int knn_k = 5;                // k of the kNN distance
    double ridge = 0.01;          // added to the covariance's diagonal (Mahalanobis)
    int trees = 100;              // isolation forest
    double hide_rate = 0.2;       // imputation: entries hidden from the complete table
    double mask_rate = 0.25;      // imputation: entries hidden per batch in training
    int pca_max_k = 6, pca_max_rounds = 50;
    int top = 10;  // rows in the anomaly table
};

// The lesson's own flags (given_flags.cpp; the common ones are added by CommandLine).
void add_flags(CLI::App& app, Settings& set);
// Every numeric flag finite and in its range; prints "--flag VALUE: expected ..." and returns 2
// when one is not, -1 when all are fine. (One place, so a shared range check can replace it.)
int check_settings(const Settings& set);

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
