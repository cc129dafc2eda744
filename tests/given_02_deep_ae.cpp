// Tests of what lesson 02 gives (lessons/02_deep_ae/given*.cpp): the saved model (lessons 03,
// 06, 07 ... load it this way) loads back with its architecture and the same outputs. Not the
// learner's: built against the reference, label given, left out of the stub check and of
// ./workshop check's steps (cmake/AeLesson.cmake). Run: ctest --test-dir build -R given_02
#include <doctest/doctest.h>

#include <string>

#include "exercise.hpp"
#include "lesson.hpp"
#include "test_util.hpp"

using namespace ae;
using namespace ae::l02;

TEST_CASE("02 given save_autoencoder: a saved model loads back with its architecture and outputs") {
    Rng rng(3);
    AeConfig c;
    c.input = 64, c.hidden = {16}, c.latent = 4;
    Autoencoder model = make_autoencoder(c, rng);
    const Matrix x = rng.uniform(10, 64);
    const test::TempDir dir("given-02");
    const std::string path = dir.file("model.ckpt");
    save_autoencoder(path, model);
    Autoencoder loaded = load_autoencoder(path);
    CHECK(loaded.config.describe() == model.config.describe());
    test::check_close(reconstruct(loaded, x), reconstruct(model, x), 1e-6, "reloaded model");
}
