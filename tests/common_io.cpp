// Tests of .npy, JSON and atomic writes, including damaged .npy files.
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "ae/error.hpp"
#include "ae/io.hpp"
#include "test_util.hpp"

namespace fs = std::filesystem;
using namespace ae;

namespace {
std::string tmp(const std::string& name) {
    return (test::temp_root() / ("io-" + name)).string();
}
std::string load_error(const std::string& path) {
    try {
        load_npy(path);
    } catch (const DataError& e) {
        return e.what();
    }
    return "(no error)";
}
}  // namespace

TEST_CASE("common io: .npy round trip keeps shape and values, header in numpy's format") {
    const Matrix m = {{1.f, -2.5f, 3.f}, {4.f, 5.f, 1e-8f}};
    const std::string p = tmp("a.npy");
    save_npy(p, m);
    CHECK(load_npy(p) == m);
    const std::string bytes = read_text(p);
    CHECK(bytes.substr(1, 5) == "NUMPY");
    CHECK(bytes.find("'descr': '<f4'") != std::string::npos);
    CHECK(bytes.find("'shape': (2, 3)") != std::string::npos);
    CHECK((bytes.size() - 2 * 3 * 4) % 64 == 0);  // header padded to 64 bytes
    fs::remove(p);
}

TEST_CASE("common io: damaged .npy files are clear errors") {
    const Matrix m = {{1.f, 2.f}, {3.f, 4.f}};
    const std::string p = tmp("d.npy");
    save_npy(p, m);
    const std::string good = read_text(p);
    SUBCASE("truncated data") {
        std::ofstream(p, std::ios::binary) << good.substr(0, good.size() - 5);
        CHECK(load_error(p).find("truncated") != std::string::npos);
    }
    SUBCASE("not a .npy file") {
        std::ofstream(p, std::ios::binary) << "hello world, this is text";
        CHECK(load_error(p).find("not a .npy file") != std::string::npos);
    }
    SUBCASE("float64 data") {
        std::string bad = good;
        bad.replace(bad.find("<f4"), 3, "<f8");
        std::ofstream(p, std::ios::binary) << bad;
        CHECK(load_error(p).find("expected float32") != std::string::npos);
    }
    SUBCASE("missing file") {
        CHECK(load_error(tmp("missing.npy")).find("not found") != std::string::npos);
    }
    fs::remove(p);
}

TEST_CASE("common io: an atomic write that fails leaves the old file and no temporary") {
    const std::string p = tmp("keep.txt");
    write_text(p, "old");
    CHECK_THROWS_AS(atomic_write(p,
                                 [](const std::string& t) {
                                     std::ofstream(t) << "half";
                                     throw Error("interrupted");
                                 }),
                    Error);
    CHECK(read_text(p) == "old");
    // Temporaries are ".NAME.tmp-PID-SEQ" beside the target.
    const std::string prefix = "." + fs::path(p).filename().string() + ".tmp-";
    int others = 0;
    for (const auto& e : fs::directory_iterator(fs::path(p).parent_path()))
        if (e.path().filename().string().rfind(prefix, 0) == 0) ++others;
    CHECK(others == 0);
    fs::remove(p);
}

TEST_CASE("common io: JSON numbers, strings with escapes, lists, NaN as null") {
    Json j;
    j.set("a", 1.5).set("s", "x\"y\n").set("list", std::vector<double>{1, 2}).set("nan", NAN);
    Json inner;
    inner.set("k", 3);
    j.set("inner", inner);
    const std::string s = j.dump();
    CHECK(s.find("\"a\": 1.5") != std::string::npos);
    CHECK(s.find("\"s\": \"x\\\"y\\n\"") != std::string::npos);
    CHECK(s.find("\"list\": [1, 2]") != std::string::npos);
    CHECK(s.find("\"nan\": null") != std::string::npos);
    CHECK(s.find("\"k\": 3") != std::string::npos);
}
