// Lesson 05: the variational autoencoder. What the lesson gives you (given.cpp): the model, its
// builders, batched encoding and decoding, the per-image ELBO, the entropy floor of grey-level
// images, training and checkpoints. Lessons 06 and 07 reuse it (through exercise.hpp, which
// includes this file). What you write is in exercise.hpp.
#pragma once
#include <string>
#include <vector>

#include "ae/nn.hpp"
#include "ae/optim.hpp"
#include "ae/tensor.hpp"
#include "ae/training.hpp"

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

// Weights and biases uniform in +-1/sqrt(fan_in) (PyTorch's default for Linear).
Vae make_vae(size_t d, size_t h, size_t z, Rng& rng);
// Sets the decoder's output bias to logit(mean of x's pixels) (x: (N, D)), so that training
// starts from the mean image; the program calls it before training.
void init_output_bias(Vae& model, const Matrix& x);

// x: (N, D) -> mu: (N, Z), the encoder's mean, computed in batches (no sampling).
Matrix encode_mean(Vae& model, const Matrix& x);
// z: (N, Z) -> pixel probabilities sigmoid(decoder(z)): (N, D).
Matrix decode(Vae& model, const Matrix& z);

// The negative ELBO of each image, split into its two terms (beta = 1), in nats. With
// rng == nullptr z = mu (deterministic: what lessons 06/07 use); otherwise one sample of z.
// Uses your reparameterize and vae_loss.
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

// Trains on x with ae::train: your loss_and_gradients on the CPU, eps drawn from the training
// loop's random stream, the optimiser of spec (its learning rate); or the library's CUDA VAE
// trainer (same model and loss, eps from cuRAND) when spec.device picks a GPU. on_epoch (may be
// empty) is called after each epoch to record test figures.
History train_vae(Vae& model, const Matrix& x, float beta, const TrainSpec& spec,
                  const EpochFn& on_epoch = nullptr);

// Checkpoints of the trained VAE (ae/checkpoint.hpp). The lesson program saves Z = 20 to
// default_vae_checkpoint(): the repository's out/05_vae/model.ckpt (ae::repo_output).
std::string default_vae_checkpoint();
void save_vae(Vae& model, const std::string& path, const std::string& description = "");
// Builds a VAE of the given sizes and loads the checkpoint into it. Throws ae::DataError when
// the file is missing (the message says: run ./workshop solution 05) or does not match.
Vae load_vae(const std::string& path = default_vae_checkpoint(), size_t d = 784, size_t h = 400,
             size_t z = 20);

}  // namespace ae::l05
