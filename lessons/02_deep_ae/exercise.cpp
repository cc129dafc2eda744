// Lesson 02: a deep autoencoder trained by backpropagation. Your code goes here: read README.md
// (steps 1a-7) and replace each AE_TODO with your implementation.
// Check your work: ./workshop check 02 (or watch 02)      Stuck? ./workshop hint 02 STEP
#include "ae/todo.hpp"
#include "exercise.hpp"

namespace ae::l02 {

Sequential build_encoder(size_t d, const std::vector<size_t>& hidden, size_t z, Rng& rng) {
    // TODO(lesson 02, step 1a): see README "Step 1a: The encoder".
    AE_TODO("02", "build_encoder", d, hidden, z, rng);
}

Sequential build_decoder(size_t z, const std::vector<size_t>& hidden, size_t d, Loss loss,
                         Rng& rng) {
    // TODO(lesson 02, step 1b): see README "Step 1b: The decoder".
    AE_TODO("02", "build_decoder", z, hidden, d, loss, rng);
}

LossValue reconstruction_loss(Loss loss, const Matrix& out, const Matrix& target) {
    // TODO(lesson 02, step 2a): see README "Step 2a: The reconstruction loss".
    AE_TODO("02", "reconstruction_loss", loss, out, target);
}

double train_step(Autoencoder& model, const Matrix& x_in, const Matrix& target, Optimizer& opt) {
    // TODO(lesson 02, step 2b): see README "Step 2b: One training step".
    AE_TODO("02", "train_step", model, x_in, target, opt);
}

std::vector<double> reconstruction_error(Autoencoder& model, const Matrix& x) {
    // TODO(lesson 02, step 3): see README "Step 3: Per-image reconstruction error".
    AE_TODO("02", "reconstruction_error", model, x);
}

Matrix encode(Autoencoder& model, const Matrix& x) {
    // TODO(lesson 02, step 4): see README "Step 4: Encoding in chunks".
    AE_TODO("02", "encode", model, x);
}

LossValue l1_loss(const Matrix& pred, const Matrix& target) {
    // TODO(lesson 02, step 5): see README "Step 5: The L1 loss".
    AE_TODO("02", "l1_loss", pred, target);
}

void momentum_update(Matrix& w, const Matrix& g, Matrix& velocity, float lr, float momentum) {
    // TODO(lesson 02, step 6a): see README "Step 6a: Momentum".
    AE_TODO("02", "momentum_update", w, g, velocity, lr, momentum);
}

void rmsprop_update(Matrix& w, const Matrix& g, Matrix& mean_square, float lr, float rho,
                    float eps) {
    // TODO(lesson 02, step 6b): see README "Step 6b: RMSprop".
    AE_TODO("02", "rmsprop_update", w, g, mean_square, lr, rho, eps);
}

Matrix tied_forward(const Matrix& x, const Matrix& W, const Matrix& b) {
    // TODO(lesson 02, step 7): see README "Step 7: Tied weights".
    AE_TODO("02", "tied_forward", x, W, b);
}

Matrix tied_backward(const Matrix& x, const Matrix& grad_out, const Matrix& W, Matrix& dW,
                     Matrix& db) {
    // TODO(lesson 02, step 7): see README "Step 7: Tied weights".
    AE_TODO("02", "tied_backward", x, grad_out, W, dW, db);
}

}  // namespace ae::l02
