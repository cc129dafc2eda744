// Tests of common/src/loss.cpp's fast versions against their plain twins (common/src/plain.hpp):
// sigmoid, MSE and BCE on logits, value and gradient, on sizes that end in a SIMD tail, cross
// the 1024-entry block of the float sums, and reach the split over the cores (2^19 entries).
#include <doctest/doctest.h>

#include <array>
#include <string>
#include <vector>

#include "../common/src/plain.hpp"
#include "../common/src/simd.hpp"
#include "ae/loss.hpp"
#include "test_util.hpp"

using namespace ae;

namespace {
// (rows, cols): 7 and 1023 end in a tail shorter than a SIMD batch; 1024 is one whole block of
// the float sums and 1025 one more entry; 3000 is three blocks, the last partial; 669 x 784 is
// at least parallel::kMinParallel entries, so its work is split over the cores.
const std::vector<std::array<size_t, 2>> kShapes = {{1, 7},    {1, 1023}, {1, 1024},
                                                    {1, 1025}, {3, 1000}, {669, 784}};

std::string shape_name(const std::array<size_t, 2>& s) {
    return "(" + std::to_string(s[0]) + ", " + std::to_string(s[1]) + ") on " +
           std::to_string(s[0] * s[1] < parallel::kMinParallel ? 1 : parallel::threads()) +
           " thread(s)";
}

// Loss values: the fast version adds float terms within a block of 1024, 16 (AVX-512) or 8
// (AVX2) SIMD lanes of 64 or 128 terms each, then the lanes and the blocks in double; the plain
// twin adds in double. A float sum of k positive terms is within (k - 1) 2^-24 of the exact one,
// 128 x 6e-8 = 7.6e-6 at worst, so 1e-5 relative. One term dropped or counted twice is 1/7 ..
// 1/1025 of the smaller sums and a whole block (1/512) of the largest: far outside it.
constexpr double kSumTolerance = 1e-5;
// Entries: the same float operations up to the rounding of 2 / div against 1 / div once more,
// a few ulps of 2^-24, so 1e-6 (entries compared on the scale of (p - t), i.e. times div).
constexpr double kEntryTolerance = 1e-6;

std::string reduction_name(Reduction r) {
    return r == Reduction::Mean ? ", mean" : ", sum per example";
}

double divisor(const Matrix& m, Reduction r) {
    return static_cast<double>(r == Reduction::Mean ? m.size() : m.shape()[0]);
}
}  // namespace

TEST_CASE("common loss sigmoid: the split over the cores equals the plain expression") {
    Rng rng(21);
    for (const auto& s : kShapes) {
        INFO(shape_name(s));
        const Matrix z = rng.normal(s[0], s[1], 0.f, 6.f);  // saturated entries at both ends
        test::check_close(sigmoid(z), plain::sigmoid(z), kEntryTolerance, "sigmoid(z)");
    }
}

TEST_CASE("common loss mse: the fast one-pass loss equals the plain formula, value and gradient") {
    Rng rng(22);
    for (const auto& s : kShapes) {
        for (const Reduction r : {Reduction::Mean, Reduction::SumPerExample}) {
            INFO(shape_name(s) << reduction_name(r));
            const Matrix p = rng.uniform(s[0], s[1]), t = rng.uniform(s[0], s[1]);
            const LossValue fast = mse_loss(p, t, r), ref = plain::mse_loss(p, t, r);
            const double div = divisor(p, r);
            CHECK(fast.value == doctest::Approx(ref.value).epsilon(kSumTolerance));
            test::check_close(fast.grad * div, ref.grad * div, kEntryTolerance, "grad x div");
        }
    }
}

TEST_CASE("common loss bce: the fast one-pass loss equals the plain formula, value and gradient") {
    Rng rng(23);
    for (const auto& s : kShapes) {
        for (const Reduction r : {Reduction::Mean, Reduction::SumPerExample}) {
            INFO(shape_name(s) << reduction_name(r));
            const Matrix z = rng.normal(s[0], s[1], 0.f, 4.f), t = rng.uniform(s[0], s[1]);
            const LossValue fast = bce_with_logits_loss(z, t, r);
            const LossValue ref = plain::bce_with_logits_loss(z, t, r);
            const double div = divisor(z, r);
            CHECK(fast.value == doctest::Approx(ref.value).epsilon(kSumTolerance));
            test::check_close(fast.grad * div, ref.grad * div, kEntryTolerance, "grad x div");
        }
    }
}
