// Lesson 01: a linear autoencoder learns the PCA subspace. Your code goes here (README steps
// 1-3; the contract is in exercise.hpp, the tools in ae/linalg.hpp).
// Check: ./workshop check 01   Watch: ./workshop watch 01   Hints: ./workshop hint 01 S
#include "ae/linalg.hpp"
#include "ae/todo.hpp"
#include "exercise.hpp"

namespace ae::l01 {

Pca pca(const Matrix& x, size_t k) {
    // TODO(lesson 01, step 1): see README "Step 1: PCA from the covariance matrix".
    AE_TODO("01", "pca", x, k);
}

Forward forward(const LinearAE& model, const Matrix& x) {
    // TODO(lesson 01, step 2a): see README "Step 2a: The forward pass".
    AE_TODO("01", "forward", model, x);
}

double mse(const Matrix& x_hat, const Matrix& x) {
    // TODO(lesson 01, step 2b): see README "Step 2b: The mean squared error".
    AE_TODO("01", "mse", x_hat, x);
}

LinearAEGrads backward(const LinearAE& model, const Matrix& x, const Forward& fwd) {
    // TODO(lesson 01, step 2c): see README "Step 2c: The gradients by hand".
    AE_TODO("01", "backward", model, x, fwd);
}

Angles principal_angles(const Matrix& A, const Matrix& B) {
    // TODO(lesson 01, step 3): see README "Step 3: Principal angles".
    AE_TODO("01", "principal_angles", A, B);
}

}  // namespace ae::l01
