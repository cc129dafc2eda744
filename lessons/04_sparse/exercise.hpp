// Lesson 04: sparse and contractive autoencoders. The contract: the three penalties you write in
// exercise.cpp, each with its gradient, one README step each. The model, the training step that
// adds them to the reconstruction loss and the measurements are in lesson.hpp.
// Check with: ./workshop check 04      Hints: ./workshop hint 04 STEP      Run: ./workshop run 04
#pragma once
#include "ae/loss.hpp"
#include "ae/tensor.hpp"
#include "lesson.hpp"

namespace ae::l04 {

// Every penalty is a number computed from the code h: (N, H) of a batch, returned with its
// gradient as ae::LossValue {value, grad}. The given training step multiplies both by the
// penalty's weight, so your functions never see the weight.

// README step 1. The L1 penalty: the mean over the N examples of the L1 norm of each code row.
// grad: dP/dh (N, H), with 0 where h is exactly 0.
LossValue l1_penalty(const Matrix& h);

// README step 2. The KL sparsity penalty of a sigmoid code h: (N, H), entries in (0, 1), with
// target mean activation rho in (0, 1): the sum over the H units of
// KL(Bernoulli(rho) || Bernoulli(rho_hat_j)), where rho_hat_j is unit j's mean activation over
// the batch, clamped to [1e-6, 1 - 1e-6] first (a dead or saturated unit gives a large finite
// value). Not divided by N. grad: dP/dh (N, H); for a clamped unit, the derivative taken at the
// clamped rho_hat (never the clamp's zero slope, which would leave a dead unit dead).
LossValue kl_sparsity_penalty(const Matrix& h, double rho);

// The contractive penalty and its gradients with respect to the encoder's parameters.
struct ContractiveValue {
    double value = 0;
    Matrix dW;  // (D, H) dP/dW, the total derivative: through h and through W directly
    Matrix db;  // (1, H) dP/db
};

// README step 3. The contractive penalty of a one-layer sigmoid encoder h = sigmoid(x W + b):
// the squared Frobenius norm of its Jacobian dh/dx (H, D), averaged over the N examples
// (accumulate the value in double), and its gradients dW, db.
// x: (N, D) the input, h: (N, H) = sigmoid(x W + b) already computed, W: (D, H).
ContractiveValue contractive_penalty(const Matrix& x, const Matrix& h, const Matrix& W);

}  // namespace ae::l04
