// Lesson 02: a deep autoencoder (784-256-64-Z and its mirror) trained by backpropagation.
// The functions you write in exercise.cpp; what the lesson gives around them (the model type,
// decode, reconstruct, training, checkpoints) is in lesson.hpp.
// Check with: ./workshop check 02      Run with: ./workshop run 02
#pragma once
#include <vector>

#include "lesson.hpp"

namespace ae::l02 {

// README step 1a. The encoder: x (N, d) -> codes (N, z), through one Dense layer per entry of
// hidden (in that order, each followed by a ReLU) and a last Dense layer to z. The code layer
// has no activation. Layers feeding a ReLU use He initialisation, the code layer Xavier. The
// tests check the layer list, e.g. "Dense(784, 256) -> ReLU -> Dense(256, 64) -> ReLU ->
// Dense(64, 32)", and the scale of the first layer's weights.
Sequential build_encoder(size_t d, const std::vector<size_t>& hidden, size_t z, Rng& rng);

// README step 1b. The decoder: codes (N, z) -> (N, d), the encoder's mirror (hidden taken in
// reverse). Its output must be what reconstruction_loss(loss, ...) expects: pixels in (0, 1)
// for Loss::Mse, logits for Loss::Bce.
Sequential build_decoder(size_t z, const std::vector<size_t>& hidden, size_t d, Loss loss,
                         Rng& rng);

// README step 2a. The loss of the decoder's output out: (N, D) against target: (N, D), a mean
// over all N*D entries, with its gradient d(loss)/d(out) (N, D), for the decoder built for loss.
LossValue reconstruction_loss(Loss loss, const Matrix& out, const Matrix& target);

// README step 2b. One optimisation step on a batch: the model's output for x_in (N, D), its loss
// against target (N, D), the gradients of every parameter for this batch alone, and one opt.step.
// Returns the loss value before the update. x_in and target differ in lesson 03 (noisy input,
// clean target); here both are the same batch.
double train_step(Autoencoder& model, const Matrix& x_in, const Matrix& target, Optimizer& opt);

// README step 3. x: (N, D) -> N values: the reconstruction error of each image, the mean over its
// D pixels of the squared difference between reconstruct(model, x) (pixels in [0, 1] whatever
// the loss) and x. Lesson 06 uses it as an anomaly score.
std::vector<double> reconstruction_error(Autoencoder& model, const Matrix& x);

// README step 4. x: (N, D) -> codes: (N, Z), the encoder's output, computed on blocks of at most
// 1024 rows so that 60,000 images never need all their activations at once. Any N >= 1.
Matrix encode(Autoencoder& model, const Matrix& x);

}  // namespace ae::l02
