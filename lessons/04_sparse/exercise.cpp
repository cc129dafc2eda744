// Lesson 04: sparse and contractive autoencoders. You write three penalties on the code of a wide
// autoencoder, each with its hand-derived gradient (README steps 1-3).
// Check: ./workshop check 04    Hints: ./workshop hint 04 STEP    Run: ./workshop run 04
#include "ae/linalg.hpp"
#include "ae/todo.hpp"
#include "exercise.hpp"

namespace ae::l04 {

LossValue l1_penalty(const Matrix& h) {
    // TODO(lesson 04, step 1): see README "Step 1: The L1 penalty".
    AE_TODO("04", "l1_penalty", h);
}

LossValue kl_sparsity_penalty(const Matrix& h, double rho) {
    // TODO(lesson 04, step 2): see README "Step 2: The KL sparsity penalty".
    AE_TODO("04", "kl_sparsity_penalty", h, rho);
}

ContractiveValue contractive_penalty(const Matrix& x, const Matrix& h, const Matrix& W) {
    // TODO(lesson 04, step 3): see README "Step 3: The contractive penalty".
    AE_TODO("04", "contractive_penalty", x, h, W);
}

}  // namespace ae::l04
