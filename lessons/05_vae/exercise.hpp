// Lesson 05: the variational autoencoder. The contract between the lesson program, the tests,
// later lessons (06 and 07 load the trained VAE through it) and your code: you write the
// functions marked "you write" in exercise.cpp; the ones marked "given" are in given.cpp.
// Check with: ./workshop check 05      Run with: ./workshop run 05
#pragma once
#include <string>
#include <vector>

#include "ae/nn.hpp"
#include "ae/optim.hpp"
#include "ae/tensor.hpp"
#include "ae/train.hpp"

namespace ae::l05 {

// q(z|x) = N(mu(x), diag(exp(logvar(x)))) and p(x|z) = Bernoulli(sigmoid(decoder(z))).
// Encoder: trunk x (N, D) -> h (N, H) = ReLU(Dense(D, H)), then two linear heads
// h -> mu (N, Z) and h -> logvar (N, Z). Decoder: z (N, Z) -> Dense(Z, H), ReLU,
// Dense(H, D) -> logits (N, D) (no sigmoid: the loss works on logits).
struct Vae {
    Sequential trunk;        // Dense(D, H) -> ReLU
    Sequential mu_head;      // Dense(H, Z)
    Sequential logvar_head;  // Dense(H, Z)
    Sequential decoder;      // Dense(Z, H) -> ReLU -> Dense(H, D)
    size_t d = 0, h = 0, z = 0;

    // Every parameter, named "trunk.0.W", "mu.0.b", "logvar.0.W", "decoder.2.W", ... (the
    // checkpoint's names, in this order).
    std::vector<Param> params();
};

// Given: weights and biases uniform in +-1/sqrt(fan_in) (PyTorch's default for Linear).
Vae make_vae(size_t d, size_t h, size_t z, Rng& rng);
// Given: sets the decoder's output bias to logit(mean of x's pixels) (x: (N, D)), so that
// training starts from the mean image; the program calls it before training.
void init_output_bias(Vae& model, const Matrix& x);

// Step 1a (you write): the reparameterisation trick, z = mu + exp(logvar / 2) * eps.
// mu, logvar, eps: (N, Z) -> z: (N, Z). eps ~ N(0, I) is drawn by the caller.
Matrix reparameterize(const Matrix& mu, const Matrix& logvar, const Matrix& eps);

// Step 1b (you write): its backward pass. grad_z: dL/dz (N, Z) -> dL/dmu and dL/dlogvar (N, Z),
// for the same logvar and eps as the forward call.
struct ReparamGrads {
    Matrix mu, logvar;  // (N, Z) each
};
ReparamGrads reparameterize_backward(const Matrix& logvar, const Matrix& eps, const Matrix& grad_z);

// Step 2 (you write): KL( N(mu, diag(exp(logvar))) || N(0, I) ) of each example, summed over
// the Z dimensions, and the gradients of its mean over the N examples.
struct Kl {
    Matrix per_example;           // (N, 1) nats
    double mean = 0;              // mean over N of per_example
    Matrix grad_mu, grad_logvar;  // (N, Z) d(mean)/d(mu), d(mean)/d(logvar)
};
Kl kl_divergence(const Matrix& mu, const Matrix& logvar);

// Step 3 (you write): the loss of a batch, per image, in nats:
//   recon_i = sum over the D pixels of BCE(sigmoid(logits_i), x_i)   (= -log p(x_i | z_i))
//   kl_i    = KL of example i (step 2)
//   total   = mean over N of (recon_i + beta * kl_i)      (beta = 1: the negative ELBO)
// Reduction: summed over pixels and latent dimensions, averaged over the N images.
struct VaeLoss {
    Matrix recon, kl;                    // (N, 1) each, per image
    double recon_mean = 0, kl_mean = 0;  // means over N
    double total = 0;                    // recon_mean + beta * kl_mean
    Matrix grad_logits;                  // (N, D) d(total)/d(logits)
    Matrix grad_mu, grad_logvar;  // (N, Z) d(total)/d(mu), d(logvar) through the KL term only
};
// logits, x: (N, D); mu, logvar: (N, Z).
VaeLoss vae_loss(const Matrix& logits, const Matrix& x, const Matrix& mu, const Matrix& logvar,
                 float beta);

// Step 4 (you write): one training step's forward and backward pass, with the noise eps (N, Z)
// given: trunk, heads, reparameterise, decode, loss; then backward through decoder,
// reparameterisation, both heads (their input gradients add up) and trunk. Accumulates the
// gradients into model.params() (the caller zeroes them first and applies the optimiser).
// x: (N, D). Returns the loss of the batch.
VaeLoss loss_and_gradients(Vae& model, const Matrix& x, const Matrix& eps, float beta);

// Step 5 (you write): n new images from the prior: z ~ N(0, I) (n, Z), decoded to pixel
// probabilities (n, D) in [0, 1] (use decode below).
Matrix sample_prior(Vae& model, size_t n, Rng& rng);

// Step 6 (you write): decode the straight line between two codes z0, z1 (1, Z) at `steps`
// evenly spaced points, z0 first and z1 last -> images (steps, D) in [0, 1].
Matrix interpolate(Vae& model, const Matrix& z0, const Matrix& z1, size_t steps);

// ---- Given (given.cpp): what the program and lessons 06/07 use --------------------------------

// x: (N, D) -> mu: (N, Z), the encoder's mean, computed in batches (no sampling).
Matrix encode_mean(Vae& model, const Matrix& x);
// z: (N, Z) -> pixel probabilities sigmoid(decoder(z)): (N, D).
Matrix decode(Vae& model, const Matrix& z);

// The negative ELBO of each image, split into its two terms (beta = 1), in nats. With
// rng == nullptr z = mu (deterministic: what lessons 06/07 use); otherwise one sample of z.
struct Elbo {
    std::vector<double> recon, kl, negative_elbo;  // N each; negative_elbo = recon + kl
    double recon_mean = 0, kl_mean = 0, negative_elbo_mean = 0;
};
Elbo evaluate_elbo(Vae& model, const Matrix& x, Rng* rng = nullptr);
// Shorthand: evaluate_elbo(model, x).negative_elbo (deterministic, z = mu).
std::vector<double> negative_elbo_per_image(Vae& model, const Matrix& x);

// The lowest summed BCE any model can reach on grey-level images: the Bernoulli entropy of
// every pixel, -sum_j [x_j log x_j + (1 - x_j) log(1 - x_j)], averaged over the N images (nats).
double pixel_entropy_floor(const Matrix& x);

// Trains with Adam(lr) on x and your loss_and_gradients, drawing eps from fit's random stream;
// on_epoch (may be empty) is called after each epoch to record test figures. device "cuda":
// the library's CUDA VAE trainer (ae/gpu_vae.hpp: the same model and loss, eps from cuRAND);
// "cpu" (the default): your code, the reference.
History train_vae(Vae& model, const Matrix& x, const FitOptions& options, float lr, float beta,
                  const EpochFn& on_epoch = nullptr, const std::string& device = "cpu");

// Checkpoints of the trained VAE (ae/checkpoint.hpp). The lesson program saves Z = 20 to
// default_vae_checkpoint() = "out/05_vae/model.ckpt" (relative to the repository root).
std::string default_vae_checkpoint();
void save_vae(Vae& model, const std::string& path, const std::string& description = "");
// Builds a VAE of the given sizes and loads the checkpoint into it. Throws ae::DataError when
// the file is missing (the message says: run ./workshop solution 05) or does not match.
Vae load_vae(const std::string& path = default_vae_checkpoint(), size_t d = 784, size_t h = 400,
             size_t z = 20);

}  // namespace ae::l05
