// Tests of the tensor basics (ae/tensor.hpp, common/src/tensor.cpp): Rng::normal_fast draws
// N(mean, stddev^2): moments, tails, pairs and seeds, and equals its plain twin draw by draw; the
// memory advice keeps values and freed memory. Run: build/bin/test_common -tc="common Rng*"
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "../common/src/plain.hpp"
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

TEST_CASE("common Rng::normal_fast: the xsimd sampler equals its plain twin draw by draw") {
    // Lengths around the SIMD width (16 or 8), the 512-value blocks of the fast sampler, an odd
    // length (the last pair's sine is dropped) and 2^19 + 7.
    for (size_t n : {size_t{1}, size_t{2}, size_t{15}, size_t{16}, size_t{17}, size_t{511},
                     size_t{512}, size_t{513}, size_t{1025}, (size_t{1} << 19) + 7}) {
        INFO("n = " << n);
        Rng fast(9), plain_rng(9);
        std::vector<float> a(n), b(n);
        fast.normal_fast(a.data(), n, 0.5f, 2.f);
        plain::normal_fast(plain_rng.engine(), b.data(), n, 0.5f, 2.f);
        // xsimd's log and sincos against libm's: each within a few ulps (2^-24 relative) of the
        // exact value; r = sqrt(-2 ln u1) <= 6.8 scales an absolute error of ~1e-7 in cos or sin,
        // so |a - b| <= 2e-6 (1 + |b|) with room. A draw out of place (a pair swapped, shifted,
        // one word too many) is off by O(1).
        size_t bad = 0, first_bad = n;
        for (size_t i = 0; i < n; ++i) {
            if (!(std::fabs(a[i] - b[i]) <= 2e-6 * (1 + std::fabs(b[i])))) {
                if (bad++ == 0) first_bad = i;
            }
        }
        CHECK_MESSAGE(bad == 0, bad, " draws differ, the first at ", first_bad, ": fast ",
                      a[std::min(first_bad, n - 1)], ", plain ", b[std::min(first_bad, n - 1)]);
        CHECK_MESSAGE(fast.engine()() == plain_rng.engine()(),
                      "the two must use the same number of 64-bit words (one per pair)");
    }
}

TEST_CASE("common prefer_huge_pages: the advice leaves every value as it was") {
    // The plain version gives no advice. The right advice only changes how pages are backed; a
    // wrong one (MADV_DONTNEED, MADV_FREE) would drop the pages and read back zeros.
    Rng rng(13);
    for (const size_t rows : {size_t{3}, size_t{2048}}) {  // 12 kB (no whole huge page), 8 MB
        INFO("rows = " << rows);
        Matrix written = rng.uniform(rows, 1024, 1.f, 2.f);
        const Matrix copy = written;
        prefer_huge_pages(written);
        CHECK(written == copy);
        Matrix fresh({rows, 1024});  // advised before it is written, as the data loader does
        prefer_huge_pages(fresh);
        std::copy(copy.begin(), copy.end(), fresh.begin());
        CHECK(fresh == copy);
    }
}

#ifdef __GLIBC__
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kAsanAllocator = true;  // ASan's allocator replaces glibc's: mallopt has no say
#else
constexpr bool kAsanAllocator = false;
#endif

TEST_CASE("common keep_freed_memory: a freed 16 MB matrix stays in the process for the next one" *
          doctest::skip(kAsanAllocator)) {
    // The plain version leaves glibc's defaults: a block over 128 kB is mapped on its own and
    // handed back to the kernel when freed. After keep_freed_memory, it comes from the heap and
    // stays there: glibc's free heap bytes grow by at least its size.
    keep_freed_memory();
    const size_t bytes = size_t{16} << 20;
    {
        Matrix m = xt::ones<float>({bytes / sizeof(float) / 1024, size_t{1024}});
        CHECK(m(0, 0) == 1.f);
    }
    const struct mallinfo2 info = mallinfo2();
    CHECK_MESSAGE(info.fordblks >= bytes, "free heap bytes ", info.fordblks, " after freeing ",
                  bytes);
    Matrix again = xt::zeros<float>({bytes / sizeof(float) / 1024, size_t{1024}});
    CHECK(again(1000, 1000) == 0.f);
}
#endif
