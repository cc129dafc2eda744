// Tests of the tensor basics (ae/tensor.hpp, common/src/tensor.cpp): Rng::normal_fast draws
// N(mean, stddev^2): moments, tails, pairs and seeds. Run: build/bin/test_common -tc="common Rng*"
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "ae/tensor.hpp"
#include "test_util.hpp"

using namespace ae;

namespace {
// Fraction of the entries of v with |z| above t, and its binomial standard error at p.
double tail_fraction(const std::vector<float>& v, double t) {
    size_t count = 0;
    for (float z : v) count += std::fabs(z) > t;
    return double(count) / double(v.size());
}
}  // namespace

TEST_CASE("common Rng::normal_fast: mean, variance, skew, kurtosis and tails of N(0, 1)") {
    // 2^22 draws: standard errors 5e-4 (mean), 7e-4 (variance), 1.2e-3 (skew), 2.4e-3 (kurtosis);
    // each check allows about 5 of them, so a correct sampler fails with chance < 1e-5.
    const size_t n = size_t{1} << 22;
    Rng rng(7);
    std::vector<float> v(n);
    rng.normal_fast(v.data(), n);
    double m1 = 0, m2 = 0, m3 = 0, m4 = 0;
    for (float z : v) {
        const double d = z;
        m1 += d, m2 += d * d, m3 += d * d * d, m4 += d * d * d * d;
    }
    m1 /= double(n), m2 /= double(n), m3 /= double(n), m4 /= double(n);
    CHECK_MESSAGE(std::fabs(m1) < 2.5e-3, "mean ", m1, " (expected 0 within 2.5e-3)");
    CHECK_MESSAGE(std::fabs(m2 - 1) < 3.5e-3, "variance ", m2, " (expected 1 within 3.5e-3)");
    CHECK_MESSAGE(std::fabs(m3) < 6e-3, "third moment ", m3, " (expected 0 within 6e-3)");
    CHECK_MESSAGE(std::fabs(m4 - 3) < 0.02, "fourth moment ", m4, " (expected 3 within 0.02)");
    // Two-sided tails of N(0, 1) at 1, 2, 3, 4 standard deviations, each within 5 binomial
    // standard errors sqrt(p (1 - p) / n).
    const double p_tail[] = {0.31731050786, 0.04550026390, 0.00269979606, 0.00006334248};
    for (int t = 1; t <= 4; ++t) {
        const double p = p_tail[t - 1], got = tail_fraction(v, t);
        const double se = std::sqrt(p * (1 - p) / double(n));
        CHECK_MESSAGE(std::fabs(got - p) < 5 * se, "P(|z| > ", t, ") = ", got, ", expected ", p,
                      " within ", 5 * se);
    }
    const size_t finite =
        size_t(std::count_if(v.begin(), v.end(), [](float z) { return std::isfinite(z); }));
    CHECK(finite == n);
}

TEST_CASE("common Rng::normal_fast: the two halves of a pair are uncorrelated") {
    // Box-Muller gives r cos theta and r sin theta from one pair of uniforms: independent, so the
    // correlation of neighbours is 0 within 5 / sqrt(n / 2).
    const size_t n = size_t{1} << 20;
    Rng rng(11);
    const Matrix m = rng.normal_fast(n / 1024, 1024);
    double c = 0;
    for (size_t i = 0; i + 1 < n; i += 2) c += double(m.data()[i]) * double(m.data()[i + 1]);
    c /= double(n / 2);
    CHECK_MESSAGE(std::fabs(c) < 5 / std::sqrt(double(n / 2)), "correlation of pairs ", c);
}

TEST_CASE("common Rng::normal_fast: seeded, with mean and stddev, any length") {
    Rng a(3), b(3), c(4);
    const Matrix x = a.normal_fast(100, 37, 2.f, 0.5f), y = b.normal_fast(100, 37, 2.f, 0.5f),
                 z = c.normal_fast(100, 37, 2.f, 0.5f);
    CHECK_MESSAGE(x == y, "the same seed must give the same draws");
    CHECK_MESSAGE(x != z, "another seed must give other draws");
    double mean = 0, var = 0;
    for (float v : x) mean += v;
    mean /= double(x.size());
    for (float v : x) var += (v - mean) * (v - mean);
    var /= double(x.size() - 1);
    CHECK_MESSAGE(std::fabs(mean - 2) < 0.05, "mean ", mean, " (expected 2: 5 standard errors)");
    CHECK_MESSAGE(std::fabs(std::sqrt(var) - 0.5) < 0.02, "stddev ", std::sqrt(var),
                  " (expected 0.5)");
    for (size_t len : {size_t{1}, size_t{7}, size_t{513}, size_t{1000}}) {
        std::vector<float> v(len + 1, -123.f);  // the entry after the last must stay untouched
        Rng r(5);
        r.normal_fast(v.data(), len);
        for (size_t i = 0; i < len; ++i) CHECK(std::isfinite(v[i]));
        CHECK_MESSAGE(v[len] == -123.f, "length ", len, ": wrote past the end");
        CHECK_MESSAGE(v[0] != -123.f, "length ", len, ": the first entry was not written");
    }
}
