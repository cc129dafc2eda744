// Lesson 05: the variational autoencoder. Your code goes here.
// Read README.md (steps 1-6), then replace each AE_TODO with your implementation.
// Check your work: ./workshop check 05      Run the lesson: ./workshop run 05
#include "ae/linalg.hpp"
#include "ae/loss.hpp"
#include "ae/todo.hpp"
#include "exercise.hpp"

namespace ae::l05 {

Matrix reparameterize(const Matrix& mu, const Matrix& logvar, const Matrix& eps) {
    // TODO(lesson 05, step 1a): z = mu + exp(logvar / 2) * eps, elementwise.
    AE_TODO("05", "reparameterize", mu, logvar, eps);
}

ReparamGrads reparameterize_backward(const Matrix& logvar, const Matrix& eps,
                                     const Matrix& grad_z) {
    // TODO(lesson 05, step 1b): dz/dmu = 1, dz/dlogvar = exp(logvar / 2) * eps / 2.
    AE_TODO("05", "reparameterize_backward", logvar, eps, grad_z);
}

Kl kl_divergence(const Matrix& mu, const Matrix& logvar) {
    // TODO(lesson 05, step 2): kl_i = 1/2 sum_z (mu^2 + exp(logvar) - 1 - logvar); gradients of the
    // mean.
    AE_TODO("05", "kl_divergence", mu, logvar);
}

VaeLoss vae_loss(const Matrix& logits, const Matrix& x, const Matrix& mu, const Matrix& logvar,
                 float beta) {
    // TODO(lesson 05, step 3): per-image BCE on logits summed over pixels, plus beta * KL; grad =
    // (sigmoid - x) / N.
    AE_TODO("05", "vae_loss", logits, x, mu, logvar, beta);
}

VaeLoss loss_and_gradients(Vae& model, const Matrix& x, const Matrix& eps, float beta) {
    // TODO(lesson 05, step 4): forward trunk, heads, reparameterize, decoder, vae_loss; then
    // backward in reverse.
    AE_TODO("05", "loss_and_gradients", model, x, eps, beta);
}

Matrix sample_prior(Vae& model, size_t n, Rng& rng) {
    // TODO(lesson 05, step 5): z = rng.normal(n, Z), then decode(model, z).
    AE_TODO("05", "sample_prior", model, n, rng);
}

Matrix interpolate(Vae& model, const Matrix& z0, const Matrix& z1, size_t steps) {
    // TODO(lesson 05, step 6): row k = (1 - t) z0 + t z1 with t = k / (steps - 1); decode them all.
    AE_TODO("05", "interpolate", model, z0, z1, steps);
}

}  // namespace ae::l05
