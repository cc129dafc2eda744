// Lesson 02: a deep autoencoder (784-256-64-Z and its mirror) trained by backpropagation.
// The contract between the lesson program, the tests, later lessons (03, 04, 06, 07 reuse the
// model) and your code: you write the functions marked "you write" in exercise.cpp.
// Check with: ./workshop check 02      Run with: ./workshop run 02
#pragma once
#include <string>
#include <vector>

#include "ae/device.hpp"
#include "ae/loss.hpp"
#include "ae/nn.hpp"
#include "ae/optim.hpp"
#include "ae/tensor.hpp"
#include "ae/train.hpp"

namespace ae::l02 {

// The reconstruction loss, which also fixes the decoder's output layer:
//   Mse: the decoder ends in a Sigmoid (pixels in (0, 1)); loss = mean (x_hat - x)^2.
//   Bce: the decoder ends in raw logits; loss = binary cross-entropy of sigmoid(logits) vs x.
// Both are means over all N*D entries (ae::Reduction::Mean), so Adam's lr means the same.
enum class Loss { Mse, Bce };
Loss parse_loss(const std::string& name);  // "mse" | "bce"; throws ae::Error otherwise
std::string loss_name(Loss loss);          // "mse" | "bce"

// The architecture: D -> hidden[0] -> hidden[1] ... -> Z, and the mirror back to D.
struct AeConfig {
    size_t input = 784;                   // D
    std::vector<size_t> hidden{256, 64};  // encoder order; the decoder uses them reversed
    size_t latent = 32;                   // Z
    Loss loss = Loss::Mse;
    std::string describe() const;  // "784-256-64-32, mse"
};

// An encoder and a decoder, trained together. forward() of each caches what backward() needs,
// so the model is passed by non-const reference everywhere.
struct Autoencoder {
    Sequential encoder;  // (N, D) -> (N, Z)   linear code (no activation on the last layer)
    Sequential decoder;  // (N, Z) -> (N, D)   probabilities (Mse) or logits (Bce)
    AeConfig config;
    // Every parameter: "enc.<i>.W", "enc.<i>.b", then "dec.<i>.W", "dec.<i>.b".
    std::vector<Param> params();
};

// Step 1a (you write): Dense(D, h0) ReLU Dense(h0, h1) ReLU ... Dense(h_last, Z).
// He initialisation before a ReLU, Xavier for the last (linear) layer.
Sequential build_encoder(size_t d, const std::vector<size_t>& hidden, size_t z, Rng& rng);
// Step 1b (you write): the mirror, hidden taken in reverse: Dense(Z, h_last) ReLU ...
// Dense(h0, D), then a Sigmoid when loss == Mse, nothing (logits) when loss == Bce.
Sequential build_decoder(size_t z, const std::vector<size_t>& hidden, size_t d, Loss loss,
                         Rng& rng);

// Step 2a (you write): the loss of the decoder's output out: (N, D) against target: (N, D),
// with its gradient d(loss)/d(out): mse_loss for Mse, bce_with_logits_loss for Bce.
LossValue reconstruction_loss(Loss loss, const Matrix& out, const Matrix& target);

// Step 2b (you write): one optimisation step on a batch: forward x_in (N, D) through encoder and
// decoder, the loss against target (N, D), zero the gradients, backward through decoder then
// encoder, optimizer step. Returns the loss (before the step). x_in and target differ in
// lesson 03 (noisy input, clean target); here both are the same batch.
double train_step(Autoencoder& model, const Matrix& x_in, const Matrix& target, Optimizer& opt);

// Step 3 (you write): x: (N, D) -> N values, mean over the D pixels of (x_hat - x)^2 for each
// image, with x_hat = reconstruct(model, x) (in [0, 1], whatever the loss).
std::vector<double> reconstruction_error(Autoencoder& model, const Matrix& x);

// Step 4 (you write): x: (N, D) -> codes: (N, Z), through the encoder in chunks of at most
// 1024 rows (so 60,000 images never need all the activations at once).
Matrix encode(Autoencoder& model, const Matrix& x);

// ---- Given (given.cpp): built on your functions, and reused by lessons 03, 04, 06, 07. ----

// build_encoder + build_decoder for config, seeded by rng.
Autoencoder make_autoencoder(const AeConfig& config, Rng& rng);
// codes: (N, Z) -> images (N, D) in [0, 1] (the sigmoid is applied to Bce logits), in chunks.
Matrix decode(Autoencoder& model, const Matrix& codes);
// x: (N, D) -> x_hat: (N, D) in [0, 1]: decoder after encoder, in chunks (independent of step 4).
Matrix reconstruct(Autoencoder& model, const Matrix& x);
// Mean over all N*D entries of (reconstruct(x) - x)^2: the figure compared with PCA.
double test_mse(Autoencoder& model, const Matrix& x);

// Trains on x with ae::fit and train_step (target = input); on_epoch (may be empty) records test
// figures. options.lr is only the advice shown if training diverges; opt carries the real lr.
History train_autoencoder(Autoencoder& model, const Matrix& x, const FitOptions& options,
                          Optimizer& opt, const EpochFn& on_epoch = nullptr);

// The same training on the GPU (--device cuda): the library's CUDA trainer (ae/device.hpp) runs
// this model, loss, Adam(lr) and shuffling with the data resident on the device; your train_step
// is the CPU reference it is tested against. gpu may add input noise (lesson 03).
History train_autoencoder_gpu(Autoencoder& model, const Matrix& x, const FitOptions& options,
                              float lr, const EpochFn& on_epoch = nullptr, GpuTrainConfig gpu = {});

// The default place of lesson 02's trained model (relative to the working directory, as --out).
inline const char* const kDefaultModelPath = "out/02_deep_ae/model.ckpt";
// Saves the parameters to path (ae::save_checkpoint) and the architecture to path + ".cfg", so
// load_autoencoder can rebuild the model without being told its sizes.
void save_autoencoder(const std::string& path, Autoencoder& model);
// Rebuilds the architecture from path + ".cfg" and loads the parameters. Throws ae::DataError
// saying which command trains and saves the model when the files are missing or do not match.
Autoencoder load_autoencoder(const std::string& path);

}  // namespace ae::l02
