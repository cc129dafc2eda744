// Lesson 05: the variational autoencoder. You write the pieces that turn an autoencoder into a
// generative model: the reparameterisation trick, the KL term, the loss, one training step,
// sampling and interpolation (README steps 1a-6).
// Check: ./workshop check 05    Hints: ./workshop hint 05 STEP    Run: ./workshop run 05
#include "ae/linalg.hpp"
#include "ae/loss.hpp"
#include "ae/todo.hpp"
#include "exercise.hpp"

namespace ae::l05 {

Matrix reparameterize(const Matrix& mu, const Matrix& logvar, const Matrix& eps) {
    // TODO(lesson 05, step 1a): see README "Step 1a: Sampling a code you can differentiate".
    AE_TODO("05", "reparameterize", mu, logvar, eps);
}

ReparamGrads reparameterize_backward(const Matrix& logvar, const Matrix& eps,
                                     const Matrix& grad_z) {
    // TODO(lesson 05, step 1b): see README "Step 1b: Backpropagating through the sample".
    AE_TODO("05", "reparameterize_backward", logvar, eps, grad_z);
}

Kl kl_divergence(const Matrix& mu, const Matrix& logvar) {
    // TODO(lesson 05, step 2): see README "Step 2: The KL term and its gradients".
    AE_TODO("05", "kl_divergence", mu, logvar);
}

VaeLoss vae_loss(const Matrix& logits, const Matrix& x, const Matrix& mu, const Matrix& logvar,
                 float beta) {
    // TODO(lesson 05, step 3): see README "Step 3: The loss".
    AE_TODO("05", "vae_loss", logits, x, mu, logvar, beta);
}

VaeLoss loss_and_gradients(Vae& model, const Matrix& x, const Matrix& eps, float beta) {
    // TODO(lesson 05, step 4): see README "Step 4: One training step".
    AE_TODO("05", "loss_and_gradients", model, x, eps, beta);
}

Matrix sample_prior(Vae& model, size_t n, Rng& rng) {
    // TODO(lesson 05, step 5): see README "Step 5: Sampling from the prior".
    AE_TODO("05", "sample_prior", model, n, rng);
}

Matrix interpolate(Vae& model, const Matrix& z0, const Matrix& z1, size_t steps) {
    // TODO(lesson 05, step 6): see README "Step 6: Interpolation".
    AE_TODO("05", "interpolate", model, z0, z1, steps);
}

}  // namespace ae::l05
