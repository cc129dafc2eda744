// Lesson 03, the reference solution: three corruptions (Gaussian, masking, salt-and-pepper) and
// the denoising training step (noisy input, clean target). Built as solution_03 /
// test_solution_03: ./workshop solution 03      ./workshop test 03
#include <xtensor/xmath.hpp>
#include <xtensor/xoperation.hpp>

#include "exercise.hpp"

namespace ae::l03 {

Matrix add_gaussian_noise(const Matrix& x, float sigma, Rng& rng) {
    const Matrix eps = rng.normal_fast(x.shape()[0], x.shape()[1]);  // (N, D), one per pixel
    return xt::clip(x + sigma * eps, 0.f, 1.f);
}

Matrix mask_noise(const Matrix& x, float fraction, Rng& rng) {
    const Matrix u = rng.uniform(x.shape()[0], x.shape()[1]);  // P(u < fraction) = fraction
    return xt::where(u < fraction, 0.f, x);
}

Matrix salt_and_pepper(const Matrix& x, float fraction, Rng& rng) {
    // One uniform draw decides both: u < fraction/2 -> pepper (0), fraction/2 <= u < fraction ->
    // salt (1). Same law as "hit with probability fraction, then a fair coin".
    const Matrix u = rng.uniform(x.shape()[0], x.shape()[1]);
    return xt::where(u < 0.5f * fraction, 0.f, xt::where(u < fraction, 1.f, x));
}

double denoising_step(l02::Autoencoder& model, const Matrix& x, const Corruption& corrupt,
                      Optimizer& opt, Rng& rng) {
    const Matrix noisy = corrupt(x, rng);          // new noise on every call
    return l02::train_step(model, noisy, x, opt);  // target: the clean images
}

}  // namespace ae::l03
