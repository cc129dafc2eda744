// Tests of lesson 11's explorer page (lessons/11_latent/explorer.hpp): the decoder as the page
// runs it, the writer's refusals, and the page itself in a real browser (headless chromium: no
// error in the page or its console, and its decoder gives the C++ decoder's pixels). Without a
// browser the last one prints "SKIPPED" (CTest: Skipped); AE_REQUIRE_BROWSER=1 (CI) fails instead.
// Run: ctest --test-dir build -L browser --output-on-failure    (or build/bin/test_explorer_11)
#include <doctest/doctest.h>

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "ae/error.hpp"
#include "ae/loss.hpp"
#include "ae/nn.hpp"
#include "browser.hpp"
#include "explorer.hpp"
#include "test_util.hpp"

using namespace ae;
using namespace ae::l11;
namespace fs = std::filesystem;

namespace {

// A small decoder with every activation the page knows: 2 -> 784 logits, seeded weights.
Sequential test_decoder() {
    Rng rng(11);
    Sequential s;
    s.add<Dense>(2, 32, rng), s.add<ReLU>();
    s.add<Dense>(32, 32, rng), s.add<Tanh>();
    s.add<Dense>(32, 32, rng), s.add<LeakyReLU>(0.1f);
    s.add<Dense>(32, 32, rng, Init::Xavier), s.add<Elu>(0.5f);
    s.add<Dense>(32, 32, rng, Init::Xavier), s.add<Sigmoid>();
    s.add<Dense>(32, 784, rng, Init::Xavier), s.add<Identity>();
    // Random biases (Dense starts them at 0, which would hide a page that forgets them), and a
    // last layer 3x larger, so the logits reach the sigmoid's steep middle and its flat ends.
    for (size_t i = 0; i < s.size(); i += 2) {
        auto& dense = static_cast<Dense&>(s[i]);
        dense.b = rng.normal(1, dense.out(), 0.f, 0.5f);
    }
    static_cast<Dense&>(s[10]).W *= 3.f;
    return s;
}

// A page's worth of data: n points, random images and maps, codes from -6 to 6 (the sigmoid's
// flat ends included), two models.
ExplorerInput test_input(Sequential& decoder, size_t n) {
    Rng rng(7);
    ExplorerInput in;
    in.map2d = rng.normal(n, 2, 0.f, 10.f);
    in.images = rng.uniform(n, 784);
    for (size_t i = 0; i < n; ++i) in.labels.push_back(static_cast<int>(i % 10));
    in.class_names = {"T-shirt/top", "Trouser", "Pullover", "Dress",      "Coat",
                      "Sandal",      "Shirt",   "Sneaker",  "Bag <&\"'>", "Ankle boot"};
    in.reconstructions = {{"AE", rng.uniform(n, 784)}, {"VAE", rng.uniform(n, 784)}};
    in.decoder = dense_steps(decoder, true);
    in.vae_codes = rng.uniform(n, 2, -6.f, 6.f);
    return in;
}

// The lines of the page's #selftest element: "decode_ms X", "pixels M 784", M rows, "selftest
// done".
struct SelfTest {
    double decode_ms = NAN;
    std::vector<double> image_sums;  // images, then each model's reconstructions
    Matrix pixels;
    bool done = false;
};
SelfTest parse_selftest(const std::string& text) {
    SelfTest t;
    std::istringstream s(text);
    std::string word;
    size_t m = 0, d = 0;
    s >> word >> t.decode_ms >> word;
    for (double v; s >> v;) t.image_sums.push_back(v);
    s.clear();
    s >> word >> m >> d;
    if (word != "pixels" || !s) return t;
    t.pixels = Matrix({m, d});
    for (size_t i = 0; i < m * d && s; ++i) s >> t.pixels.data()[i];
    std::getline(s >> std::ws, word);
    t.done = s && word == "selftest done";
    return t;
}

// The sums of the grey levels the page should hold.
std::vector<double> expected_image_sums(const ExplorerInput& in) {
    std::vector<const Matrix*> sets = {&in.images};
    for (const auto& r : in.reconstructions) sets.push_back(&r.second);
    std::vector<double> sums;
    for (const Matrix* m : sets) {
        double sum = 0;
        for (float v : *m) sum += grey_level(v);
        sums.push_back(sum);
    }
    return sums;
}

}  // namespace

TEST_CASE(
    "11 explorer dense_steps: the decoder as the page runs it gives the Sequential's pixels") {
    Sequential decoder = test_decoder();
    const std::vector<DenseStep> steps = dense_steps(decoder, true);
    REQUIRE(steps.size() == 6);
    CHECK(steps[2].act == Activation::LeakyReLU);
    CHECK(steps[2].param == doctest::Approx(0.1f));
    CHECK(steps[3].act == Activation::Elu);
    CHECK(steps[3].param == doctest::Approx(0.5f));
    CHECK(steps[5].act == Activation::Sigmoid);  // Identity, then the sigmoid on the logits
    Rng rng(3);
    const Matrix z = rng.uniform(20, 2, -6.f, 6.f);
    const Matrix got = forward_steps(steps, z), expected = sigmoid(decoder.forward(z));
    REQUIRE(got.shape() == expected.shape());
    CHECK(xt::amax(xt::abs(got - expected))() < 1e-6f);
}

TEST_CASE("11 explorer dense_steps: refuses layers the page cannot run, naming them") {
    Rng rng(1);
    Sequential dropout;
    dropout.add<Dense>(2, 4, rng), dropout.add<Dropout>(0.5f);
    CHECK_THROWS_WITH_AS(dense_steps(dropout, true), doctest::Contains("Dropout"), Error);
    Sequential twice;
    twice.add<Dense>(2, 4, rng), twice.add<ReLU>(), twice.add<Tanh>();
    CHECK_THROWS_WITH_AS(dense_steps(twice, true), doctest::Contains("Tanh"), Error);
    Sequential ends_in_sigmoid;
    ends_in_sigmoid.add<Dense>(2, 4, rng), ends_in_sigmoid.add<Sigmoid>();
    CHECK_THROWS_WITH_AS(dense_steps(ends_in_sigmoid, true), doctest::Contains("sigmoid_output"),
                         Error);
    CHECK(dense_steps(ends_in_sigmoid, false).back().act == Activation::Sigmoid);
}

TEST_CASE("11 explorer write_explorer: refuses inconsistent input, names it and writes nothing") {
    const test::TempDir tmp("explorer");
    const std::string page = (tmp.path() / "explorer.html").string();
    Sequential decoder = test_decoder();
    auto refused = [&](const ExplorerInput& in, const std::string& named) {
        CHECK_THROWS_WITH_AS(write_explorer(page, in), doctest::Contains(named.c_str()), Error);
        CHECK_MESSAGE(fs::is_empty(tmp.path()), "nothing may be written when the input is refused");
    };
    ExplorerInput in = test_input(decoder, 12);
    in.map2d = Matrix({12, 3});
    refused(in, "map2d");
    in = test_input(decoder, 12), in.images = Matrix({11, 784});
    refused(in, "images");
    in = test_input(decoder, 12), in.labels[5] = 10;
    refused(in, "label 10 of point 5");
    in = test_input(decoder, 12), in.vae_codes(3, 1) = NAN;
    refused(in, "vae_codes");
    in = test_input(decoder, 12), in.reconstructions[1].second = Matrix({12, 783});
    refused(in, "reconstructions of VAE");
    in = test_input(decoder, 12), in.decoder.pop_back();
    refused(in, "784");
    write_explorer(page, test_input(decoder, 12));
    CHECK(fs::file_size(page) > 0);
}

TEST_CASE("11 explorer page in headless chromium: no error, and its decoder gives C++'s pixels") {
    const std::string chromium = browser::find_chromium();
    const char* require = std::getenv("AE_REQUIRE_BROWSER");
    if (chromium.empty()) {
        REQUIRE_MESSAGE(
            !(require && std::string(require) == "1"),
            "AE_REQUIRE_BROWSER=1 but no chromium on PATH: bash scripts/install-deps.sh");
        std::printf(
            "SKIPPED: no browser (chromium) on PATH, so the explorer page was not opened. "
            "Install it with: bash scripts/install-deps.sh (or apt-get install chromium)\n");
        return;
    }
    const test::TempDir tmp("explorer");
    Sequential decoder = test_decoder();
    const ExplorerInput in = test_input(decoder, 64);
    const fs::path page = tmp.path() / "explorer page.html";  // a space: the URL must encode it
    write_explorer(page.string(), in);
    const browser::Result r =
        browser::dump_dom(chromium, browser::file_url(page) + "#selftest", tmp.path() / "run");
    INFO("browser: ", chromium, "\nits stderr:\n", r.log);
    REQUIRE_MESSAGE(r.exit_code == 0, "the browser did not end normally");
    bool found = false;
    const std::string errors = browser::element_text(r.dom, "pre", "page-errors", found);
    REQUIRE_MESSAGE(found, "the dumped DOM has no #page-errors element: did the page load?");
    CHECK_MESSAGE(errors.empty(), "the page reported errors:\n", errors);
    const size_t console = r.log.find(":CONSOLE");
    CHECK_MESSAGE(console == std::string::npos, "the page wrote to the console (it never should): ",
                  r.log.substr(r.log.rfind('\n', console) + 1, 300));
    const SelfTest t = parse_selftest(browser::element_text(r.dom, "pre", "selftest", found));
    REQUIRE_MESSAGE(t.done,
                    "the page's self-test did not finish (no 'selftest done' in #selftest)");
    CHECK_MESSAGE(t.image_sums == expected_image_sums(in),
                  "the page's images (their byte sums) differ from the ones written");
    const Matrix expected = sigmoid(decoder.forward(in.vae_codes));
    REQUIRE(t.pixels.shape() == expected.shape());
    const float worst = xt::amax(xt::abs(t.pixels - expected))();
    CHECK_MESSAGE(worst <= 1e-4f, "the page's pixels differ from the C++ decoder's by up to ",
                  worst, " (tolerance 1e-4)");
    CHECK_MESSAGE(std::isfinite(t.decode_ms), "the page did not time its decoder");
    std::printf(
        "explorer page: %zu bytes for %zu points; page vs C++ decoder: max |diff| %.2g; "
        "one decode of the 2-32x5-784 test decoder: %.4f ms\n",
        static_cast<size_t>(fs::file_size(page)), in.labels.size(), worst, t.decode_ms);
}
