// Lesson 03, the report of one run: the MSE table (computed on fixed noisy test sets and
// printed), the headline next to the README's expected ranges, the labelled clean / noisy /
// plain AE / denoised grids, the noise-level sweep, the curves, the CSV files and summary.json.
// main.cpp trains the models and calls mse_table() and report() once each.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "ae/cli.hpp"
#include "ae/progress.hpp"
#include "lesson.hpp"

namespace ae::l03 {

// Gaussian, masking, salt-and-pepper: the rows of the table, the grids.
const std::vector<NoiseKind>& all_kinds();

// One denoising autoencoder and how it was trained.
struct Denoiser {
    NoiseKind kind;
    float level;
    l02::Autoencoder model;
    History history;
    std::string input() const { return describe_noise(kind, level); }
    std::string label() const { return "DAE (" + input() + ")"; }
};

// The test images under one corruption, drawn once from a fixed seed, so every model is judged
// on the very same noisy images.
Matrix noisy_test(const Matrix& clean, NoiseKind kind, float level, uint64_t seed);

// Test MSE (vs clean) of the noisy input and of each model's output, one row per corruption
// plus the clean input. cols: "noisy input", "plain AE", then one per denoiser.
struct Table {
    std::vector<std::string> rows, cols;
    std::vector<std::vector<double>> mse;  // mse[col][row]
};
// Computes the table on clean: (N, D) and prints it.
Table mse_table(const Matrix& clean, l02::Autoencoder& plain, std::vector<Denoiser>& daes,
                uint64_t seed);

// Everything measured in one run.
struct Results {
    std::string plain_source;  // where the plain AE came from
    double plain_seconds = 0;
    std::vector<Denoiser> daes;
    Table table;
};

// Prints the headline next to the README's ranges (they apply when default_run: full data,
// default flags) and writes the pictures, tables and summary.json into opt.out.
void report(const Options& opt, bool default_run, const DataSplit& data,
            const l02::AeConfig& config, l02::Autoencoder& plain, Results& r, const Timer& total);

}  // namespace ae::l03
