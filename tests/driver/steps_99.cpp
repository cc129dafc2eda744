// The tests of the driver's exercise (exercise_99.hpp), named like a lesson's so that the steps
// reporter and scripts/check-steps.py treat them as lesson 99 with three steps.
#include <doctest/doctest.h>

#include <vector>

#include "exercise_99.hpp"

TEST_CASE("99 step 1 first: returns 1") {
    CHECK(ae::d99::first() == 1);
}

TEST_CASE("99 step 2 second: sums three numbers") {
    const std::vector<float> v{1.f, 2.f, 3.f};
    CHECK(ae::d99::second(v) == doctest::Approx(6.0));
}

TEST_CASE("99 step 3 third: returns 3") {
    CHECK(ae::d99::third() == 3);
}
