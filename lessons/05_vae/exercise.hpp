// Lesson 05: the variational autoencoder. The contract: the functions you write in exercise.cpp,
// one README step each. The model and everything around it are in lesson.hpp (included here, so
// lessons 06 and 07 reach the given API through this header too).
// Check with: ./workshop check 05      Hints: ./workshop hint 05 STEP      Run: ./workshop run 05
#pragma once
#include "lesson.hpp"

namespace ae::l05 {

// README step 1a. The reparameterisation trick: a draw z of q(z|x) = N(mu, diag(exp(logvar)))
// written as a deterministic function of the parameters and of a standard normal noise eps,
// elementwise. mu, logvar, eps: (N, Z) -> z: (N, Z). eps ~ N(0, I) is drawn by the caller.
Matrix reparameterize(const Matrix& mu, const Matrix& logvar, const Matrix& eps);

// README step 1b. The backward pass of step 1a with eps held fixed: from dL/dz (N, Z) to dL/dmu
// and dL/dlogvar (N, Z), for the same logvar and eps as the forward call.
struct ReparamGrads {
    Matrix mu, logvar;  // (N, Z) each
};
ReparamGrads reparameterize_backward(const Matrix& logvar, const Matrix& eps, const Matrix& grad_z);

// README step 2. KL( N(mu, diag(exp(logvar))) || N(0, I) ) of each example, summed over the Z
// dimensions (accumulate in double), its mean over the N examples, and the gradients of that
// mean. mu, logvar: (N, Z).
struct Kl {
    Matrix per_example;           // (N, 1) nats
    double mean = 0;              // mean over N of per_example
    Matrix grad_mu, grad_logvar;  // (N, Z) d(mean)/d(mu), d(mean)/d(logvar)
};
Kl kl_divergence(const Matrix& mu, const Matrix& logvar);

// README step 3. The loss of a batch, per image, in nats:
//   recon_i = sum over the D pixels of BCE(sigmoid(logits_i), x_i)   (= -log p(x_i | z_i)),
//             computed from the logits without ever taking the log of 0
//   kl_i    = KL of example i (step 2)
//   total   = mean over N of (recon_i + beta * kl_i)      (beta = 1: the negative ELBO)
// and the gradients of total. logits, x: (N, D); mu, logvar: (N, Z).
struct VaeLoss {
    Matrix recon, kl;                    // (N, 1) each, per image
    double recon_mean = 0, kl_mean = 0;  // means over N
    double total = 0;                    // recon_mean + beta * kl_mean
    Matrix grad_logits;                  // (N, D) d(total)/d(logits)
    Matrix grad_mu, grad_logvar;  // (N, Z) d(total)/d(mu), d(logvar) through the KL term only
};
VaeLoss vae_loss(const Matrix& logits, const Matrix& x, const Matrix& mu, const Matrix& logvar,
                 float beta);

// README step 4. One training step's forward and backward pass with the noise eps (N, Z) given,
// x: (N, D). Accumulates the gradients of the loss into model.params() (the caller zeroes them
// first and applies the optimiser). Returns the loss of the batch (step 3).
VaeLoss loss_and_gradients(Vae& model, const Matrix& x, const Matrix& eps, float beta);

// README step 5. n new images from the prior: codes z ~ N(0, I) (n, Z) drawn from rng, decoded
// to pixel probabilities (n, D) in [0, 1] with decode() (lesson.hpp).
Matrix sample_prior(Vae& model, size_t n, Rng& rng);

// README step 6. Decodes `steps` evenly spaced points of the straight line between the codes
// z0 and z1 (1, Z each), z0 first and z1 last -> images (steps, D) in [0, 1]. steps == 1: the
// one image is the decode of z0. steps == 0: throws ae::Error.
Matrix interpolate(Vae& model, const Matrix& z0, const Matrix& z1, size_t steps);

}  // namespace ae::l05
