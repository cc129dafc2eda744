// Tests of the common command line (ae/cli.hpp): every flag's range is checked at parse time,
// before any data loads, with a message that names the flag, the value and the accepted range
// (exit 2); an --out that cannot be written fails there too (exit 1); a bad AE_DATA_DIR is
// reported as ignored, with the reason.
// Run: build/bin/test_common -tc="common cli*"
#include <doctest/doctest.h>

#include <cstdlib>
#include <fcntl.h>
#include <sys/file.h>

#include <filesystem>
#include <functional>
#include <stdexcept>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "ae/cli.hpp"
#include "ae/error.hpp"
#include "test_util.hpp"

using namespace ae;
namespace fs = std::filesystem;

namespace {

using test::TempDir;  // a fresh folder under TMPDIR, removed at the end of the test

// Parses args (after the program name) with the common flags; what parse printed to stderr
// goes to err.
struct Parsed {
    int rc = 0;
    Options options;
    std::string err;
    std::vector<std::string> changed;  // CommandLine::changed_flags after the parse
};

// The numeric flags a lesson declares (each kind: whole, real, list), for the bad-value cases.
struct LessonFlags {
    int k = 5;
    float rate = 0.1f;
    double level = 0.3;
    std::vector<float> betas;
    void add(CLI::App& app) {
        app.add_option("--k", k, "neighbours")->check(whole_flag(1, 100, "neighbours"));
        app.add_option("--rate", rate, "a rate")->check(real_flag(0, 0.5, "a rate", Ends::OpenLow));
        app.add_option("--level", level, "a level")->check(real_flag(0, 1, "a level"));
        app.add_option("--betas", betas, "betas")->delimiter(',')->check(real_flag(0, 100, "b"));
    }
};

Parsed parse(std::vector<std::string> args, const std::string& out,
             const std::function<void(CLI::App&)>& extra = {}) {
    Options defaults;
    defaults.out = out;
    CommandLine cli({"99", "99_test", "test program"}, defaults);
    if (extra) extra(cli.app());
    args.insert(args.begin(), "test_program");
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    std::ostringstream err;
    struct Restore {  // std::cerr back even when parse throws
        std::streambuf* old;
        ~Restore() { std::cerr.rdbuf(old); }
    } restore{std::cerr.rdbuf(err.rdbuf())};
    Parsed p;
    p.rc = cli.parse(static_cast<int>(argv.size()), argv.data());
    p.options = cli.options();
    p.err = err.str();
    if (p.rc < 0) p.changed = cli.changed_flags();
    return p;
}

// A bad command line and what its error must say (every one of `said`).
struct Refusal {
    std::vector<std::string> args;
    std::vector<std::string> said;
};

// Each command line (with the flags `extra` adds, --out at out) is refused with exit 2 and a
// message holding every part of its `said`; `also` checks what else that parse must show.
void check_each_refused(const std::vector<Refusal>& cases, const std::string& out,
                        const std::function<void(CLI::App&)>& extra,
                        const std::function<void(const Parsed&)>& also) {
    for (const Refusal& c : cases) {
        const Parsed p = parse(c.args, out, extra);
        INFO("flags: " << c.args[0] << " " << c.args[1].substr(0, 60)
                       << "; stderr: " << p.err.substr(0, 2000));
        CHECK(p.rc == 2);
        for (const auto& s : c.said)
            CHECK_MESSAGE(p.err.find(s) != std::string::npos, "no '", s, "'");
        also(p);
    }
}

}  // namespace

TEST_CASE(
    "common cli: values inside every range are accepted, --quick keeps an explicit --epochs") {
    TempDir dir("ok");
    const std::string out = (dir.path() / "out").string();
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
    const std::string out = (dir.path() / "out").string();
    const std::vector<Refusal> cases = {
        {{"--lr", "nan"}, {"--lr", "nan", "(0, 1000]"}},
        {{"--lr", "inf"}, {"--lr", "inf", "(0, 1000]"}},
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
        {{"--epochs", "99999999999999999999"}, {"--epochs", "99999999999999999999", "whole"}},
        {{"--batch-size", "nan"}, {"--batch-size", "nan", "whole number"}},
        {{"--seed", "99999999999999999999"}, {"--seed", "whole number"}},
        {{"--train-limit", "1e9"}, {"--train-limit", "1e9"}},
    };
    check_each_refused(cases, out, {}, [](const Parsed& p) {
        // The bound is a plain number, never a 309-digit float.
        CHECK(p.err.find("000000000000000000000") == std::string::npos);
    });
}

TEST_CASE("common cli: an --out that is a file, or under one, fails at parse time (exit 1)") {
    TempDir dir("out");
    const fs::path file = dir.path() / "a-file";
    std::ofstream(file) << "x";
    for (const fs::path& out : {file, file / "sub"}) {
        const Parsed p = parse({}, out.string());
        INFO("--out " << out.string() << "; stderr: " << p.err);
        CHECK(p.rc == 1);
        CHECK(p.err.find(out.string()) != std::string::npos);
        CHECK(p.err.find("--out") != std::string::npos);
    }
    const Parsed ok = parse({"--out", (dir.path() / "new" / "deeper").string()}, file.string());
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
    ::setenv("AE_DATA_DIR", dir.path().c_str(), 1);
    CHECK(environment_notes(o).find("has no train-images-idx3-ubyte") != std::string::npos);
    std::ofstream(dir.path() / "train-images-idx3-ubyte.gz") << "x";
    CHECK_MESSAGE(environment_notes(o).empty(), "a folder with the images is not ignored");
    ::setenv("AE_DATA_DIR", "/nonexistent-ae-data", 1);
    o.data_dir = "/somewhere";
    CHECK_MESSAGE(environment_notes(o).empty(), "--data-dir wins: AE_DATA_DIR is not consulted");
    if (old)
        ::setenv("AE_DATA_DIR", saved.c_str(), 1);
    else
        ::unsetenv("AE_DATA_DIR");
}

TEST_CASE(
    "common cli: a lesson's numeric flags refuse NaN, inf, overflow and out-of-range values") {
    TempDir dir("lesson-flags");
    const std::string out = (dir.path() / "out").string();
    LessonFlags f;
    const auto extra = [&f](CLI::App& app) { f.add(app); };
    const std::string huge(100000, '7');
    const std::vector<Refusal> cases = {
        {{"--k", "nan"}, {"--k", "got nan", "whole number from 1 to 100"}},
        {{"--k", "101"}, {"--k", "101", "from 1 to 100"}},
        {{"--k", "99999999999999999999"}, {"--k", "99999999999999999999", "from 1 to 100"}},
        {{"--k", "0x10"}, {"--k", "0x10"}},
        {{"--rate", "nan"}, {"--rate", "got nan", "(0, 0.5]"}},
        {{"--rate", "0"}, {"--rate", "got 0", "(0, 0.5]"}},
        {{"--rate", "-inf"}, {"--rate", "-inf"}},
        {{"--level", "inf"}, {"--level", "got inf", "[0, 1]"}},
        {{"--level", "1e39"}, {"--level", "1e39"}},
        {{"--level", "1.0000001"}, {"--level", "[0, 1]"}},
        {{"--betas", "1,nan"}, {"--betas", "got nan"}},
        {{"--betas", "-1,2"}, {"--betas", "got -1", "[0, 100]"}},
        {{"--level", huge}, {"--level", "(100000 characters)"}},
    };
    check_each_refused(cases, out, extra, [&out](const Parsed& p) {
        CHECK_MESSAGE(p.err.size() < 20000, "the 100,000-character value is not echoed whole");
        CHECK_MESSAGE(!fs::exists(out), "a bad flag fails before --out is made");
    });
    const Parsed ok =
        parse({"--k", "100", "--rate", "0.5", "--level", "0", "--betas", "0,1.5"}, out, extra);
    REQUIRE_MESSAGE(ok.rc == -1, ok.err);
    CHECK(f.k == 100);
    CHECK(f.rate == doctest::Approx(0.5f));
    CHECK(f.betas == std::vector<float>{0.f, 1.5f});
}

TEST_CASE("common cli: a numeric flag declared without its range check stops the program") {
    TempDir dir("unchecked");
    int width = 3;
    float gain = 1;
    std::string name;
    const auto extra = [&](CLI::App& app) {
        app.add_option("--width", width, "unchecked");
        app.add_option("--gain", gain, "unchecked")->check(CLI::Range(0.f, 2.f));
        app.add_option("--name", name, "a text flag needs no range");
    };
    CLI::App app;
    extra(app);
    CHECK(unchecked_numeric_flags(app) == "--width --gain");
    try {
        parse({}, (dir.path() / "out").string(), extra);
        FAIL("parse accepted a program whose numeric flags have no range check");
    } catch (const std::logic_error& e) {
        CHECK(std::string(e.what()).find("--width --gain") != std::string::npos);
    }
}

TEST_CASE("common cli: a second run into a locked --out stops at parse time, naming the folder") {
    TempDir dir("lock");
    const std::string out = (dir.path() / "out").string();
    fs::create_directories(out);
    // Another open of the folder holding the lock: flock treats it as another run.
    const int fd = ::open(out.c_str(), O_RDONLY | O_DIRECTORY);
    REQUIRE(fd >= 0);
    REQUIRE(::flock(fd, LOCK_EX | LOCK_NB) == 0);
    std::ofstream(out + "/summary.json") << "{}";
    const Parsed p = parse({}, out);
    CHECK(p.rc == 1);
    CHECK(p.err.find("another run is writing to " + out) != std::string::npos);
    CHECK_MESSAGE(fs::exists(out + "/summary.json"), "the other run's summary is left alone");
    ::close(fd);
}

TEST_CASE("common cli: a rerun removes the old summary.json first and keeps the other files") {
    TempDir dir("rerun");
    const std::string out = (dir.path() / "out").string();
    fs::create_directories(out);
    std::ofstream(out + "/summary.json") << "{}";
    std::ofstream(out + "/codes.npy") << "x";
    const Parsed p = parse({}, out);
    REQUIRE_MESSAGE(p.rc == -1, p.err);
    CHECK_MESSAGE(!fs::exists(out + "/summary.json"),
                  "a run killed before its summary must not leave the old one beside new files");
    CHECK(fs::exists(out + "/codes.npy"));
}

TEST_CASE("common cli: a run that fails early leaves no empty --out folder, and no made parent") {
    TempDir dir("early");
    const fs::path top = dir.path() / "new";
    const std::string out = (top / "deeper").string();
    const Parsed p = parse({}, out);
    REQUIRE_MESSAGE(p.rc == -1, p.err);
    REQUIRE(fs::is_directory(out));
    std::ostringstream err;
    std::streambuf* old = std::cerr.rdbuf(err.rdbuf());
    const int rc = guarded_main([]() -> int { throw Error("the data is missing"); });
    std::cerr.rdbuf(old);
    CHECK(rc == 1);
    CHECK_MESSAGE(!fs::exists(top), "the folders parse made are removed while empty");
    // A folder that existed before the run, or holds files, stays.
    fs::create_directories(out);
    REQUIRE(parse({}, out).rc == -1);
    std::cerr.rdbuf(err.rdbuf());
    CHECK(guarded_main([]() -> int { return 2; }) == 2);
    std::cerr.rdbuf(old);
    CHECK(fs::is_directory(out));
}

TEST_CASE("common cli: flags a program takes off are refused as unknown, and no --out is made") {
    TempDir dir("without");
    const std::string out = (dir.path() / "out").string();
    auto run = [&](std::vector<std::string> args, std::string* help = nullptr) {
        Options defaults;
        defaults.out = out;
        CommandLine cli({"99", "99_test", "test program"}, defaults);
        cli.without({"--epochs", "--out"}, "Data: only the test's own.");
        if (help) *help = cli.app().help();
        args.insert(args.begin(), "test_program");
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        std::ostringstream err;
        struct Restore {
            std::streambuf* old;
            ~Restore() { std::cerr.rdbuf(old); }
        } restore{std::cerr.rdbuf(err.rdbuf())};
        const int rc = cli.parse(static_cast<int>(argv.size()), argv.data());
        return std::make_pair(rc, err.str());
    };
    std::string help;
    const auto ok = run({"--quick"}, &help);
    CHECK_MESSAGE(ok.first == -1, "a run without the removed flags goes on: " << ok.second);
    CHECK_MESSAGE(!fs::exists(out), "without --out, parse makes no folder");
    CHECK_MESSAGE(help.find("--epochs INT") == std::string::npos, "--help still lists --epochs");
    CHECK_MESSAGE(help.find("Data: only the test's own.") != std::string::npos, help);
    CHECK_MESSAGE(help.find("Exit codes:") != std::string::npos, "the exit codes left --help");
    const auto refused = run({"--epochs", "3"});
    CHECK_MESSAGE(refused.first == 2, "--epochs was accepted after being taken off");
    CHECK_MESSAGE(refused.second.find("--epochs") != std::string::npos, refused.second);
    Options defaults;
    CommandLine cli({"99", "99_test", "test program"}, defaults);
    CHECK_THROWS_AS(cli.without({"--no-such-flag"}), std::logic_error);
}

TEST_CASE("common cli: changed_flags names the flags that differ from their defaults") {
    TempDir dir("changed");
    const std::string out = (dir.path() / "out").string();
    LessonFlags f;
    f.betas = {1.f, 4.f};
    const auto lesson = [&f](CLI::App& app) { f.add(app); };
    using Names = std::vector<std::string>;
    // Where and how a run happens leave it the default run.
    CHECK(parse({}, out, lesson).changed == Names{});
    CHECK(parse({"--out", out, "--device", "cpu", "--no-progress", "--verbose"}, out, lesson)
              .changed == Names{});
    // A default given again, in any spelling of the same number, is still the default.
    CHECK(parse({"--epochs", "10", "--lr", "1e-3", "--k", "5", "--level", "0.30"}, out, lesson)
              .changed == Names{});
    CHECK(parse({"--betas", "1,4"}, out, lesson).changed == Names{});
    // Anything else is named, in declaration order.
    CHECK(parse({"--k", "6", "--epochs", "9"}, out, lesson).changed == Names{"--epochs", "--k"});
    CHECK(parse({"--lr", "0.002"}, out, lesson).changed == Names{"--lr"});
    CHECK(parse({"--betas", "1,4,8"}, out, lesson).changed == Names{"--betas"});
    CHECK(parse({"--betas", "1,5"}, out, lesson).changed == Names{"--betas"});
    CHECK(parse({"--quick"}, out, lesson).changed == Names{"--quick"});
    CHECK(parse({"--seed", "43"}, out, lesson).changed == Names{"--seed"});
    CHECK(parse({"--train-limit", "1000"}, out, lesson).changed == Names{"--train-limit"});
}

TEST_CASE("common cli: default_run needs the full data as well as default flags") {
    TempDir dir("default_run");
    Options defaults;
    defaults.out = (dir.path() / "out").string();
    CommandLine cli({"99", "99_test", "test program"}, defaults);
    std::string program = "test_program";
    char* argv[] = {program.data()};
    REQUIRE(cli.parse(1, argv) < 0);
    DataSplit data;
    data.is_sample = false;
    CHECK(cli.default_run(data));
    data.is_sample = true;  // the committed sample: the README's ranges are not for it
    CHECK_FALSE(cli.default_run(data));
}
