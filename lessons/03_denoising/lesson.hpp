// Lesson 03, what the lesson gives you (given.cpp): the corruptions by name, the denoising
// training loop around your denoising_step, the training entry point of the program, and the
// MSE that compares noisy, plain and denoised images. The model (784-256-64-Z, sigmoid output,
// MSE) and its training step are lesson 02's, linked from lesson 02's reference solution.
// The functions you write are in exercise.hpp.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "02_deep_ae/exercise.hpp"  // l02::train_step, which your step 4 calls
#include "02_deep_ae/lesson.hpp"    // l02::Autoencoder, make_autoencoder, reconstruct, ...
#include "ae/optim.hpp"
#include "ae/tensor.hpp"
#include "ae/train.hpp"

namespace ae::l03 {

// Any corruption: x (N, D) -> x_noisy (N, D), drawing fresh noise from rng on every call.
using Corruption = std::function<Matrix(const Matrix& x, Rng& rng)>;

// The library's corruption kinds (ae/objective.hpp), so the GPU trainer reads the same value;
// the lesson uses Gaussian, Masking and SaltPepper.
using NoiseKind = CorruptionKind;
// "gaussian" | "masking" | "salt-pepper"; throws ae::Error otherwise.
NoiseKind parse_noise_kind(const std::string& name);
std::string noise_name(NoiseKind kind);
std::string describe_noise(NoiseKind kind, float level);  // "gaussian 0.3", "masking 0.5"
// What `level` means for each kind: sigma (Gaussian) or the fraction of pixels hit.
std::string level_name(NoiseKind kind);
// The lesson's default level of each kind: sigma 0.3, 50% masked, 20% salt-and-pepper.
float default_level(NoiseKind kind);
// Your step 1, 2 or 3 at the given level, as a Corruption.
Corruption make_corruption(NoiseKind kind, float level);

// A corruption and its level, as the library describes it: NoiseSpec{NoiseKind::Gaussian, 0.3f}.
using NoiseSpec = CorruptionSpec;

// The one place the lesson's models are trained, with ae::train on the clean images x: your
// denoising_step with fresh noise in every batch of every epoch and the clean image as target
// (or, for an inactive noise, lesson 02's train_step: a plain AE). On a GPU (spec.device) the
// library's CUDA trainer draws the same kind of noise. on_epoch (may be empty) records figures.
History train_denoiser(l02::Autoencoder& model, const Matrix& x, const NoiseSpec& noise,
                       TrainSpec spec, const EpochFn& on_epoch = nullptr);

// The plain AE the denoisers are compared with: lesson 02's model saved at path when it loads and
// has config's architecture (source = "loaded from PATH"), else one trained here on the clean
// images x with spec (source says why). --quick (quick) trains one too, unless
// explicit_path: a full-data model would not be a fair comparison. An explicit path that does
// not load or does not match throws ae::Error.
l02::Autoencoder plain_autoencoder(const std::string& path, bool explicit_path, bool quick,
                                   const l02::AeConfig& config, const Matrix& x, TrainSpec spec,
                                   std::string& source);

// Mean over all N*D entries of (a - b)^2, accumulated in double: a: (N, D), b: (N, D).
double mse(const Matrix& a, const Matrix& b);

// Gaussian, masking, salt-and-pepper: the rows of the table, the grids.
const std::vector<NoiseKind>& all_kinds();

// One denoising autoencoder and how it was trained.
struct Denoiser {
    NoiseKind kind;
    float level;
    l02::Autoencoder model;
    History history;
    std::string input() const { return describe_noise(kind, level); }
    std::string label() const { return "DAE (" + input() + ")"; }
};

// The test images under one corruption, drawn once from a fixed seed, so every model is judged
// on the very same noisy images.
Matrix noisy_test(const Matrix& clean, NoiseKind kind, float level, uint64_t seed);

// Test MSE (vs clean) of the noisy input and of each model's output, one row per corruption
// plus the clean input. cols: "noisy input", "plain AE", then one per denoiser.
struct Table {
    std::vector<std::string> rows, cols;
    std::vector<std::vector<double>> mse;  // mse[col][row]
};
// Computes the table on clean: (N, D); report() prints it.
Table mse_table(const Matrix& clean, l02::Autoencoder& plain, std::vector<Denoiser>& daes,
                uint64_t seed);

// The denoiser trained on corruption k (else the first), and the level k is tested at.
Denoiser& denoiser_for(NoiseKind k, std::vector<Denoiser>& daes);
float level_for(NoiseKind k, std::vector<Denoiser>& daes);
// The position of kind in all_kinds(): 0 Gaussian, 1 masking, 2 salt-and-pepper.
size_t kind_index(NoiseKind kind);

}  // namespace ae::l03
