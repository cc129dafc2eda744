// Lesson 01: a linear autoencoder learns the PCA subspace. Your code goes here.
// Read README.md (steps 1-3), then replace each AE_TODO with your implementation.
// Check your work: ./workshop check 01      Run the lesson: ./workshop run 01
#include <xtensor-blas/xlinalg.hpp>

#include "ae/linalg.hpp"
#include "ae/todo.hpp"
#include "exercise.hpp"

namespace ae::l01 {

Pca pca(const Matrix& x, size_t k) {
    // TODO(lesson 01, step 1): centre x, covariance (D, D) = Xc^T Xc / (N - 1), eigh, keep the top
    // k.
    AE_TODO("01", "pca", x, k);
}

Forward forward(const LinearAE& model, const Matrix& x) {
    // TODO(lesson 01, step 2a): h = x We + be, x_hat = h Wd + bd (ae::matmul, ae::add_row).
    AE_TODO("01", "forward", model, x);
}

double mse(const Matrix& x_hat, const Matrix& x) {
    // TODO(lesson 01, step 2b): the mean of (x_hat - x)^2 over all entries.
    AE_TODO("01", "mse", x_hat, x);
}

LinearAEGrads backward(const LinearAE& model, const Matrix& x, const Forward& fwd) {
    // TODO(lesson 01, step 2c): G = 2 (x_hat - x) / (N D); dWd = h^T G; dbd = column sums of G;
    // Gh = G Wd^T; dWe = x^T Gh; dbe = column sums of Gh.
    AE_TODO("01", "backward", model, x, fwd);
}

Angles principal_angles(const Matrix& A, const Matrix& B) {
    // TODO(lesson 01, step 3): Qa = qr(A^T).Q, Qb = qr(B^T).Q; cosines = singular values of
    // Qa^T Qb (clip to [0, 1]); then mean cos^2 and the largest angle in degrees.
    AE_TODO("01", "principal_angles", A, B);
}

}  // namespace ae::l01
