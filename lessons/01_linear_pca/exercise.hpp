// Lesson 01: a linear autoencoder learns the PCA subspace. The contract between the lesson
// program, the tests and your code: you write the functions marked "you write" in
// exercise.cpp. Check with: ./workshop check 01      Run with: ./workshop run 01
#pragma once
#include <functional>
#include <vector>

#include "ae/optim.hpp"
#include "ae/tensor.hpp"
#include "ae/train.hpp"

namespace ae::l01 {

// The top-K principal components of a data set.
struct Pca {
    Matrix mean;                   // (1, D)   mean image
    Matrix components;             // (K, D)   orthonormal rows, largest variance first
    std::vector<double> variance;  // K     variance along each component, descending
    double total_variance = 0;     // sum of the variances of all D pixels
};

// Step 1 (you write): PCA of x: (N, D) with K components, from the covariance matrix
// (D, D) and its eigendecomposition (xt::linalg::eigh), or an SVD of the centred data.
Pca pca(const Matrix& x, size_t k);

// Given: codes (N, K) = (x - mean) C^T, and back: x_hat (N, D) = codes C + mean.
Matrix pca_encode(const Pca& p, const Matrix& x);
Matrix pca_decode(const Pca& p, const Matrix& codes);

// A linear autoencoder, rows are examples: h = x We + be,  x_hat = h Wd + bd.
struct LinearAE {
    Matrix We;  // (D, Z) encoder weights
    Matrix be;  // (1, Z) encoder bias
    Matrix Wd;  // (Z, D) decoder weights
    Matrix bd;  // (1, D) decoder bias
};
struct LinearAEGrads {
    Matrix We, be, Wd, bd;  // dL/d(parameter), same shapes as the parameters
};
struct Forward {
    Matrix h;      // (N, Z) the code
    Matrix x_hat;  // (N, D) the reconstruction
};

// Given: small random weights (Xavier), zero biases.
LinearAE init_linear_ae(size_t d, size_t z, Rng& rng);

// Step 2a (you write): the forward pass. x: (N, D) -> h: (N, Z), x_hat: (N, D).
Forward forward(const LinearAE& model, const Matrix& x);
// Step 2b (you write): mean squared error over all N*D entries: sum (x_hat - x)^2 / (N D).
double mse(const Matrix& x_hat, const Matrix& x);
// Step 2c (you write): gradients of mse(forward(model, x).x_hat, x) with respect to the four
// parameters, derived by hand (chain rule through x_hat = h Wd + bd and h = x We + be).
LinearAEGrads backward(const LinearAE& model, const Matrix& x, const Forward& fwd);

// The principal angles between the subspaces spanned by the rows of A (K1, D) and B (K2, D).
struct Angles {
    std::vector<double> cosines;   // min(K1, K2) cosines, descending (1 = same direction)
    double mean_cos2 = 0;          // mean of cos^2: 1 = same subspace, 0 = orthogonal
    double largest_angle_deg = 0;  // the largest principal angle, in degrees
};
// Step 3 (you write): orthonormalise the rows of A and B (QR of the transposes), then the
// cosines are the singular values of Qa^T Qb.
Angles principal_angles(const Matrix& A, const Matrix& B);

// Given: trains model on x with Adam and your forward/backward; on_epoch (may be empty) is
// called after each epoch to record test figures.
History train_linear_ae(LinearAE& model, const Matrix& x, const FitOptions& options, float lr,
                        const EpochFn& on_epoch = nullptr);

}  // namespace ae::l01
