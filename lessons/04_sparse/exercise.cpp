// Lesson 04: sparse and contractive autoencoders. Your code goes here.
// Read README.md (steps 1-3), then replace each AE_TODO with your implementation.
// Check your work: ./workshop check 04      Run the lesson: ./workshop run 04
#include "ae/linalg.hpp"
#include "ae/todo.hpp"
#include "exercise.hpp"

namespace ae::l04 {

LossValue l1_penalty(const Matrix& h) {
    // TODO(lesson 04, step 1): value = sum |h| / N; grad = sign(h) / N, same shape as h.
    AE_TODO("04", "l1_penalty", h);
}

LossValue kl_sparsity_penalty(const Matrix& h, double rho) {
    // TODO(lesson 04, step 2): rho_hat = column means of h (clamped); value = sum_j KL(rho ||
    // rho_hat_j); grad_nj = (-rho / rho_hat_j + (1 - rho) / (1 - rho_hat_j)) / N.
    AE_TODO("04", "kl_sparsity_penalty", h, rho);
}

ContractiveValue contractive_penalty(const Matrix& x, const Matrix& h, const Matrix& W) {
    // TODO(lesson 04, step 3): s = h (1 - h), w_j = sum_i W_ij^2; value = sum s^2 w / N;
    // dA = 2 s^2 (1 - 2h) w / N; dW = x^T dA + 2 W * colsums(s^2) / N; db = colsums(dA).
    AE_TODO("04", "contractive_penalty", x, h, W);
}

}  // namespace ae::l04
