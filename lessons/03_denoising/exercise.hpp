// Lesson 03: a denoising autoencoder. Corrupt the input, keep the clean image as the target, and
// the network learns to remove the noise. The functions you write in exercise.cpp; what the
// lesson gives around them (corruptions by name, training, lesson 02's model) is in lesson.hpp.
// Check with: ./workshop check 03      Run with: ./workshop run 03
#pragma once
#include "ae/optim.hpp"
#include "ae/tensor.hpp"
#include "lesson.hpp"

namespace ae::l03 {

// The corruptions. Each takes clean images x: (N, D) with pixels in [0, 1], draws its noise from
// rng only (the same seed gives the same noise; a second call gives new noise), independently
// for every one of the N*D pixels, and returns a new (N, D) matrix with pixels in [0, 1]. x
// itself is never changed.

// README step 1. Additive Gaussian noise of standard deviation sigma, brought back to the
// pixel range [0, 1].
Matrix add_gaussian_noise(const Matrix& x, float sigma, Rng& rng);

// README step 2. Masking noise: each pixel, with probability `fraction`, is switched off (set to
// 0); the others keep their exact value. fraction 0 changes nothing, fraction 1 blanks x.
Matrix mask_noise(const Matrix& x, float fraction, Rng& rng);

// README step 3. Salt-and-pepper noise: each pixel, with probability `fraction`, is replaced by
// 0 or 1 (a fair coin decides which); the others keep their exact value.
Matrix salt_and_pepper(const Matrix& x, float fraction, Rng& rng);

// README step 4. One denoising training step on a batch of clean images x: (N, D): corrupt x
// with `corrupt` (exactly once, with the rng you were given, so every step and every epoch sees
// new noise), then one lesson 02 training step that teaches the model to undo the corruption.
// Returns that step's loss.
double denoising_step(l02::Autoencoder& model, const Matrix& x, const Corruption& corrupt,
                      Optimizer& opt, Rng& rng);

}  // namespace ae::l03
