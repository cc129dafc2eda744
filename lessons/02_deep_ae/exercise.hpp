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
// for Loss::Mse and Loss::L1, logits for Loss::Bce.
Sequential build_decoder(size_t z, const std::vector<size_t>& hidden, size_t d, Loss loss,
                         Rng& rng);

// README step 2a. The loss of the decoder's output out: (N, D) against target: (N, D), a mean
// over all N*D entries, with its gradient d(loss)/d(out) (N, D), for the decoder built for loss.
// (Loss::L1 is added in step 5.)
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

// README step 5. The L1 loss of pred (N, D) against target (N, D): the mean over all N*D
// entries of the absolute difference, and its gradient d(loss)/d(pred) (N, D). Where
// pred == target exactly, the gradient entry is 0. reconstruction_loss(Loss::L1, ...) uses it.
LossValue l1_loss(const Matrix& pred, const Matrix& target);

// README step 6a. One momentum update of one parameter w from its gradient g (same shape):
// velocity (same shape, zero at the first step) accumulates the gradients, decayed by momentum
// (in [0, 1)) at every step, and w moves by lr times the new velocity, downhill. Updates w and
// velocity in place. With momentum 0 it is plain gradient descent. (--optimizer momentum)
void momentum_update(Matrix& w, const Matrix& g, Matrix& velocity, float lr, float momentum);

// README step 6b. One RMSprop update of one parameter w from its gradient g: mean_square (same
// shape, zero at the first step) is a running mean of g squared, decayed by rho (the new g^2
// weighs 1 - rho); each entry of w moves downhill by lr times g divided by (the square root of
// its mean_square + eps). Updates w and mean_square in place. (--optimizer rmsprop)
void rmsprop_update(Matrix& w, const Matrix& g, Matrix& mean_square, float lr, float rho,
                    float eps);

// README step 7. The tied decoder layer (--tied): it reuses the weights W (in, out) of an
// encoder Dense layer (in -> out) to map back, out -> in, with its own bias b (1, in).
// Forward: x (N, out) -> (N, in).
Matrix tied_forward(const Matrix& x, const Matrix& W, const Matrix& b);
// Backward, for the x of the forward: grad_out (N, in) -> the input gradient (N, out). Adds
// (+=) this use's gradient of W into dW (in, out), the encoder layer's gradient, which its own
// backward also adds to, and the bias gradient into db (1, in).
Matrix tied_backward(const Matrix& x, const Matrix& grad_out, const Matrix& W, Matrix& dW,
                     Matrix& db);

}  // namespace ae::l02
