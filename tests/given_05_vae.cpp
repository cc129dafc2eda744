// Tests of what lesson 05 gives (lessons/05_vae/given*.cpp): the saved VAE (lessons 06 and 07
// load it this way) loads back with the same per-image scores. Not the learner's: built against
// the reference, label given, left out of the stub check and of ./workshop check's steps
// (cmake/AeLesson.cmake). Run: ctest --test-dir build -R given_05
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "exercise.hpp"
#include "test_util.hpp"

using namespace ae;
using namespace ae::l05;

TEST_CASE("05 given save_vae: a saved VAE loads back with the same per-image scores") {
    Rng rng(4);
    Vae m = make_vae(64, 16, 8, rng);
    const Matrix x = rng.uniform(20, 64);
    const test::TempDir dir("given-05");
    const std::string path = dir.file("vae.ckpt");
    save_vae(m, path, "test");
    Vae back = load_vae(path, 64, 16, 8);
    const std::vector<double> want = negative_elbo_per_image(m, x),
                              again = negative_elbo_per_image(back, x);
    REQUIRE(again.size() == want.size());
    for (size_t i = 0; i < again.size(); ++i) CHECK(again[i] == doctest::Approx(want[i]));
}
