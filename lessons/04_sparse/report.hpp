// Lesson 04, the report of the program: histograms, bar charts, features, reconstructions,
// variants.csv, encoder_W_*.npy, summary.json and the terminal table with the README's expected
// ranges. main.cpp calls it.
#pragma once
#include <string>
#include <vector>

#include "ae/cli.hpp"
#include "ae/data.hpp"
#include "ae/progress.hpp"
#include "lesson.hpp"

namespace ae::l04 {

// One trained variant and what was measured on it.
struct Variant {
    Penalty penalty;
    l02::Autoencoder model;
    History history;
    CodeStats stats;
    double test_mse = 0, jacobian = 0;
    double moved_noise = 0, moved_data = 0;  // |dh| / |dx| for the two kinds of perturbation
    Matrix codes;                            // (N_test, H)
};

// The three penalties of an untrained code h (N, H) of the images x, printed before training.
void print_initial_penalties(const Matrix& x, const Matrix& h, const Matrix& W, double rho);

// The terminal table (with expected ranges), every picture and file, and summary.json.
void report(const std::string& out, const DataSplit& data, const Options& opt,
            std::vector<Variant>& vs, bool default_run, const Timer& total);

}  // namespace ae::l04
