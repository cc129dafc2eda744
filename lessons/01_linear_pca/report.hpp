// Lesson 01, the report of one run: the terminal summary next to the README's expected ranges,
// the pictures (error per epoch, explained variance, principal angles, both bases, labelled
// reconstructions), history.csv, the .npy bases and summary.json. main.cpp calls report() once.
#pragma once
#include "ae/cli.hpp"
#include "ae/data.hpp"
#include "ae/progress.hpp"
#include "exercise.hpp"

namespace ae::l01 {

// PCA at K = Z (and with up to 100 components for the explained-variance curve), and the mean
// image: what the linear AE is compared with.
struct Baselines {
    Pca pca;              // K = Z components
    Pca wide;             // max(Z, 100) components
    double pca_mse = 0;   // test MSE per pixel of the PCA-K reconstruction
    double mean_mse = 0;  // test MSE per pixel of the mean image
    double seconds = 0;   // time of the PCA
};

// What the experiment measured on the trained linear AE.
struct Results {
    History history;  // test_mse per epoch
    double ae_mse = 0;
    Angles angles;  // between the decoder's rows and PCA's components
};

// Prints PCA's figures as soon as they are known (before training).
void print_baselines(const Baselines& b, bool default_run);

// Prints the results next to the expected ranges and writes every picture and file into opt.out.
void report(const Options& opt, bool default_run, const DataSplit& data, const LinearAE& model,
            const Baselines& b, const Results& r, const Timer& total);

}  // namespace ae::l01
