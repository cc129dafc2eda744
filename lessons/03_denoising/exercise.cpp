// Lesson 03: a denoising autoencoder. Your code goes here: read README.md (steps 1-4) and
// replace each AE_TODO with your implementation.
// Check your work: ./workshop check 03 (or watch 03)      Stuck? ./workshop hint 03 STEP
#include "ae/todo.hpp"
#include "exercise.hpp"

namespace ae::l03 {

Matrix add_gaussian_noise(const Matrix& x, float sigma, Rng& rng) {
    // TODO(lesson 03, step 1): see README "Step 1: Gaussian corruption".
    AE_TODO("03", "add_gaussian_noise", x, sigma, rng);
}

Matrix mask_noise(const Matrix& x, float fraction, Rng& rng) {
    // TODO(lesson 03, step 2): see README "Step 2: Masking corruption".
    AE_TODO("03", "mask_noise", x, fraction, rng);
}

Matrix salt_and_pepper(const Matrix& x, float fraction, Rng& rng) {
    // TODO(lesson 03, step 3): see README "Step 3: Salt-and-pepper corruption".
    AE_TODO("03", "salt_and_pepper", x, fraction, rng);
}

double denoising_step(l02::Autoencoder& model, const Matrix& x, const Corruption& corrupt,
                      Optimizer& opt, Rng& rng) {
    // TODO(lesson 03, step 4): see README "Step 4: The denoising step".
    AE_TODO("03", "denoising_step", model, x, corrupt, opt, rng);
}

}  // namespace ae::l03
