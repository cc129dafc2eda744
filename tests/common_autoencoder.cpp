// Tests of the MLP autoencoder component (ae/autoencoder.hpp) and its checkpoint: the
// architecture travels inside the one file, a failed save leaves the previous model loading
// with its own architecture, a FIFO is refused without blocking, and every size a file or flag
// claims is bounded before anything is allocated, with the file or flag, value and bound named.
#include <doctest/doctest.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <xtensor/xrandom.hpp>

#include "ae/arch_record.hpp"
#include "ae/autoencoder.hpp"
#include "ae/checkpoint.hpp"
#include "ae/error.hpp"
#include "test_util.hpp"

using namespace ae;
namespace fs = std::filesystem;

namespace {

using test::contains;
using test::error_of;

// The layers of an architecture from the library's own layers (lesson 02 builds them with the
// learner's code; here only the shapes matter). Counts its calls.
int g_builds = 0;
MlpAutoencoder build_plain(const MlpArch& a, Rng& rng) {
    ++g_builds;
    MlpAutoencoder m;
    m.config = a;
    std::vector<size_t> w{a.input};
    for (size_t h : a.hidden) w.push_back(h);
    w.push_back(a.latent);
    for (size_t i = 0; i + 1 < w.size(); ++i) m.encoder.add<Dense>(w[i], w[i + 1], rng);
    for (size_t i = w.size() - 1; i > 0; --i) m.decoder.add<Dense>(w[i], w[i - 1], rng);
    return m;
}

MlpArch small_arch(const std::string& activation = "relu") {
    MlpArch a;
    a.input = 6, a.hidden = {5}, a.latent = 2, a.activation = activation;
    return a;
}

}  // namespace

TEST_CASE("common autoencoder: one file holds the architecture and the values, nothing beside it") {
    const test::TempDir dir("autoencoder");
    Rng rng(1);
    MlpArch arch = small_arch("tanh");
    arch.tied = false, arch.dropout = 0.25f, arch.loss = LossKind::Bce;
    MlpAutoencoder m = build_plain(arch, rng);
    save_mlp_autoencoder(dir.file("m.ckpt"), m, "seed 1 epochs 3");
    CHECK(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()) == 1);
    std::string note;
    MlpAutoencoder back = load_mlp_autoencoder(dir.file("m.ckpt"), build_plain, 6, &note);
    CHECK(back.config.describe() == arch.describe());
    CHECK(back.config.dropout == arch.dropout);
    CHECK(note == "seed 1 epochs 3");
    const auto pa = m.params(), pb = back.params();
    REQUIRE(pa.size() == pb.size());
    for (size_t i = 0; i < pa.size(); ++i) CHECK(xt::all(xt::equal(*pa[i].value, *pb[i].value)));
}

TEST_CASE("common autoencoder: a save that fails part-way leaves the previous model, whole") {
    const test::TempDir dir("autoencoder");
    const std::string path = dir.file("model.ckpt");
    Rng rng(2);
    MlpAutoencoder relu = build_plain(small_arch("relu"), rng);
    save_mlp_autoencoder(path, relu);
    // A wider tanh model whose file cannot be written in full (a file size limit: a full disk).
    MlpArch wide = small_arch("tanh");
    wide.hidden = {512};
    MlpAutoencoder tanh_model = build_plain(wide, rng);
    const auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
    rlimit old{};
    getrlimit(RLIMIT_FSIZE, &old);
    rlimit small = old;
    small.rlim_cur = 4096;
    setrlimit(RLIMIT_FSIZE, &small);
    const std::string msg = error_of([&] { save_mlp_autoencoder(path, tanh_model); });
    setrlimit(RLIMIT_FSIZE, &old);
    std::signal(SIGXFSZ, old_handler);
    CHECK_MESSAGE(msg != "(no error)", "the save should have failed");
    MlpAutoencoder back = load_mlp_autoencoder(path, build_plain, 6);
    CHECK(back.config.activation == "relu");
    CHECK(back.config.hidden == std::vector<size_t>{5});
    CHECK(xt::all(xt::equal(*relu.params()[0].value, *back.params()[0].value)));
    for (const auto& e : fs::directory_iterator(dir.path()))  // no temporary left behind
        CHECK_MESSAGE(e.path().filename() == "model.ckpt", e.path());
}

TEST_CASE("common autoencoder: a FIFO where a checkpoint should be is refused, not waited on") {
    const test::TempDir dir("autoencoder");
    const std::string fifo = dir.file("model.ckpt");
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    Matrix w({2, 3}), g({2, 3});
    for (const std::string& msg :
         {error_of([&] { read_checkpoint_header(fifo); }), error_of([&] {
              load_checkpoint(fifo, {{"w", &w, &g}});
          }),
          error_of([&] { load_mlp_autoencoder(fifo, build_plain, 784); })}) {
        CHECK_MESSAGE(contains(msg, fifo), msg);
        CHECK_MESSAGE(contains(msg, "not a regular file"), msg);
    }
}

TEST_CASE("common autoencoder: sizes in a checkpoint are bounded before the model is built") {
    const test::TempDir dir("autoencoder");
    const auto store = [&](const std::string& name, const std::string& description) {
        save_checkpoint(dir.file(name), {}, description);
        return dir.file(name);
    };
    MlpArch a = small_arch();
    g_builds = 0;
    SUBCASE("a width over the bound: the file, the value and the bound") {
        a.hidden = {100000};
        const std::string path = store("wide.ckpt", mlp_arch_text(a));
        const std::string msg = error_of([&] { load_mlp_autoencoder(path, build_plain); });
        CHECK_MESSAGE((contains(msg, path) && contains(msg, "100000") && contains(msg, "16384")),
                      msg);
    }
    SUBCASE("parameters the file does not hold: refused before building") {
        a.input = 784, a.hidden = {4096};
        const std::string path = store("thin.ckpt", mlp_arch_text(a));
        const std::string msg = error_of([&] { load_mlp_autoencoder(path, build_plain, 784); });
        CHECK_MESSAGE((contains(msg, path) && contains(msg, "too small")), msg);
    }
    SUBCASE("another image size than the program's: both sizes named") {
        const std::string path = store("other.ckpt", mlp_arch_text(a));
        const std::string msg = error_of([&] { load_mlp_autoencoder(path, build_plain, 784); });
        CHECK_MESSAGE(
            (contains(msg, path) && contains(msg, "6 inputs") && contains(msg, "784 pixels")), msg);
    }
    SUBCASE("an older checkpoint (architecture in a .cfg side file): says to retrain") {
        const std::string path = store("old.ckpt", "lesson 02 autoencoder 784-256-64-32, mse");
        const std::string msg = error_of([&] { load_mlp_autoencoder(path, build_plain); });
        CHECK_MESSAGE(
            (contains(msg, path) && contains(msg, "older version") && contains(msg, "train")), msg);
    }
    SUBCASE("another model kind: says what the file holds") {
        const std::string path = store("conv.ckpt", ArchRecord("conv_autoencoder").text());
        const std::string msg = error_of([&] { load_mlp_autoencoder(path, build_plain); });
        CHECK_MESSAGE((contains(msg, path) && contains(msg, "conv_autoencoder")), msg);
    }
    CHECK(g_builds == 0);
}

TEST_CASE("common autoencoder: an architecture over the bounds names the flag, value and bound") {
    MlpArch a;
    a.hidden = {100000, 100000};
    const std::string msg = error_of([&] { check_arch_bounds(a, "--hidden 100000,100000"); });
    CHECK_MESSAGE((contains(msg, "--hidden 100000,100000") && contains(msg, "16384")), msg);
    a.hidden = {16000, 16000};  // each width allowed, the whole too large
    const std::string total = error_of([&] { check_arch_bounds(a, "--hidden 16000,16000"); });
    CHECK_MESSAGE(
        (contains(total, "parameters") && contains(total, std::to_string(kMaxParameters))), total);
    a.hidden = {256, 64};
    CHECK_NOTHROW(check_arch_bounds(a, "--hidden 256,64"));
}

TEST_CASE("common autoencoder: the architecture record refuses malformed and repeated lines") {
    const std::string good = mlp_arch_text(small_arch());
    CHECK(parse_mlp_arch(good, "f").describe() == small_arch().describe());
    for (const std::string& bad :
         {good + "latent 2\n", good + "colour blue\n", std::string("ae-model mlp_autoencoder\n"),
          good.substr(0, good.find("loss")) + "loss huber\n", good + "\x01\n"}) {
        CHECK_THROWS_AS(parse_mlp_arch(bad, "f"), DataError);
    }
}

TEST_CASE("common autoencoder: the chunked forward equals one pass, across chunk borders") {
    Rng rng(3);
    MlpAutoencoder m = build_plain(small_arch(), rng);
    Matrix x = xt::random::rand<float>({2500, 6}, 0.f, 1.f, rng.engine());
    const Matrix once = m.decoder.forward(m.encoder.forward(x));
    const Matrix chunked = mlp_reconstruct(m, x);
    REQUIRE(chunked.shape() == once.shape());
    CHECK(xt::allclose(chunked, once, 0.f, 1e-6f));
    CHECK(mlp_encode(m, x).shape()[1] == 2);
}
