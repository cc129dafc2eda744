// Tests of ae::run_program (ae/process.hpp, common/src/process.cpp): arguments reach the program
// as they are, with no shell between, in the folder asked for; exit codes come back.
// Run: build/bin/test_common -tc="common plot*"
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "ae/io.hpp"
#include "ae/process.hpp"
#include "test_util.hpp"

namespace fs = std::filesystem;
using namespace ae;

TEST_CASE("common plot: run_program passes arguments as they are, without a shell") {
    const test::TempDir scratch("plot");
    const std::string err = (scratch.path() / "err.txt").string();
    CHECK(run_program({"sh", "-c", "exit 3"}) == 3);
    CHECK(run_program({"ae-no-such-program-here"}) == 127);
    // One argument with spaces and $(...) arrives as one literal argument.
    CHECK(run_program({"sh", "-c", "printf '%s' \"$1\" >&2", "sh", "a b $(echo x)"},
                      {"", "", err}) == 0);
    CHECK(read_text(err) == "a b $(echo x)");
    CHECK(run_program({"sh", "-c", "pwd > here.txt"}, {scratch.path().string(), "", ""}) == 0);
    CHECK(fs::exists(scratch.path() / "here.txt"));
}
