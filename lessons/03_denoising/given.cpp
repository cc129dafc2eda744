// Lesson 03, the code the lesson gives you: corruptions by name, the denoising training loop
// (ae::fit around your denoising_step) and the MSE used to compare noisy, plain and denoised.
// It calls the functions you write in exercise.cpp.
#include <cstdio>

#include "ae/error.hpp"
#include "exercise.hpp"

namespace ae::l03 {

NoiseKind parse_noise_kind(const std::string& name) {
    if (name == "gaussian") return NoiseKind::Gaussian;
    if (name == "masking") return NoiseKind::Masking;
    if (name == "salt-pepper") return NoiseKind::SaltPepper;
    throw Error("noise kind must be gaussian, masking or salt-pepper, got '" + name + "'");
}

std::string noise_name(NoiseKind kind) {
    switch (kind) {
        case NoiseKind::Gaussian:
            return "gaussian";
        case NoiseKind::Masking:
            return "masking";
        default:
            return "salt-pepper";
    }
}

std::string describe_noise(NoiseKind kind, float level) {
    char s[32];
    std::snprintf(s, sizeof s, " %g", double(level));
    return noise_name(kind) + s;
}

std::string level_name(NoiseKind kind) {
    return kind == NoiseKind::Gaussian ? "sigma" : "fraction of pixels";
}

float default_level(NoiseKind kind) {
    switch (kind) {
        case NoiseKind::Gaussian:
            return 0.3f;
        case NoiseKind::Masking:
            return 0.5f;
        default:
            return 0.2f;
    }
}

Corruption make_corruption(NoiseKind kind, float level) {
    switch (kind) {
        case NoiseKind::Gaussian:
            return [level](const Matrix& x, Rng& rng) { return add_gaussian_noise(x, level, rng); };
        case NoiseKind::Masking:
            return [level](const Matrix& x, Rng& rng) { return mask_noise(x, level, rng); };
        default:
            return [level](const Matrix& x, Rng& rng) { return salt_and_pepper(x, level, rng); };
    }
}

History train_denoising(l02::Autoencoder& model, const Matrix& x, const Corruption& corrupt,
                        const FitOptions& options, Optimizer& opt, const EpochFn& on_epoch) {
    return fit(
        x, options,
        [&](const Matrix& batch, const std::vector<size_t>&, Rng& rng) {
            return denoising_step(model, batch, corrupt, opt, rng);
        },
        on_epoch);
}

double mse(const Matrix& a, const Matrix& b) {
    require_shape(b, a.shape()[0], a.shape()[1], "mse: second argument vs first " + shape_str(a));
    double sum = 0;
    for (size_t i = 0; i < a.size(); ++i) {
        const double e = double(a.data()[i]) - double(b.data()[i]);
        sum += e * e;
    }
    return sum / double(a.size());
}

History train_model(const std::string& device, l02::Autoencoder& model, const Matrix& x,
                    const std::optional<NoiseSpec>& noise, const FitOptions& options, float lr,
                    const EpochFn& on_epoch) {
    if (device == "cuda") {  // the library's CUDA trainer draws the same kinds of noise
        GpuTrainConfig gpu;
        if (noise && noise->kind == NoiseKind::Gaussian) gpu.noise_sigma = noise->level;
        if (noise && noise->kind == NoiseKind::Masking) gpu.mask_prob = noise->level;
        if (noise && noise->kind == NoiseKind::SaltPepper) gpu.salt_pepper_prob = noise->level;
        return l02::train_autoencoder_gpu(model, x, options, lr, on_epoch, gpu);
    }
    Adam adam(lr);
    if (!noise) return l02::train_autoencoder(model, x, options, adam, on_epoch);
    return train_denoising(model, x, make_corruption(noise->kind, noise->level), options, adam,
                           on_epoch);
}

}  // namespace ae::l03
