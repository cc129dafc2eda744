// Tests of the common command line (ae/cli.hpp): every flag's range is checked at parse time,
// before any data loads, with a message that names the flag, the value and the accepted range
// (exit 2); an --out that cannot be written fails there too (exit 1); a bad AE_DATA_DIR is
// reported as ignored, with the reason.
// Run: build/bin/test_common -tc="common cli*"
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "ae/cli.hpp"

using namespace ae;
namespace fs = std::filesystem;

namespace {

// A fresh folder under the system's temp folder, removed at the end of the test.
struct TempDir {
    fs::path path;
    explicit TempDir(const std::string& name)
        : path(fs::temp_directory_path() / ("ae-cli-" + name + "-" + std::to_string(::getpid()))) {
        fs::remove_all(path);
        fs::create_directories(path);
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

// Parses args (after the program name) with the common flags; what parse printed to stderr
// goes to err.
struct Parsed {
    int rc = 0;
    Options options;
    std::string err;
};

Parsed parse(std::vector<std::string> args, const std::string& out) {
    Options defaults;
    defaults.out = out;
    CommandLine cli({"99", "99_test", "test program"}, defaults);
    args.insert(args.begin(), "test_program");
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    std::ostringstream err;
    std::streambuf* old = std::cerr.rdbuf(err.rdbuf());
    Parsed p;
    p.rc = cli.parse(static_cast<int>(argv.size()), argv.data());
    std::cerr.rdbuf(old);
    p.options = cli.options();
    p.err = err.str();
    return p;
}

}  // namespace

TEST_CASE(
    "common cli: values inside every range are accepted, --quick keeps an explicit --epochs") {
    TempDir dir("ok");
    const std::string out = (dir.path / "out").string();
    const Parsed p = parse({"--lr", "0.01", "--epochs", "0", "--latent", "784", "--train-limit",
                            "0", "--batch-size", "1", "--seed", "18446744073709551615"},
                           out);
    REQUIRE_MESSAGE(p.rc == -1, "parse returned ", p.rc, ": ", p.err);
    CHECK(p.options.lr == doctest::Approx(0.01f));
    CHECK(p.options.epochs == 0);
    CHECK(p.options.latent == 784);
    CHECK(p.options.batch_size == 1);
    CHECK(p.options.seed == 18446744073709551615ull);
    CHECK_MESSAGE(fs::is_directory(out), "parse must create --out before any work");
    const Parsed q = parse({"--quick", "--train-limit", "1000"}, out);
    REQUIRE(q.rc == -1);
    CHECK(q.options.epochs == Options().quick_epochs);
    CHECK(q.options.train_limit == 1000);
    CHECK(parse({"--quick", "--epochs", "7"}, out).options.epochs == 7);
}

TEST_CASE("common cli: each bad flag exits 2 naming the flag, the value and the range") {
    TempDir dir("bad");
    const std::string out = (dir.path / "out").string();
    struct Case {
        std::vector<std::string> args;
        std::vector<std::string> said;  // every one must be in the message
    };
    const std::vector<Case> cases = {
        {{"--lr", "nan"}, {"--lr", "nan", "finite number above 0"}},
        {{"--lr", "inf"}, {"--lr", "inf", "finite number above 0"}},
        {{"--lr", "0"}, {"--lr", "got 0", "above 0"}},
        {{"--lr", "-1"}, {"--lr", "-1", "above 0"}},
        {{"--lr", "1e-50"}, {"--lr", "1e-50", "above 0"}},  // 0 as a float
        {{"--lr", "0.1x"}, {"--lr", "0.1x"}},
        {{"--epochs", "abc"}, {"--epochs", "abc", "whole number from 0 to 100000"}},
        {{"--epochs", "-1"}, {"--epochs", "-1", "from 0 to"}},
        {{"--epochs", "2.5"}, {"--epochs", "2.5", "whole number"}},
        {{"--batch-size", "0"}, {"--batch-size", "got 0", "from 1 to"}},
        {{"--latent", "4096"}, {"--latent", "4096", "from 1 to 784"}},
        {{"--latent", "0"}, {"--latent", "got 0", "from 1 to 784"}},
        {{"--train-limit", "-1"}, {"--train-limit", "-1", "0 (all training images)"}},
        {{"--train-limit", "1"}, {"--train-limit", "got 1", "from 1000"}},
        {{"--seed", "-3"}, {"--seed", "-3", "whole number"}},
        {{"--device", "tpu"}, {"--device", "tpu"}},
    };
    for (const Case& c : cases) {
        const Parsed p = parse(c.args, out);
        INFO("flags: " << c.args[0] << " " << c.args[1] << "; stderr: " << p.err);
        CHECK(p.rc == 2);
        for (const auto& s : c.said)
            CHECK_MESSAGE(p.err.find(s) != std::string::npos, "no '", s, "'");
        // The bound is a plain number, never a 309-digit float.
        CHECK(p.err.find("000000000000000000000") == std::string::npos);
    }
}

TEST_CASE("common cli: an --out that is a file, or under one, fails at parse time (exit 1)") {
    TempDir dir("out");
    const fs::path file = dir.path / "a-file";
    std::ofstream(file) << "x";
    for (const fs::path& out : {file, file / "sub"}) {
        const Parsed p = parse({}, out.string());
        INFO("--out " << out.string() << "; stderr: " << p.err);
        CHECK(p.rc == 1);
        CHECK(p.err.find(out.string()) != std::string::npos);
        CHECK(p.err.find("--out") != std::string::npos);
    }
    const Parsed ok = parse({"--out", (dir.path / "new" / "deeper").string()}, file.string());
    CHECK_MESSAGE(ok.rc == -1, "a missing --out folder is created: ", ok.err);
}

TEST_CASE("common cli: AE_DATA_DIR without the data is reported as ignored, with the reason") {
    const char* old = std::getenv("AE_DATA_DIR");
    const std::string saved = old ? old : "";
    TempDir dir("env");
    Options o;
    ::setenv("AE_DATA_DIR", "/nonexistent-ae-data", 1);
    const std::string missing = environment_notes(o);
    CHECK(missing.find("AE_DATA_DIR=/nonexistent-ae-data is ignored") != std::string::npos);
    CHECK(missing.find("does not exist") != std::string::npos);
    ::setenv("AE_DATA_DIR", dir.path.c_str(), 1);
    CHECK(environment_notes(o).find("has no train-images-idx3-ubyte") != std::string::npos);
    std::ofstream(dir.path / "train-images-idx3-ubyte.gz") << "x";
    CHECK_MESSAGE(environment_notes(o).empty(), "a folder with the images is not ignored");
    ::setenv("AE_DATA_DIR", "/nonexistent-ae-data", 1);
    o.data_dir = "/somewhere";
    CHECK_MESSAGE(environment_notes(o).empty(), "--data-dir wins: AE_DATA_DIR is not consulted");
    if (old)
        ::setenv("AE_DATA_DIR", saved.c_str(), 1);
    else
        ::unsetenv("AE_DATA_DIR");
}
