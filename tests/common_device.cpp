// Tests of the device-selection logic (ae::resolve_device, ae/device.hpp) that run on every
// machine: with or without CUDA, with or without a GPU. The GPU itself is tested by test_gpu
// (tests/gpu_train.cpp, label "gpu"), which is skipped where there is none.
#include <doctest/doctest.h>

#include <string>

#include "ae/cli.hpp"
#include "ae/device.hpp"
#include "ae/error.hpp"
#include "ae/gpu_vae.hpp"

using namespace ae;

TEST_CASE(
    "common device: --device cpu is always the CPU; auto picks the GPU exactly when one is there") {
    CHECK(resolve_device("cpu") == "cpu");
    CHECK(resolve_device("auto") == (cuda_available() ? "cuda" : "cpu"));
#ifdef AE_HAVE_CUDA
    CHECK(cuda_built());
#else
    CHECK_FALSE(cuda_built());
    CHECK_FALSE(cuda_available());
#endif
    CHECK_FALSE(cuda_device_summary().empty());
}

TEST_CASE("common device: --device cuda without a GPU is a clear error that names --device cpu") {
    if (cuda_available()) {
        CHECK(resolve_device("cuda") == "cuda");
        return;
    }
    try {
        resolve_device("cuda");
        FAIL("resolve_device(\"cuda\") returned without a GPU");
    } catch (const Error& e) {
        INFO("message: " << e.what());
        CHECK(std::string(e.what()).find("--device cpu") != std::string::npos);
    }
}

TEST_CASE("common device: the GPU trainer without a GPU throws ae::Error instead of crashing") {
    if (cuda_available()) return;  // covered by test_gpu
    Rng rng(1);
    Sequential m;
    m.add<Dense>(4, 2, rng);
    m.add<ReLU>();
    m.add<Dense>(2, 4, rng);
    CHECK_THROWS_AS(GpuAutoencoder(m, GpuTrainConfig{}, 8), Error);
    const Matrix x = rng.uniform(16, 4);
    CHECK_THROWS_AS(fit_autoencoder_gpu(m, x, FitOptions{}, GpuTrainConfig{}), Error);
}

TEST_CASE("common device: the GPU VAE trainer without a GPU throws ae::Error instead of crashing") {
    if (cuda_available()) return;  // covered by test_gpu_lessons
    Rng rng(1);
    Sequential trunk, mu, logvar, decoder;
    trunk.add<Dense>(6, 4, rng), trunk.add<ReLU>();
    mu.add<Dense>(4, 2, rng), logvar.add<Dense>(4, 2, rng);
    decoder.add<Dense>(2, 4, rng), decoder.add<ReLU>(), decoder.add<Dense>(4, 6, rng);
    const VaeParts parts{&trunk, &mu, &logvar, &decoder};
    CHECK_THROWS_AS(GpuVae(parts, GpuVaeConfig{}, 8), Error);
    const Matrix x = rng.uniform(16, 6);
    CHECK_THROWS_AS(fit_vae_gpu(parts, x, FitOptions{}, GpuVaeConfig{}), Error);
}
