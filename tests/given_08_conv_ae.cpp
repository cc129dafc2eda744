// Tests of what lesson 08 gives (lessons/08_conv_ae/given*.cpp): the conv autoencoder's
// checkpoint round-trips, refuses lesson 02's and bounds what a file claims. Not the learner's:
// built against the reference, label given, left out of the stub check and of ./workshop
// check's steps (cmake/AeLesson.cmake). Run: ctest --test-dir build -L given -R given_08
#include <doctest/doctest.h>

#include <string>

#include "02_deep_ae/lesson.hpp"
#include "ae/checkpoint.hpp"
#include "ae/error.hpp"
#include "ae/io.hpp"
#include "exercise.hpp"
#include "test_util.hpp"

using namespace ae;
using namespace ae::l08;

TEST_CASE("08 given save_conv_autoencoder: checkpoints round-trip and lesson 02's are refused") {
    const test::TempDir tmp("given-08");
    const std::string dir = tmp.path().string();
    Rng rng(14);
    ConvAeConfig c;
    c.height = c.width = 8, c.channels = {2, 3}, c.latent = 4;
    ConvAutoencoder m = build_conv_autoencoder(c, rng);
    const Matrix x = rng.uniform(3, 64);
    save_conv_autoencoder(dir + "/conv.ckpt", m);
    ConvAutoencoder back = load_conv_autoencoder(dir + "/conv.ckpt");
    test::check_close(reconstruct(back, x), reconstruct(m, x), 1e-6, "reloaded model's output");

    l02::AeConfig mlp_config;
    mlp_config.input = 64, mlp_config.hidden = {8}, mlp_config.latent = 4;
    l02::Autoencoder mlp = l02::make_autoencoder(mlp_config, rng);
    l02::save_autoencoder(dir + "/mlp.ckpt", mlp);
    const std::string before = read_text(dir + "/mlp.ckpt");
    CHECK_THROWS_WITH_AS(load_conv_autoencoder(dir + "/mlp.ckpt"), doctest::Contains("lesson 02"),
                         DataError);
    CHECK_THROWS_WITH_AS(save_conv_autoencoder(dir + "/mlp.ckpt", m),
                         doctest::Contains("refusing to overwrite"), DataError);
    CHECK_MESSAGE(read_text(dir + "/mlp.ckpt") == before, "lesson 02's checkpoint was changed");
    CHECK_THROWS_AS(l02::load_autoencoder(dir + "/conv.ckpt"), DataError);

    // A checkpoint whose architecture asks for more than the file holds or the lesson can use.
    for (const std::string& bad :
         {std::string("channels 100000 100000"), std::string("channels 512 512")}) {
        const std::string path = dir + "/huge.ckpt";
        save_checkpoint(path, {},
                        "ae-model conv_autoencoder\nimage 1 28 28\n" + bad +
                            "\ncode 32\nkernels 3 4\nstride 2\n");
        std::string msg;
        try {
            load_conv_autoencoder(path);
        } catch (const DataError& e) {
            msg = e.what();
        }
        CHECK_MESSAGE((msg.find(path) != std::string::npos &&
                       (msg.find("100000 is outside 1..512") != std::string::npos ||
                        msg.find("parameters") != std::string::npos)),
                      "a checkpoint claiming " << bad << ": " << msg);
    }
}
