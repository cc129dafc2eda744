// Tests of the stubs' error (AE_TODO), of require_written, the one way a lesson program stops
// when an exercise is not written: every unwritten function named once, before any work), and of
// ExpectedFigures (ae/expect.hpp, header-only), the other half of how a lesson judges its run.
#include <doctest/doctest.h>

#include <string>

#include "ae/error.hpp"
#include "ae/expect.hpp"
#include "ae/todo.hpp"

using namespace ae;

namespace {

int stub_a(int x) {
    AE_TODO("98", "stub_a", x);
}
int stub_b() {
    AE_TODO("98", "stub_b");
}
int written(int x) {
    return x + 1;
}

// The message require_written throws, or "" when it returns.
std::string stop_message(std::initializer_list<std::function<void()>> calls) {
    try {
        require_written("98", calls);
    } catch (const NotImplemented& e) {
        return e.what();
    }
    return "";
}

size_t count(const std::string& text, const std::string& word) {
    size_t n = 0;
    for (size_t at = text.find(word); at != std::string::npos; at = text.find(word, at + 1)) ++n;
    return n;
}

}  // namespace

TEST_CASE("common todo: a stub names its lesson, its function and where to write it") {
    try {
        stub_a(1);
        FAIL("a stub returned");
    } catch (const NotImplemented& e) {
        const std::string m = e.what();
        CHECK(m.find("[lesson 98] stub_a() is not implemented yet") != std::string::npos);
        CHECK(m.find("common_todo.cpp:") != std::string::npos);
    }
}

TEST_CASE("common todo: require_written returns when every function is written") {
    int sum = 0;
    CHECK(stop_message({[&] { sum += written(1); }, [&] { sum += written(2); }}) == "");
    CHECK(sum == 5);  // each call ran once
}

TEST_CASE("common todo: one unwritten function stops with that stub's own message") {
    const std::string m = stop_message({[] { written(1); }, [] { stub_b(); }});
    CHECK(m.rfind("[lesson 98] stub_b() is not implemented yet", 0) == 0);
    CHECK(count(m, "not implemented yet") == 1);
}

TEST_CASE("common todo: every unwritten function is named, each once, after a count") {
    // The third call needs stub_a again (a later step built on an earlier one): named once.
    const std::string m = stop_message(
        {[] { stub_a(1); }, [] { stub_b(); }, [] { written(stub_a(2)); }, [] { written(3); }});
    CHECK(m.rfind("2 functions of lesson 98 are not written yet", 0) == 0);
    CHECK(count(m, "stub_a() is not implemented yet") == 1);
    CHECK(count(m, "stub_b() is not implemented yet") == 1);
    CHECK(m.find("stub_a()") < m.find("stub_b()"));  // in the order of the calls
}

TEST_CASE("common todo: an error other than a stub is not taken for an unwritten step") {
    // NotImplemented is an Error too: only the first handler that matches may run.
    try {
        require_written("98", {[] { throw Error("a bad input"); }});
        FAIL("the error was swallowed");
    } catch (const NotImplemented&) {
        FAIL("a plain error was reported as an unwritten step");
    } catch (const Error& e) {
        CHECK(std::string(e.what()) == "a bad input");
    }
}

TEST_CASE("common expect: a lesson's table gives each figure its range, and refuses a typo") {
    const ExpectedFigures table = {{"test_mse", {0.0095, 0.0108}}, {"auc", {0.9, 0.91}}};
    CHECK(table["auc"].lo == 0.9);
    CHECK(table["auc"].hi == 0.91);
    CHECK(table.has("test_mse"));
    CHECK_FALSE(table.has("test_MSE"));
    CHECK_THROWS_AS(table["tests_mse"], std::logic_error);
    CHECK(table.against("test_mse", 0.01, true) == "0.01 (expected 0.0095-0.0108: in range)");
    CHECK(table.against("test_mse", 0.02, true) ==
          "0.02 (expected 0.0095-0.0108: OUTSIDE the range, check your code)");
    CHECK(table.against("test_mse", 0.02, false) ==
          "0.02 (the README's 0.0095-0.0108 is for the default run)");
}
