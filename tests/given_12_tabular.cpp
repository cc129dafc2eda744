// Tests of what lesson 12 gives (lessons/12_tabular/given*.cpp): the CSV table reader, its
// columns, categories, labels and missing values, and its errors. Not the learner's: built
// against the reference, label given, left out of the stub check and of ./workshop check's
// steps (cmake/AeLesson.cmake). Run: ctest --test-dir build -L given -R given_12
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "ae/error.hpp"
#include "exercise.hpp"
#include "test_util.hpp"

using namespace ae;
using namespace ae::l12;

namespace {

std::string data_error(const std::string& path, const ReadOptions& o = {}) {
    return test::error_of<DataError>([&] { read_table(path, o); }, "");
}

using test::contains;

}  // namespace

TEST_CASE("12 given read_table: the columns, categories and labels of a CSV file, and its errors") {
    const test::TempDir dir("given-12");
    const std::string good =
        dir.write("good.csv", "size,colour,label\n1,red,ok\n3,,ok\nNA,blue,bad\n5,red,ok\n");
    const Table t = read_table(good, {"label", "", {}});
    REQUIRE(t.columns == std::vector<std::string>{"size", "colour"});
    CHECK(t.categorical == std::vector<bool>{false, true});
    CHECK(t.anomalous == Labels{0, 0, 1, 0});
    CHECK(std::isnan(t.values(2, 0)));  // NA: missing

    CHECK(contains(data_error(dir.write("empty.csv", "")), "empty"));
    CHECK(contains(data_error(dir.write("header.csv", "a,b\n")), "no data rows"));
    const std::string ragged = data_error(dir.write("ragged.csv", "a,b\n1,2\n3\n"));
    CHECK_MESSAGE(contains(ragged, "line 3"), "ragged row: the message names the line: ", ragged);
    const std::string text = data_error(dir.write("text.csv", "a,b\n1,2\n3,4\nx7,5\n"));
    CHECK_MESSAGE((contains(text, "line 4") && contains(text, "'a'") && contains(text, "x7")),
                  "text in a numeric column: line, column and field named: ", text);
    CHECK(contains(data_error(good, {"nope", "", {}}), "nope"));
}
