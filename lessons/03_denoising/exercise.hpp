// Lesson 03: a denoising autoencoder. Corrupt the input, keep the clean image as the target, and
// the network learns to remove the noise. The contract between the lesson program, the tests and
// your code: you write the functions marked "you write" in exercise.cpp. The model and its
// training step come from lesson 02. Check with: ./workshop check 03   Run: ./workshop run 03
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "02_deep_ae/exercise.hpp"
#include "ae/optim.hpp"
#include "ae/tensor.hpp"
#include "ae/train.hpp"

namespace ae::l03 {

// ---- The corruptions. Each takes clean images x: (N, D) with pixels in [0, 1], draws fresh
// noise from rng (independently for every one of the N*D pixels) and returns a new (N, D)
// matrix with pixels in [0, 1]. x itself is never changed. ----

// Step 1 (you write): additive Gaussian noise, clipped back to the pixel range:
// x_noisy = clip(x + sigma * eps, 0, 1), eps ~ N(0, 1) drawn independently per pixel.
Matrix add_gaussian_noise(const Matrix& x, float sigma, Rng& rng);

// Step 2 (you write): masking noise. Each pixel independently, with probability `fraction`,
// is set to 0 (switched off); the others keep their exact value.
Matrix mask_noise(const Matrix& x, float fraction, Rng& rng);

// Step 3 (you write): salt-and-pepper noise. Each pixel independently, with probability
// `fraction`, is replaced by 0 or 1 (a fair coin decides which); the others keep their value.
Matrix salt_and_pepper(const Matrix& x, float fraction, Rng& rng);

// Any corruption: x (N, D) -> x_noisy (N, D), drawing fresh noise from rng on every call.
using Corruption = std::function<Matrix(const Matrix& x, Rng& rng)>;

// Step 4 (you write): one denoising training step on a batch of clean images x: (N, D):
// x_noisy = corrupt(x, rng) (call it exactly once, with the rng you were given, so every step
// and every epoch sees new noise), then one lesson 02 step with the noisy images as input and
// the CLEAN images as target: l02::train_step(model, x_noisy, x, opt). Returns its loss.
double denoising_step(l02::Autoencoder& model, const Matrix& x, const Corruption& corrupt,
                      Optimizer& opt, Rng& rng);

// ---- Given (given.cpp): built on your functions. ----

enum class NoiseKind { Gaussian, Masking, SaltPepper };
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

// Trains model on the clean images x with ae::fit and your denoising_step (fit hands every step
// its own random stream, so the noise is fresh in every batch of every epoch). on_epoch (may be
// empty) records test figures. options.lr is only the advice shown if training diverges.
History train_denoising(l02::Autoencoder& model, const Matrix& x, const Corruption& corrupt,
                        const FitOptions& options, Optimizer& opt,
                        const EpochFn& on_epoch = nullptr);

// The one place the lesson's models are trained: on the clean images x for options.epochs with
// Adam(lr); no noise = plain AE (input = target), else denoising (fresh noise every batch, clean
// target). device "cuda": the library's CUDA trainer, which draws the same kinds of noise.
struct NoiseSpec {
    NoiseKind kind;
    float level;
};
History train_model(const std::string& device, l02::Autoencoder& model, const Matrix& x,
                    const std::optional<NoiseSpec>& noise, const FitOptions& options, float lr,
                    const EpochFn& on_epoch = nullptr);

// Mean over all N*D entries of (a - b)^2, accumulated in double: a: (N, D), b: (N, D).
double mse(const Matrix& a, const Matrix& b);

}  // namespace ae::l03
