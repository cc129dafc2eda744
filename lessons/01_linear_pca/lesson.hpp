// Lesson 01, what the lesson gives you (given.cpp): PCA's projections, the linear autoencoder's
// parameters and their initialisation, and the training loop (Adam) that calls your forward,
// backward and mse. Lessons 02, 06 and 07 reuse the PCA part. The functions you write are in
// exercise.hpp.   Check: ./workshop check 01   Run: ./workshop run 01
#pragma once
#include "ae/tensor.hpp"
#include "ae/training.hpp"

namespace ae::l01 {

struct Pca;  // the result of your pca() (exercise.hpp)

// codes (N, K) = (x - mean) components^T: x: (N, D) in PCA's coordinates.
Matrix pca_encode(const Pca& p, const Matrix& x);
// x_hat (N, D) = codes components + mean: codes: (N, K) back to images.
Matrix pca_decode(const Pca& p, const Matrix& codes);

// A linear autoencoder, rows are examples: h = x We + be,  x_hat = h Wd + bd.
struct LinearAE {
    Matrix We;  // (D, Z) encoder weights
    Matrix be;  // (1, Z) encoder bias
    Matrix Wd;  // (Z, D) decoder weights
    Matrix bd;  // (1, D) decoder bias
};

// Small random weights (Xavier uniform), zero biases.
LinearAE init_linear_ae(size_t d, size_t z, Rng& rng);

// Trains model on x: (N, D) on the CPU (ae::train) with the optimiser of spec (Adam and
// its learning rate), minibatches and your forward/backward/mse; on_epoch (may be empty) is
// called after each epoch to record test figures.
History train_linear_ae(LinearAE& model, const Matrix& x, const TrainSpec& spec,
                        const EpochFn& on_epoch = nullptr);

// The fraction of the total variance held by p's components (given.cpp).
double kept_fraction(const Pca& p);

}  // namespace ae::l01
