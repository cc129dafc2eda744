// Tests of .npy, JSON and atomic writes, including damaged .npy files.
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

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

TEST_CASE("common io: JSON layout is one key per line, lists inline, nested objects indented") {
    Json inner;
    inner.set("k", 3).set("empty", std::vector<double>{});
    Json j;
    j.set("a", 1)
        .set("b", "x")
        .set("inner", inner)
        .set("names", std::vector<std::string>{"p", "q"});
    j.set("a", 2);  // a key set again keeps its place
    CHECK(j.dump() ==
          "{\n"
          "  \"a\": 2,\n"
          "  \"b\": \"x\",\n"
          "  \"inner\": {\n"
          "    \"k\": 3,\n"
          "    \"empty\": []\n"
          "  },\n"
          "  \"names\": [\"p\", \"q\"]\n"
          "}");
    CHECK(j.dump_line() ==
          "{\"a\": 2, \"b\": \"x\", \"inner\": {\"k\": 3, \"empty\": []}, "
          "\"names\": [\"p\", \"q\"]}");
    CHECK(Json().dump() == "{\n}");
    inner.set("k", 4);  // the nested object was copied when set
    CHECK(j.dump().find("\"k\": 3") != std::string::npos);
}

TEST_CASE("common io: JSON numbers are the shortest text that reads back to the same value") {
    // A float's value reads back to that float in at most 9 digits; a double's to that double
    // in at most 17; 7 significant digits (the old writer) lose both.
    const std::vector<float> floats{0.001f, 0.0226976f, 1.0f / 3.0f, 123456.79f, 1e-5f, 3e20f};
    const std::vector<double> doubles{0.1, 1.0 / 3.0, 8.499444103240967, 2e-300, 1e300};
    Json j;
    for (size_t i = 0; i < floats.size(); ++i) j.set("f" + std::to_string(i), double(floats[i]));
    for (size_t i = 0; i < doubles.size(); ++i) j.set("d" + std::to_string(i), doubles[i]);
    j.set("int", 60000).set("big", size_t(1) << 40).set("negative", -7).set("whole", 42.0);
    const auto parsed = nlohmann::json::parse(j.dump());
    for (size_t i = 0; i < floats.size(); ++i)
        CHECK(static_cast<float>(parsed["f" + std::to_string(i)].get<double>()) == floats[i]);
    for (size_t i = 0; i < doubles.size(); ++i)
        CHECK(parsed["d" + std::to_string(i)].get<double>() == doubles[i]);
    const std::string s = j.dump();
    CHECK(s.find("\"f0\": 0.001,") != std::string::npos);  // not 0.0010000000474974513
    CHECK(s.find("\"f1\": 0.0226976,") != std::string::npos);
    CHECK(s.find("\"d0\": 0.1,") != std::string::npos);
    CHECK(s.find("\"f4\": 1e-05,") != std::string::npos);
    j.set("f_small", double(1e-4f));
    CHECK(j.dump().find("\"f_small\": 0.0001\n") != std::string::npos);  // as %g: not 1e-04
    CHECK(s.find("\"int\": 60000,") != std::string::npos);  // integers have no ".0" or exponent
    CHECK(s.find("\"big\": 1099511627776,") != std::string::npos);
    CHECK(s.find("\"negative\": -7,") != std::string::npos);
    CHECK(s.find("\"whole\": 42\n") != std::string::npos);
}

TEST_CASE("common io: JSON stays valid with NaN, infinity, control characters and bad UTF-8") {
    Json j;
    j.set("nan", NAN).set("inf", INFINITY).set("minus_inf", -INFINITY);
    j.set("list", std::vector<double>{1, NAN, -INFINITY, 0.5});
    j.set("text", std::string("tab\there\x01 \xff\xfe end \xc3\xa9"));
    const std::string s = j.dump();
    CHECK(s.find("\"nan\": null,") != std::string::npos);
    CHECK(s.find("\"inf\": null,") != std::string::npos);
    CHECK(s.find("\"minus_inf\": null,") != std::string::npos);
    CHECK(s.find("\"list\": [1, null, null, 0.5],") != std::string::npos);
    nlohmann::json parsed;
    REQUIRE_NOTHROW(parsed = nlohmann::json::parse(s));
    REQUIRE_NOTHROW(nlohmann::json::parse(j.dump_line()));
    // Control characters escaped, bytes that are not UTF-8 replaced by U+FFFD, UTF-8 kept.
    CHECK(parsed["text"].get<std::string>() ==
          "tab\there\x01 \xef\xbf\xbd\xef\xbf\xbd end \xc3\xa9");
    CHECK(s.find("\\u0001") != std::string::npos);
}

TEST_CASE("common io: round_to gives the decimal Json writes back as typed") {
    Json j;
    j.set("a", round_to(0.123456, 3)).set("b", round_to(2.5, 0)).set("c", round_to(-1.23456, 2));
    j.set("d", round_to(NAN, 2)).set("e", round_to(1e300, 3)).set("f", round_to(0.3, 1));
    CHECK(j.dump_line() ==
          "{\"a\": 0.123, \"b\": 3, \"c\": -1.23, \"d\": null, \"e\": 1e+300, "
          "\"f\": 0.3}");
}
