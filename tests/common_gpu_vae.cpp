// Tests of lesson 05's VAE bridge to the CUDA trainer (ae/gpu_vae.hpp, common/src/gpu_vae.cpp)
// that run on every machine: without a GPU it throws ae::Error. On a GPU: gpu_lessons.cpp.
// Run: build/bin/test_common -tc="common device*"
#include <doctest/doctest.h>

#include "ae/device.hpp"
#include "ae/error.hpp"
#include "ae/gpu_vae.hpp"
#include "ae/training.hpp"
#include "ae/nn.hpp"

using namespace ae;

TEST_CASE("common device: the GPU VAE trainer without a GPU throws ae::Error instead of crashing") {
    if (cuda_available()) return;  // covered by test_gpu_lessons
    Rng rng(1);
    Sequential trunk, mu, logvar, decoder;
    trunk.add<Dense>(6, 4, rng), trunk.add<ReLU>();
    mu.add<Dense>(4, 2, rng), logvar.add<Dense>(4, 2, rng);
    decoder.add<Dense>(2, 4, rng), decoder.add<ReLU>(), decoder.add<Dense>(4, 6, rng);
    const VaeParts parts{&trunk, &mu, &logvar, &decoder};
    CHECK_THROWS_AS(GpuVae(parts, 1.f, OptimizerSpec{}, 8), Error);
    TrainSpec spec;
    spec.device = "cuda";
    spec.fit.progress = spec.fit.verbose = false;
    const Matrix x = rng.uniform(16, 6);
    CHECK_THROWS_AS(train(parts, 1.f, x, spec, nullptr), Error);
}
