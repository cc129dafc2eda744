// Lesson 08, the report of one run: the terminal summary with the README's expected ranges, the
// pictures (test MSE per epoch, reconstructions, first-layer filters, feature maps, latent
// scatter), history.csv, test_codes.npy and summary.json. main.cpp calls report() once.
#pragma once
#include <string>

#include "01_linear_pca/exercise.hpp"
#include "02_deep_ae/lesson.hpp"
#include "ae/cli.hpp"
#include "ae/loss.hpp"
#include "ae/progress.hpp"
#include "lesson.hpp"

namespace ae::l08 {

// What the conv AE is compared with: PCA and lesson 02's MLP autoencoder at the same Z.
struct Baselines {
    l01::Pca pca;
    double pca_mse = 0;
    l02::Autoencoder mlp;
    std::string mlp_from;  // the checkpoint it was loaded from; empty: trained here
    History mlp_history;   // when trained here
    double mlp_mse = 0;
};

struct Results {
    History history;  // empty when the model was loaded (--model)
    double test_mse = 0;
    Matrix test_codes;  // (N_test, Z)
    std::string model_path;
    bool saved = false;
};

// The layers, their parameter counts and where the model came from.
void print_model(ConvAutoencoder& model, const std::string& loaded_from);

// Prints the results next to the README's ranges (they apply when default_run: full data,
// default flags), writes every picture and file into opt.out.
void report(const Options& opt, bool default_run, const DataSplit& data, ConvAutoencoder& model,
            Baselines& b, const Results& r, const Timer& total);

}  // namespace ae::l08
