// Charts drawn by gnuplot: a folder or title the user chose is data, never a command (no shell,
// no backquotes in the gnuplot script). Run: build/bin/test_common -tc="common plot*".
#include <doctest/doctest.h>
#include <stdlib.h>

#include <filesystem>
#include <string>
#include <vector>

#include "ae/io.hpp"
#include "ae/plot.hpp"
#include "ae/process.hpp"
#include "test_util.hpp"

namespace fs = std::filesystem;
using namespace ae;

namespace {

bool any_file_named(const fs::path& root, const std::string& name) {
    for (const auto& e : fs::recursive_directory_iterator(root))
        if (e.path().filename() == name) return true;
    return false;
}

}  // namespace

TEST_CASE("common plot: hostile folder names and titles draw a chart and run nothing") {
    if (!gnuplot_available()) {
        MESSAGE("skipped: gnuplot is not installed (sudo apt-get install gnuplot-nox)");
        return;
    }
    const test::TempDir scratch("plot");
    const fs::path cwd_marker = fs::current_path() / "PWNED";
    REQUIRE_FALSE(fs::exists(cwd_marker));
    const std::vector<std::string> names = {"quote\"d",
                                            "dollar$(touch PWNED)",
                                            "back`touch PWNED`tick",
                                            "single'quote",
                                            "sp ace",
                                            "new\nline",
                                            "unicod\xc3\xa9",
                                            "$HOME",
                                            "semi;touch PWNED",
                                            "at@x"};
    for (const auto& name : names) {
        CAPTURE(name);
        const fs::path dir = scratch.path() / name;
        fs::create_directories(dir);
        Series s{"`touch PWNED` title's", {0, 1, 2}, {1, 0, 2}};
        const Chart chart{"$(touch PWNED) \"t\"", "x `touch PWNED`", "y"};
        CHECK(line_chart((dir / "chart.png").string(), chart, {s}));
        CHECK(fs::file_size(dir / "chart.png") > 1000);
        CHECK(fs::exists(dir / "chart.csv"));
    }
    CHECK_MESSAGE(!any_file_named(scratch.path(), "PWNED"),
                  "a folder name or title was run as a command inside the output folder");
    CHECK_MESSAGE(!fs::exists(cwd_marker), "a folder name was run as a shell command");
}
