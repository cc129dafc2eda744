// Tests of checkpoints: an exact round trip, clear errors for a model that does not match the
// file (first difference, expected vs found), and for every truncation and every flipped byte
// of a file (a DataError, never a crash or silently wrong weights).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <unistd.h>

#include "ae/checkpoint.hpp"
#include "ae/error.hpp"
#include "ae/nn.hpp"
#include "test_util.hpp"

using namespace ae;
namespace fs = std::filesystem;

namespace {

std::string ckpt_path(const std::string& name) {
    const fs::path dir = test::temp_root() / "ckpt";
    fs::create_directories(dir);
    return (dir / name).string();
}

std::string read_bytes(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

void write_bytes(const std::string& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary)
        .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

Sequential small_net(uint64_t seed, size_t hidden = 3) {
    Rng rng(seed);
    Sequential net;
    net.add<Dense>(4, hidden, rng);
    net.add<ReLU>();
    net.add<Dense>(hidden, 2, rng, Init::Xavier);
    return net;
}

}  // namespace

TEST_CASE("common checkpoint: save then load restores every value exactly, and the description") {
    Sequential a = small_net(1), b = small_net(2);
    const auto pa = named("enc.", a.params()), pb = named("enc.", b.params());
    const std::string path = ckpt_path("roundtrip.ckpt");
    save_checkpoint(path, pa, "4-3-2 MLP, --lr 0.001");
    CHECK_FALSE(xt::all(xt::equal(*pa[0].value, *pb[0].value)));
    CHECK(load_checkpoint(path, pb) == "4-3-2 MLP, --lr 0.001");
    for (size_t i = 0; i < pa.size(); ++i) CHECK(xt::all(xt::equal(*pa[i].value, *pb[i].value)));
    for (const auto& e : fs::directory_iterator(fs::path(path).parent_path()))  // atomically
        CHECK_MESSAGE(e.path().filename().string().find(".tmp-") == std::string::npos, e.path());
}

TEST_CASE("common checkpoint: a model that does not match names the first difference") {
    Sequential net = small_net(1);
    const std::string path = ckpt_path("mismatch.ckpt");
    save_checkpoint(path, named("enc.", net.params()));
    Sequential wider = small_net(1, 5);
    CHECK_THROWS_WITH_AS(
        load_checkpoint(path, named("enc.", wider.params())),
        doctest::Contains("parameter 0: expected 'enc.0.W' (4, 5) (the model), found "
                          "'enc.0.W' (4, 3) (the file)"),
        DataError);
    CHECK_THROWS_WITH_AS(
        load_checkpoint(path, named("dec.", net.params())),
        doctest::Contains("expected 'dec.0.W' (4, 3) (the model), found 'enc.0.W'"), DataError);
    auto fewer = named("enc.", net.params());
    fewer.pop_back();
    CHECK_THROWS_WITH_AS(load_checkpoint(path, fewer),
                         doctest::Contains("expected 3 parameters (the model), found 4 (the file); "
                                           "the first extra one is 'enc.2.b'"),
                         DataError);
    CHECK_THROWS_WITH_AS(load_checkpoint(ckpt_path("no_such_file.ckpt"), fewer),
                         doctest::Contains("cannot open checkpoint"), DataError);
}

TEST_CASE("common checkpoint: every truncation and every flipped byte is a DataError") {
    Sequential net = small_net(3), other = small_net(4);
    const auto params = net.params(), into = other.params();
    const std::string path = ckpt_path("damaged.ckpt"), bad = ckpt_path("bad.ckpt");
    save_checkpoint(path, params, "tiny");
    const std::string good = read_bytes(path);
    write_bytes(bad, good.substr(0, good.size() / 2));
    CHECK_THROWS_WITH_AS(load_checkpoint(bad, into), doctest::Contains("is truncated"), DataError);
    std::string flipped = good;
    flipped[good.size() - 10] ^= 0x01;  // one bit of the float data
    write_bytes(bad, flipped);
    CHECK_THROWS_WITH_AS(load_checkpoint(bad, into), doctest::Contains("checksum"), DataError);
    size_t not_data_errors = 0;
    for (size_t n = 0; n < good.size(); ++n) {
        write_bytes(bad, good.substr(0, n));
        try {
            load_checkpoint(bad, into);
            ++not_data_errors;
        } catch (const DataError&) {
        }
        std::string b = good;
        b[n] = static_cast<char>(b[n] ^ 0x20);
        write_bytes(bad, b);
        try {
            load_checkpoint(bad, into);
            ++not_data_errors;
        } catch (const DataError&) {
        }
    }
    CHECK(not_data_errors == 0);
    CHECK(load_checkpoint(path, into) == "tiny");  // the intact file still loads
}
