// Tests of the helpers behind the library's elementwise loops (common/src/simd.hpp): the split
// over threads covers every entry once and the hand-vectorised sum agrees with the plain loop.
// Run: build/bin/test_common -tc="common parallel_for*,common block_sums*"
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <vector>

#include "../common/src/simd.hpp"
#include "ae/tensor.hpp"

using namespace ae;

TEST_CASE("common parallel_for: every entry exactly once, in chunks of whole blocks") {
    for (size_t n : {size_t{0}, size_t{1}, size_t{1000}, parallel::kMinParallel - 1,
                     parallel::kMinParallel, size_t{200705}, size_t{1} << 20}) {
        std::vector<int> hits(n, 0);
        std::atomic<int> bad_start{0};
        parallel::parallel_for(n, [&](size_t begin, size_t end) {
            if (begin % parallel::kBlock != 0) ++bad_start;
            for (size_t i = begin; i < end; ++i) ++hits[i];
        });
        INFO("n = " << n);
        CHECK(bad_start == 0);
        CHECK(std::all_of(hits.begin(), hits.end(), [](int h) { return h == 1; }));
    }
}

TEST_CASE("common block_sums: the vectorised block sum agrees with the plain loop") {
    Rng rng(11);
    // 1e6 entries of mean 0.5: a float running sum would be off by ~1e-4 relative; the blocked
    // sum must stay within 1e-6 of the double sum. Sizes that are not multiples of the SIMD width
    // test the tails.
    for (size_t cols : {size_t{7}, size_t{1024}, size_t{1000003}}) {
        const Matrix x = rng.uniform(1, cols);
        CHECK(parallel::block_sum(x.data(), std::min(cols, parallel::kBlock)) ==
              doctest::Approx(parallel::block_sum_plain(x.data(), std::min(cols, parallel::kBlock)))
                  .epsilon(1e-6));
        const auto copy = [&](size_t begin, size_t end, float* out) {
            std::copy(x.data() + begin, x.data() + end, out);
        };
        CHECK(parallel::block_sums(cols, copy) ==
              doctest::Approx(parallel::block_sum_plain(x.data(), cols)).epsilon(1e-6));
    }
    CHECK(parallel::block_sums(0, [](size_t, size_t, float*) {}) == 0.0);
}
