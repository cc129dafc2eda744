// Lesson 01: a linear autoencoder learns the PCA subspace. The functions you write in
// exercise.cpp, with their shapes; README "Step S" explains each. What the lesson gives (the
// model type, PCA's projections, the training loop) is in lesson.hpp.
// Check: ./workshop check 01   Watch: ./workshop watch 01   Hints: ./workshop hint 01 S
#pragma once
#include <vector>

#include "ae/tensor.hpp"
#include "lesson.hpp"

namespace ae::l01 {

// The top-K principal components of a data set, filled by pca().
struct Pca {
    Matrix mean;                   // (1, D)   the mean image
    Matrix components;             // (K, D)   orthonormal rows, largest variance first
    std::vector<double> variance;  // K        the data's sample variance along each row, descending
    double total_variance = 0;     // the sum of the sample variances of all D pixels
};

// README step 1. x: (N, D) -> its top-K principal components. "Variance" is the sample variance
// (the unbiased one, numpy's var(ddof=1)); the tests check it exactly on four points.
// Throws ae::ShapeError unless 1 <= K <= D and N >= 2. Tools: ae/linalg.hpp.
Pca pca(const Matrix& x, size_t k);

// What the forward pass computes, kept for the backward pass.
struct Forward {
    Matrix h;      // (N, Z) the code
    Matrix x_hat;  // (N, D) the reconstruction
};
// README step 2a. x: (N, D) -> h: (N, Z), x_hat: (N, D), by the model in lesson.hpp.
Forward forward(const LinearAE& model, const Matrix& x);

// README step 2b. x_hat, x: (N, D) -> the mean squared error over all N*D entries (one number
// per pixel, comparable across batch sizes).
double mse(const Matrix& x_hat, const Matrix& x);

// dL/d(parameter), each the shape of its parameter.
struct LinearAEGrads {
    Matrix We, be, Wd, bd;
};
// README step 2c. The gradients of L = mse(forward(model, x).x_hat, x) with respect to the four
// parameters, derived by hand; fwd is forward(model, x). Checked against central differences.
LinearAEGrads backward(const LinearAE& model, const Matrix& x, const Forward& fwd);

// The principal angles between the row spaces of A (K1, D) and B (K2, D).
struct Angles {
    std::vector<double> cosines;   // min(K1, K2) cosines in [0, 1], descending
    double mean_cos2 = 0;          // mean of cos^2: 1 = same subspace, 0 = orthogonal
    double largest_angle_deg = 0;  // the largest principal angle, in degrees
};
// README step 3. Depends only on the two subspaces, not on the bases that span them; throws
// ae::ShapeError when A and B differ in D.
Angles principal_angles(const Matrix& A, const Matrix& B);

}  // namespace ae::l01
