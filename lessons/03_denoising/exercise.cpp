// Lesson 03: a denoising autoencoder. Your code goes here.
// Read README.md (steps 1-4), then replace each AE_TODO with your implementation.
// Check your work: ./workshop check 03      Run the lesson: ./workshop run 03
#include "ae/todo.hpp"
#include "exercise.hpp"

namespace ae::l03 {

Matrix add_gaussian_noise(const Matrix& x, float sigma, Rng& rng) {
    // TODO(lesson 03, step 1): x + sigma * N(0, 1), then clip to [0, 1].
    AE_TODO("03", "add_gaussian_noise", x, sigma, rng);
}

Matrix mask_noise(const Matrix& x, float fraction, Rng& rng) {
    // TODO(lesson 03, step 2): set each pixel to 0 where a uniform draw is below fraction.
    AE_TODO("03", "mask_noise", x, fraction, rng);
}

Matrix salt_and_pepper(const Matrix& x, float fraction, Rng& rng) {
    // TODO(lesson 03, step 3): with probability fraction a pixel becomes 0 or 1 (half each).
    AE_TODO("03", "salt_and_pepper", x, fraction, rng);
}

double denoising_step(l02::Autoencoder& model, const Matrix& x, const Corruption& corrupt,
                      Optimizer& opt, Rng& rng) {
    // TODO(lesson 03, step 4): noisy = corrupt(x, rng); then l02::train_step with target x.
    AE_TODO("03", "denoising_step", model, x, corrupt, opt, rng);
}

}  // namespace ae::l03
