// Lesson 12, what the lesson gives you: the table type and its CSV reader (given_readers.cpp),
// seeded splits, the mixed-column autoencoder and its training (given.cpp), the classical anomaly
// detectors (given_detectors.cpp) and the imputation baselines (given_impute.cpp).
// What you write (preprocessing, the mixed loss, explanations, masking) is in exercise.hpp.
// Check with: ./workshop check 12      Run with: ./workshop run 12
#pragma once
#include <string>
#include <vector>

#include "ae/nn.hpp"
#include "ae/tensor.hpp"
#include "ae/training.hpp"

namespace CLI {
class App;
}

namespace ae::l12 {

struct Preprocessor;  // your step 1 (exercise.hpp)
struct Encoded;

// A table of C feature columns. Numeric entries are numbers; a categorical entry is the index of
// its level in `levels[c]`. NaN marks a missing entry in either kind.
struct Table {
    std::string source;                            // the file it came from
    std::vector<std::string> columns;              // C names
    std::vector<bool> categorical;                 // C
    std::vector<std::vector<std::string>> levels;  // C (empty for numeric columns)
    Matrix values;                                 // (N, C)
    std::string label_column, normal_label;        // empty without a label column
    Labels anomalous;                              // N (empty without labels): 1 = not normal
    std::vector<size_t> line;                      // N: each row's line in the file (or empty)
    size_t rows() const { return values.shape()[0]; }
};

// How read_table treats the file (README "Any CSV").
struct ReadOptions {
    std::string label_column;              // "" = no label column
    std::string normal_label;              // "" = the most frequent label
    std::vector<std::string> categorical;  // columns to treat as categorical even if numeric
};
// Reads a CSV with a header line. A field that is empty, "NA", "NaN" or "?" is missing. A column
// named in options.categorical, or whose present fields are all text, is categorical (levels in
// order of appearance); any other column must hold numbers only. Throws ae::DataError naming the
// file, the line and the column for an empty file, a file without data rows, a row whose field
// count differs from the header's, text in a numeric column, or an unknown label column.
Table read_table(const std::string& path, const ReadOptions& options);
// The committed tables: data/tabular/breast_cancer.csv and data/tabular/cars.csv.
std::string tabular_data_path(const std::string& file);

// A table keeping only the rows idx, in that order (labels too).
Table take_rows(const Table& t, const std::vector<size_t>& idx);
// Indices of the rows without a missing entry.
std::vector<size_t> complete_rows(const Table& t);

// Anomaly split, seeded: a fraction `train_fraction` of the normal rows for training; the test
// set is the other normal rows and every anomalous row.
struct Split {
    std::vector<size_t> train, test;
};
Split anomaly_split(const Labels& anomalous, double train_fraction, uint64_t seed);

// The mixed-column autoencoder: in -> H -> Z -> H -> out (ReLU hidden, linear code and output;
// the output's categorical groups are logits). in = out = D for the anomaly detector, in = 2D
// for the masked autoencoder (the visible mask rides along).
struct TabularAE {
    Sequential encoder, decoder;
    Matrix forward(const Matrix& x);  // (N, in) -> (N, out)
};
TabularAE make_tabular_ae(size_t in, size_t out, size_t hidden, size_t latent, uint64_t seed);

// Trains m (in = out = D) to reconstruct e.x with your mixed_loss over e.mask's observed entries.
History train_tabular_ae(TabularAE& m, const Preprocessor& p, const Encoded& e,
                         const TrainSpec& spec);
// Trains m (in = 2D, out = D) as the masked autoencoder: each batch hides entries with your
// hide_entries(rate), the model sees [x, visible] and the loss covers every observed entry.
History train_masked_ae(TabularAE& m, const Preprocessor& p, const Encoded& e, double rate,
                        const TrainSpec& spec);
// m's output for the input [e.x, e.mask]: (N, D).
Matrix masked_reconstruct(TabularAE& m, const Encoded& e);

// The classical anomaly scores (given_detectors.cpp), fitted on train (N, D), scoring test (M, D);
// higher = more anomalous. PCA: squared reconstruction error with k components (lesson 01's
// pca). Mahalanobis: squared distance to the training mean under the training covariance plus
// ridge on its diagonal. kNN: distance to the k-th nearest training row. Isolation forest (Liu,
// Ting & Zhou 2008): 2^(-mean path length / c(sample)) over `trees` trees of `sample` rows each.
std::vector<double> pca_scores(const Matrix& train, const Matrix& test, size_t k);
std::vector<double> mahalanobis_scores(const Matrix& train, const Matrix& test, double ridge);
std::vector<double> knn_scores(const Matrix& train, const Matrix& test, size_t k);
std::vector<double> isolation_forest_scores(const Matrix& train, const Matrix& test, size_t trees,
                                            size_t sample, uint64_t seed);

// The imputation baselines and their scoring (given_impute.cpp).
// t with each present entry hidden (NaN) with probability rate, seeded.
Table hide_at_random(const Table& t, double rate, uint64_t seed);
// Mean (numeric) and most frequent seen level (categorical) of the observed entries: (N, D).
Matrix mean_mode_fill(const Preprocessor& p, const Encoded& e);
// Iterative PCA imputation: start from mean_mode_fill, then repeatedly fit k components to the
// filled table and refill the missing entries from its reconstruction. k (1..max_k) and the
// number of rounds (1..max_rounds) are chosen on a further 5 % of the observed entries held out
// (validation RMSE); then it runs again with every observed entry for the chosen k and rounds.
struct PcaFill {
    Matrix filled;                 // (N, D)
    size_t k = 0, rounds = 0;      // chosen
    std::vector<double> val_rmse;  // per round, for the chosen k
};
PcaFill iterative_pca_fill(const Preprocessor& p, const Encoded& e, size_t max_k, size_t max_rounds,
                           uint64_t seed);
// filled, truth: (N, D) encoded; hidden: (N, D) 1 where an entry was hidden. Numeric RMSE in the
// column's own units (std x standardised error), the overall RMSE in standardised units over
// every hidden numeric entry, accuracy of categorical groups. NaN where a column had none.
struct ImputeScore {
    double rmse = 0, accuracy = 0;
    size_t hidden = 0;                                 // hidden entries (a group counts once)
    std::vector<double> column_rmse, column_accuracy;  // C each
};
ImputeScore score_imputation(const Preprocessor& p, const Matrix& filled, const Matrix& truth,
                             const Matrix& hidden);

// Calls every exercise function once on a toy table, so a step not written yet stops the
// program at once (with its name) rather than after training.
void check_exercise_written();

// The program's settings: the lesson's own flags (given_flags.cpp).
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

}  // namespace ae::l12
