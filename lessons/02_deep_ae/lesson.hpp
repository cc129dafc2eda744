// Lesson 02, what the lesson gives you (given.cpp): the model type and its builder, decoding,
// reconstruction, the training loops, and saving/loading a trained model. Lessons 03, 04, 06 and
// 07 reuse all of it. The functions you write are in exercise.hpp.
// Check with: ./workshop check 02      Run with: ./workshop run 02
#pragma once
#include <string>
#include <vector>

#include "ae/loss.hpp"
#include "ae/nn.hpp"
#include "ae/objective.hpp"
#include "ae/optim.hpp"
#include "ae/tensor.hpp"
#include "ae/training.hpp"

namespace ae::l02 {

// The reconstruction loss, which also fixes the decoder's output layer:
//   Mse: the decoder ends in a Sigmoid (pixels in (0, 1)), compared with x by squared error.
//   Bce: the decoder ends in raw logits, compared with x by binary cross-entropy.
// Both are means over all N*D entries (ae::Reduction::Mean), so Adam's lr means the same.
// (The library's own loss kind, so the GPU trainer reads the same value.)
using Loss = LossKind;
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

// Your build_encoder + build_decoder for config, seeded by rng.
Autoencoder make_autoencoder(const AeConfig& config, Rng& rng);
// codes: (N, Z) -> images (N, D) in [0, 1] (the sigmoid is applied to Bce logits), in chunks.
Matrix decode(Autoencoder& model, const Matrix& codes);
// x: (N, D) -> x_hat: (N, D) in [0, 1]: decoder after encoder, in chunks (independent of step 4).
Matrix reconstruct(Autoencoder& model, const Matrix& x);
// Mean over all N*D entries of (reconstruct(x) - x)^2: the figure compared with PCA.
double test_mse(Autoencoder& model, const Matrix& x);

// Trains on x (target = input) with ae::train: your train_step on the CPU, or the library's
// CUDA trainer with the same loss (model.config.loss) when spec.device picks a GPU. spec holds
// the optimiser (its learning rate), epochs, batch size and seed; on_epoch (may be empty)
// records test figures.
History train_autoencoder(Autoencoder& model, const Matrix& x, TrainSpec spec,
                          const EpochFn& on_epoch = nullptr);

// The default place of lesson 02's trained model (relative to the working directory, as --out).
inline const char* const kDefaultModelPath = "out/02_deep_ae/model.ckpt";
// Saves the parameters to path (ae::save_checkpoint) and the architecture to path + ".cfg", so
// load_autoencoder can rebuild the model without being told its sizes.
void save_autoencoder(const std::string& path, Autoencoder& model);
// Rebuilds the architecture from path + ".cfg" and loads the parameters. Throws ae::DataError
// saying which command trains and saves the model when the files are missing or do not match.
Autoencoder load_autoencoder(const std::string& path);

}  // namespace ae::l02
