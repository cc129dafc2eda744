// Lesson 02, the report of one run: the terminal summary with the README's expected ranges, the
// pictures (curves, labelled reconstructions, latent scatter, errors by class), history.csv,
// test_codes.npy and summary.json in the output folder. main.cpp calls report() once.
#pragma once
#include <string>
#include <vector>

#include "01_linear_pca/exercise.hpp"
#include "ae/cli.hpp"
#include "ae/progress.hpp"
#include "lesson.hpp"

namespace ae::l02 {

// PCA at the same Z (lesson 01) and the mean image: what the deep AE has to beat.
struct Baselines {
    l01::Pca pca;
    std::vector<double> pca_err;  // per test image
    double pca_mse = 0, mean_mse = 0, seconds = 0;
};

// What the experiment measured on the trained model.
struct Results {
    History history;            // empty when the model was loaded (--model)
    std::vector<double> error;  // per test image: your reconstruction_error (step 3)
    Matrix test_codes;          // (N_test, Z): your encode (step 4)
    std::string model_path;     // where the model was saved to or loaded from
    bool saved = false;         // trained here and saved to model_path
    ExperimentFlags flags;      // the experiment's knobs, recorded in summary.json
    long dead_units = -1;       // ReLU code: units never active on the test set (else -1)
};

// Prints the architecture, the number of parameters and where the model came from.
void print_model(Autoencoder& model, const std::string& loaded_from);

// Prints the results next to the README's expected ranges (they apply when default_run: full
// data, default flags), writes every picture and file into opt.out.
void report(const Options& opt, bool default_run, const DataSplit& data, Autoencoder& model,
            const Baselines& b, const Results& r, const Timer& total);

}  // namespace ae::l02
