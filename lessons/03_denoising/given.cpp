// Lesson 03, the code the lesson gives you (declared in lesson.hpp): corruptions by name, the
// denoising training loop (ae::train around your denoising_step) and the MSE used to compare
// noisy, plain and denoised images. It calls the functions you write in exercise.cpp.
#include <algorithm>
#include <cstdio>
#include <iostream>

#include "ae/error.hpp"
#include "ae/names.hpp"
#include "exercise.hpp"  // your corruptions and step, which the given code calls
#include "lesson.hpp"

namespace ae::l03 {

namespace {
constexpr std::pair<NoiseKind, const char*> kNoiseNames[] = {
    {NoiseKind::Gaussian, "gaussian"},
    {NoiseKind::Masking, "masking"},
    {NoiseKind::SaltPepper, "salt-pepper"}};
}  // namespace

NoiseKind parse_noise_kind(const std::string& name) {
    return value_named(kNoiseNames, name, "noise kind");
}

std::string noise_name(NoiseKind kind) {
    return name_of(kNoiseNames, kind);
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

History train_denoiser(l02::Autoencoder& model, const Matrix& x, const NoiseSpec& noise,
                       TrainSpec spec, const EpochFn& on_epoch) {
    if (!noise.active()) return l02::train_autoencoder(model, x, spec, on_epoch);
    spec.objective.loss = model.config.loss;
    spec.objective.corruption = noise;
    const Corruption corrupt = make_corruption(noise.kind, noise.level);
    return train(
        model.encoder, model.decoder, x, spec,
        [&](const Matrix& batch, const std::vector<size_t>&, Optimizer& opt, Rng& rng) {
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

l02::Autoencoder plain_autoencoder(const std::string& path, bool explicit_path, bool quick,
                                   const l02::AeConfig& config, const Matrix& train, TrainSpec spec,
                                   std::string& source) {
    std::string why = "--quick: same sample and epochs as the denoisers";
    try {
        if (!quick || explicit_path) {
            why = "no lesson 02 model at " + path;
            l02::Autoencoder m = l02::load_autoencoder(path, config.input);
            if (m.config.describe() == config.describe()) {
                source = "loaded from " + path;
                return m;
            }
            why = path + " is " + m.config.describe() + ", not " + config.describe();
        }
    } catch (const DataError&) {
        if (explicit_path) throw;
    }
    if (explicit_path) throw Error("--ae-model " + why + " (change --latent, or the model)");
    source = "trained here (" + why + ")";
    std::cout << "Plain AE: " << source << ", training it now\n";
    Rng rng(spec.fit.seed + 1);
    l02::Autoencoder m = l02::make_autoencoder(config, rng);
    spec.fit.name = "plain AE";
    l02::train_autoencoder(m, train, spec);
    return m;
}

// The measurements (lesson.hpp): every model on the same noisy test images.
const std::vector<NoiseKind>& all_kinds() {
    static const std::vector<NoiseKind> kinds = {NoiseKind::Gaussian, NoiseKind::Masking,
                                                 NoiseKind::SaltPepper};
    return kinds;
}

// The position of kind in all_kinds(): 0 Gaussian, 1 masking, 2 salt-and-pepper.
size_t kind_index(NoiseKind kind) {
    const auto& k = all_kinds();
    return static_cast<size_t>(std::find(k.begin(), k.end(), kind) - k.begin());
}

Matrix noisy_test(const Matrix& clean, NoiseKind kind, float level, uint64_t seed) {
    Rng rng(seed + 1000 + 17 * kind_index(kind));
    return make_corruption(kind, level)(clean, rng);
}

Denoiser& denoiser_for(NoiseKind k, std::vector<Denoiser>& daes) {
    for (auto& d : daes)
        if (d.kind == k) return d;
    return daes[0];
}
float level_for(NoiseKind k, std::vector<Denoiser>& daes) {
    return denoiser_for(k, daes).kind == k ? denoiser_for(k, daes).level : default_level(k);
}

Table mse_table(const Matrix& clean, l02::Autoencoder& plain, std::vector<Denoiser>& daes,
                uint64_t seed) {
    Table t;
    t.cols = {"noisy input", "plain AE"};
    for (const auto& d : daes) t.cols.push_back(d.label());
    t.mse.assign(t.cols.size(), {});
    for (size_t r = 0; r <= all_kinds().size(); ++r) {
        const bool noisy = r < all_kinds().size();
        const NoiseKind k = noisy ? all_kinds()[r] : NoiseKind::Gaussian;
        const float level = noisy ? level_for(k, daes) : 0.f;
        const Matrix x = noisy ? noisy_test(clean, k, level, seed) : clean;
        t.rows.push_back(noisy ? describe_noise(k, level) : "clean input");
        t.mse[0].push_back(mse(x, clean));
        t.mse[1].push_back(mse(l02::reconstruct(plain, x), clean));
        for (size_t c = 0; c < daes.size(); ++c)
            t.mse[2 + c].push_back(mse(l02::reconstruct(daes[c].model, x), clean));
    }
    return t;
}

}  // namespace ae::l03
