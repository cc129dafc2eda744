// Lesson 03, the report of one run: the MSE table (computed on fixed noisy test sets and
// printed), the headline next to the README's expected ranges, the labelled clean / noisy /
// plain AE / denoised grids, the noise-level sweep, the curves, the CSV files and summary.json.
// main.cpp trains the models, calls mse_table() (lesson.hpp) and report() once.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "ae/cli.hpp"
#include "ae/progress.hpp"
#include "lesson.hpp"

namespace ae::l03 {

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
