// Tests of enum name tables (ae/names.hpp): each name read both ways, and the error for a name
// the table lacks, which lists every accepted name. Run: ctest --test-dir build -R 'common: names'
#include <doctest/doctest.h>

#include <string>
#include <utility>

#include "ae/names.hpp"
#include "ae/objective.hpp"
#include "test_util.hpp"

using namespace ae;

namespace {
enum class Colour { Red, Green, Blue, Unnamed };
constexpr std::pair<Colour, const char*> kColours[] = {
    {Colour::Red, "red"}, {Colour::Green, "green"}, {Colour::Blue, "blue"}};
}  // namespace

TEST_CASE("names: every value and its name read back to each other") {
    for (const auto& [value, name] : kColours) {
        CHECK(std::string(name_of(kColours, value)) == name);
        CHECK(value_named(kColours, name, "colour") == value);
    }
    for (const auto& [value, name] : kLossKindNames)
        CHECK(value_named(kLossKindNames, name, "loss") == value);
}

TEST_CASE("names: an unknown name is an error that lists the accepted names in order") {
    const std::string e = test::error_of([] { value_named(kColours, "Red", "--colour"); });
    CHECK_MESSAGE(e == "--colour must be red, green or blue, got 'Red'", e);
    CHECK(test::error_of([] { value_named(kColours, "", "--colour"); }).find("got ''") !=
          std::string::npos);
}

TEST_CASE("names: a value missing from its table is an error, not an empty name") {
    const std::string e = test::error_of([] { name_of(kColours, Colour::Unnamed); });
    CHECK_MESSAGE(e.find("no name in its table") != std::string::npos, e);
}
