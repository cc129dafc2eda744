// Lesson 04: sparse and contractive autoencoders. The contract between the lesson program, the
// tests and your code: you write the three penalties (and their gradients) marked "you write"
// in exercise.cpp; given.cpp adds them to lesson 02's model and training step.
// Check with: ./workshop check 04      Run with: ./workshop run 04
#pragma once
#include <string>
#include <vector>

#include "02_deep_ae/exercise.hpp"
#include "ae/loss.hpp"
#include "ae/nn.hpp"
#include "ae/optim.hpp"
#include "ae/tensor.hpp"
#include "ae/train.hpp"

namespace ae::l04 {

// Every penalty below is a number computed from the code h: (N, H) of a batch, with its
// gradient dP/dh: (N, H), returned as ae::LossValue {value, grad}. The objective trained is
//   loss = MSE(x_hat, x) (mean over N*D pixels) + weight * P(h).

// Step 1 (you write): the L1 penalty, the mean over the N examples of sum_j |h_nj|:
//   P = (1/N) sum_n sum_j |h_nj|,   dP/dh_nj = sign(h_nj) / N   (0 where h_nj = 0).
LossValue l1_penalty(const Matrix& h);

// Step 2 (you write): the KL sparsity penalty of a sigmoid code h: (N, H), entries in (0, 1).
// rho_hat_j = (1/N) sum_n h_nj is unit j's mean activation over the batch, rho in (0, 1) the
// target:  P = sum_j [rho log(rho / rho_hat_j) + (1 - rho) log((1 - rho) / (1 - rho_hat_j))].
// grad = dP/dh (README step 2). Clamp rho_hat_j to [1e-6, 1 - 1e-6] first, so that a dead unit
// gives a large but finite value.
LossValue kl_sparsity_penalty(const Matrix& h, double rho);

// The contractive penalty and its gradients with respect to the encoder's parameters.
struct ContractiveValue {
    double value = 0;
    Matrix dW;  // (D, H) dP/dW, the total derivative: through h and through W directly
    Matrix db;  // (1, H) dP/db
};

// Step 3 (you write): the contractive penalty of a one-layer sigmoid encoder h = sigmoid(x W + b),
// the squared Frobenius norm of its Jacobian dh/dx: (H, D), averaged over the N examples. As
// dh_j/dx_i = h_j (1 - h_j) W_ij:   P = (1/N) sum_n sum_j (h_nj (1 - h_nj))^2 sum_i W_ij^2.
// dW and db: README step 3. x: (N, D) the input, h: (N, H) = sigmoid(x W + b) already computed,
// W: (D, H) the encoder weights.
ContractiveValue contractive_penalty(const Matrix& x, const Matrix& h, const Matrix& W);

// ---- Given (given.cpp): the model, the training step and the measurements of the program. ----

// Which penalty a variant trains with, and how strongly.
enum class PenaltyKind { None, L1, Kl, Contractive };
struct Penalty {
    PenaltyKind kind = PenaltyKind::None;
    float weight = 0.f;        // multiplies P(h) in the objective
    float rho = 0.05f;         // target mean activation (Kl only)
    std::string name() const;  // "plain", "L1", "KL", "contractive"
};

// One hidden layer on each side: encoder Dense(D, H) Sigmoid, decoder Dense(H, D) Sigmoid, both
// Xavier; a lesson 02 Autoencoder (config.hidden empty, config.latent = H, loss Mse), so lesson
// 02's encode, decode, reconstruct and test_mse work on it.
l02::Autoencoder make_shallow_autoencoder(size_t d, size_t h, Rng& rng);
// The encoder's Dense layer (its W: (D, H), b: (1, H)).
Dense& encoder_layer(l02::Autoencoder& model);

// One optimisation step of MSE + weight * penalty on the batch x: (N, D): forward, zero the
// gradients, backward through the decoder, add weight * dP/dh to dL/dh (L1, KL), backward through
// the encoder, add weight * (dP/dW, dP/db) to the encoder's gradients (contractive), update.
// Returns the objective (before the step).
double penalized_step(l02::Autoencoder& model, const Matrix& x, const Penalty& penalty,
                      Optimizer& opt);

// Trains one variant on x with ae::fit and penalized_step; on_epoch (may be empty) records test
// figures. device "cuda": the library's CUDA trainer with the same penalty (its own kernels,
// checked against your functions' reference by tests/gpu_train.cpp) and Adam(options.lr) on
// the GPU; opt is then unused. "cpu" (the default): your penalties, the reference.
History train_variant(l02::Autoencoder& model, const Matrix& x, const Penalty& penalty,
                      const FitOptions& options, Optimizer& opt, const EpochFn& on_epoch = nullptr,
                      const std::string& device = "cpu");

// How sparse a code is: codes (N, H) -> figures over all N*H activations.
struct CodeStats {
    double mean_activation = 0;  // mean of h
    double near_zero = 0;        // fraction of activations below the threshold
    double dead_units = 0;       // fraction of units whose mean activation is below the threshold
};
CodeStats code_stats(const Matrix& codes, double threshold = 0.05);

// How far the code moves per unit of input change: the mean over the rows of x: (N, D) of
// |h(x + e) - h(x)| / |e| for the perturbations e: (N, D) (not clipped to the pixel range, so
// that this measures the encoder, not the clipping).
double code_sensitivity(l02::Autoencoder& model, const Matrix& x, const Matrix& e);
// The root mean square of |J(x)|_F over the rows of x: the square root of the contractive
// penalty, through your contractive_penalty.
double jacobian_norm(l02::Autoencoder& model, const Matrix& x);

}  // namespace ae::l04
