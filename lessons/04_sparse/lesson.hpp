// Lesson 04: sparse and contractive autoencoders. What the lesson gives you (given.cpp): the
// wide one-layer model, the training step that adds your penalties to lesson 02's
// reconstruction loss, training, and the measurements of the program. What you write is in
// exercise.hpp.
#pragma once
#include <string>
#include <vector>

#include "02_deep_ae/exercise.hpp"
#include "ae/nn.hpp"
#include "ae/objective.hpp"
#include "ae/optim.hpp"
#include "ae/tensor.hpp"
#include "ae/training.hpp"

namespace ae::l04 {

// Which penalty a variant trains with, and how strongly. The objective trained is
//   loss = MSE(x_hat, x) (mean over N*D pixels) + weight * P(h).
// (The library's penalty kinds, ae/objective.hpp, so the GPU trainer reads the same value.)
using PenaltyKind = CodePenaltyKind;
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

// Trains one variant on x with ae::train: penalized_step (your penalties) on the CPU, or the
// library's CUDA trainer with the same penalty on the code (Dense layer 0) when spec.device
// picks a GPU. on_epoch (may be empty) records test figures.
History train_variant(l02::Autoencoder& model, const Matrix& x, const Penalty& penalty,
                      TrainSpec spec, const EpochFn& on_epoch = nullptr);

// How sparse a code is: codes (N, H) -> figures over all N*H activations.
struct CodeStats {
    double mean_activation = 0;  // mean of h
    double near_zero = 0;        // fraction of activations below the threshold
    double dead_units = 0;       // fraction of units whose mean activation is below the threshold
};
CodeStats code_stats(const Matrix& codes, double threshold = 0.05);
// The mean activation of each code unit over the rows of codes (N, H), largest first.
std::vector<double> unit_means_sorted(const Matrix& codes);

// How far the code moves per unit of input change: the mean over the rows of x: (N, D) of
// |h(x + e) - h(x)| / |e| for the perturbations e: (N, D) (not clipped to the pixel range, so
// that this measures the encoder, not the clipping).
double code_sensitivity(l02::Autoencoder& model, const Matrix& x, const Matrix& e);
// The root mean square of |J(x)|_F over the rows of x: the square root of the contractive
// penalty, through your contractive_penalty.
double jacobian_norm(l02::Autoencoder& model, const Matrix& x);

// Calls each of your penalties once on a toy code, so that a step not written yet stops the
// program before it loads data (ae::require_written).
void check_exercise_written();

}  // namespace ae::l04
