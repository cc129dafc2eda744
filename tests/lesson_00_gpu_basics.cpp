// Tests of lesson 00 (GPU basics), one or more per README step. Your per-thread functions run in
// the CPU emulation of a grid (given.cpp), so every test runs without a GPU; with a GPU the
// "on the GPU" cases then launch your kernels, but only once the emulation has passed (a kernel
// that writes out of bounds would break the CUDA context for every later check).
// ./workshop check 00 (your code), ./workshop test (the reference).
#include <doctest/doctest.h>

#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include "ae/tensor.hpp"
#include "exercise.hpp"
#include "lesson.hpp"

using namespace ae::l00;

namespace {

// A value no kernel computes here: the guard elements past the end of every output hold it,
// and a kernel whose loop or bound lets an index reach the end overwrites it.
constexpr float kGuard = 12345.f;
constexpr size_t kPad = 64;  // guard elements after every array (inputs too: no reads off the end)
// What the inputs hold past their end: negative, so that no kernel maps it to kGuard.
constexpr float kInputPad = -3.f;

std::vector<float> random_vector(size_t n, uint64_t seed) {
    ae::Rng rng(seed);
    std::vector<float> v(n + kPad, kInputPad);
    for (size_t i = 0; i < n; ++i) v[i] = rng.uniform() * 2.f - 1.f;
    return v;
}

// "" when the kPad guard elements after the first n of v still hold kGuard; otherwise where not.
std::string guard_report(const std::vector<float>& v, size_t n, const char* name) {
    for (size_t i = n; i < v.size(); ++i) {
        if (v[i] != kGuard) {
            std::ostringstream s;
            s << "wrote " << name << "[" << i << "], " << (i - n + 1)
              << " past the end of the output (size " << n
              << "): likely a bound that lets the index reach the size (<= instead of <)";
            return s.str();
        }
    }
    return "";
}

// C = A B in double: the independent reference for the matmul kernels.
std::vector<double> matmul_ref(int M, int N, int K, const std::vector<float>& A,
                               const std::vector<float>& B) {
    std::vector<double> C(size_t(M) * N, 0.0);
    for (int i = 0; i < M; ++i)
        for (int k = 0; k < K; ++k)
            for (int j = 0; j < N; ++j)
                C[size_t(i) * N + j] += double(A[size_t(i) * K + k]) * B[size_t(k) * N + j];
    return C;
}

// "" when C matches ref within 1e-4 (a float dot product of K < 100 terms of size <= 1 has error
// ~K * 6e-8) and the guard after C is intact; otherwise what is wrong.
std::string matmul_report(const std::vector<float>& C, const std::vector<double>& ref, int N,
                          const char* what) {
    double worst = 0;
    size_t at = 0;
    for (size_t i = 0; i < ref.size(); ++i) {
        const double d = std::fabs(C[i] - ref[i]);
        if (!(d <= worst)) worst = d, at = i;
    }
    std::ostringstream s;
    if (!(worst < 1e-4)) {
        s << what << ": C[" << at / N << ", " << at % N << "] expected " << ref[at] << ", got "
          << C[at] << " (largest error " << worst << ", tolerance 1e-4)";
        if (std::isnan(C[at])) s << ": nothing was written there (C starts as NaN)";
        return s.str();
    }
    const std::string guard = guard_report(C, ref.size(), "C");
    return guard.empty() ? "" : std::string(what) + ": " + guard;
}

// "" when SAXPY in the emulated grid l did every y[i] (i < n) exactly once and nothing past n.
std::string saxpy_report(Launch l, size_t n) {
    const auto x = random_vector(n, 1), y0 = random_vector(n, 2);
    auto y = y0;
    std::fill(y.begin() + n, y.end(), kGuard);
    emulate_saxpy(l, n, 3.f, x.data(), y.data());
    size_t missed = 0, twice = 0, other = 0, first = n;
    for (size_t i = 0; i < n; ++i) {
        const float once = 3.f * x[i] + y0[i];
        if (std::fabs(y[i] - once) <= 1e-5f) continue;
        first = std::min(first, i);
        if (y[i] == y0[i])
            ++missed;
        else if (std::fabs(y[i] - (3.f * x[i] + once)) <= 1e-5f)
            ++twice;
        else
            ++other;
    }
    std::ostringstream s;
    s << "grid of " << l.blocks << " blocks x " << l.threads << " threads over n = " << n << ": ";
    if (missed + twice + other > 0) {
        s << missed << " elements never updated, " << twice << " updated twice, " << other
          << " wrong otherwise; the first at i = " << first;
        if (missed > 0) s << ". Missed elements: does the loop reach every i < n for this grid?";
        if (twice > 0) s << ". Twice: do two threads (or two steps of one) land on the same i?";
        return s.str();
    }
    const std::string guard = guard_report(y, n, "y");
    return guard.empty() ? "" : s.str() + guard;
}

// "" when ReLU in the emulated grid l wrote max(x, 0) to every y[i] (i < n) and nothing past n.
std::string relu_report(Launch l, size_t n) {
    const auto x = random_vector(n, 3);
    std::vector<float> y(n + kPad, kGuard);
    for (size_t i = 0; i < n; ++i) y[i] = -7.f;
    emulate_relu(l, n, x.data(), y.data());
    size_t wrong = 0, missed = 0, first = n;
    for (size_t i = 0; i < n; ++i) {
        if (y[i] == std::max(x[i], 0.f)) continue;
        ++wrong, missed += y[i] == -7.f;
        first = std::min(first, i);
    }
    std::ostringstream s;
    s << "grid of " << l.blocks << " blocks x " << l.threads << " threads over n = " << n << ": ";
    if (wrong > 0) {
        s << wrong << " of " << n << " outputs differ from max(x, 0) (" << missed
          << " never written), the first at i = " << first;
        return s.str();
    }
    const std::string guard = guard_report(y, n, "y");
    return guard.empty() ? "" : s.str() + guard;
}

// Naive or tiled matmul in the emulated grid on ragged sizes, with guards after A, B and C.
std::string emulated_matmul_report(bool tiled, int M, int N, int K, uint64_t seed) {
    const auto A = random_vector(size_t(M) * K, seed), B = random_vector(size_t(K) * N, seed + 1);
    std::vector<float> C(size_t(M) * N, NAN);
    C.resize(C.size() + kPad, kGuard);
    (tiled ? emulate_matmul_tiled : emulate_matmul_naive)(M, N, K, A.data(), B.data(), C.data());
    return matmul_report(C, matmul_ref(M, N, K, A, B), N,
                         tiled ? "tiled, emulated" : "naive, emulated");
}

constexpr const char* kWrapped =
    ": the product wrapped around at 2^32: compute in size_t, not unsigned";

}  // namespace

TEST_CASE("00 step 1 global_index: matches hand-computed indices, beyond 2^32 too") {
    const size_t first = global_index({0, 256, 5, 10});
    CHECK_MESSAGE(first == 5, "block 0, thread 5: expected 5, got ", first);
    const size_t got = global_index({3, 128, 7, 10});
    CHECK_MESSAGE(
        got == 3 * 128 + 7, "block 3 of 128 threads, thread 7: expected ", 3 * 128 + 7, ", got ",
        got,
        std::string(got == 3 * 10 + 7 ? ": you used the grid size where the block size belongs"
                                      : ""));
    const size_t big = global_index({5000000, 1024, 1023, 6000000}),
                 want = size_t(5000000) * 1024 + 1023;  // above 2^32
    CHECK_MESSAGE(big == want, "block 5000000 of 1024 threads, thread 1023: expected ", want,
                  ", got ", big, std::string(big == (want & 0xffffffffu) ? kWrapped : ""));
}

TEST_CASE("00 step 1 grid_stride: the number of threads in the grid, beyond 2^32 too") {
    const size_t small = grid_stride({2, 256, 5, 10});
    CHECK_MESSAGE(small == 2560, "10 blocks of 256 threads: expected 2560, got ", small);
    const size_t got = grid_stride({0, 1024, 0, 5000000}), want = size_t(5000000) * 1024;
    CHECK_MESSAGE(got == want, "5000000 blocks of 1024 threads: expected ", want, ", got ", got,
                  std::string(got == (want & 0xffffffffu) ? kWrapped : ""));
}

TEST_CASE("00 step 2 saxpy_thread: every element done exactly once and none past the end") {
    for (const auto& [grid, n] :
         std::vector<std::pair<Launch, size_t>>{
             {{4, 32}, 1000},  // fewer threads than elements: the loop must stride
             {{10, 64}, 100},  // more threads than elements: the extra ones do nothing
             {{1, 1}, 37},     // one thread does everything
             {{3, 64}, 192}})  // exactly one element per thread
    {
        const std::string r = saxpy_report(grid, n);
        CHECK_MESSAGE(r.empty(), r);
    }
}

TEST_CASE("00 step 2 relu_thread: every output is max(x, 0) and none past the end") {
    for (const auto& [grid, n] :
         std::vector<std::pair<Launch, size_t>>{{{3, 64}, 999}, {{10, 64}, 100}, {{1, 1}, 37}}) {
        const std::string r = relu_report(grid, n);
        CHECK_MESSAGE(r.empty(), r);
    }
}

TEST_CASE("00 step 3a matmul_naive_thread: the emulated grid computes A B, ragged sizes") {
    // Not multiples of the tile: edge blocks must stay inside C (a guard follows it).
    const std::string r = emulated_matmul_report(false, 37, 45, 29, 4);
    CHECK_MESSAGE(r.empty(), r);
}

TEST_CASE("00 step 3b load_tiles: each thread loads its element of both tiles, 0 outside") {
    const int M = 20, N = 18, K = 19;
    // Entries numbered so a wrong index shows; the guards after A and B are not 0 either.
    std::vector<float> A(size_t(M) * K + kPad, kGuard), B(size_t(K) * N + kPad, kGuard);
    for (size_t i = 0; i < size_t(M) * K; ++i) A[i] = float(1 + i);
    for (size_t i = 0; i < size_t(K) * N; ++i) B[i] = float(1000 + i);
    float sA[kTile][kTile] = {}, sB[kTile][kTile] = {};
    struct Probe {
        Thread2D t;
        int s;
        float a, b;  // expected sA[ty][tx], sB[ty][tx]
        const char* where;
    };
    const Probe probes[] = {
        {{1, 0, 1, 3}, 0, A[3 * K + 1], B[3 * N + 17], "block (1, 0), thread (1, 3), step 0"},
        {{1, 0, 5, 2},
         1,
         0.f,
         0.f,
         "step 1, thread (5, 2): A column 21 >= K and B column 21 >= N are outside"},
        {{0, 1, 2, 1}, 1, A[17 * K + 18], B[17 * N + 2], "block (0, 1), thread (2, 1), step 1"},
        {{0, 0, 3, 3},
         1,
         0.f,
         0.f,
         "step 1, thread (3, 3): A column 19 == K and B row 19 == K, just outside"},
        {{0, 0, 2, 2},
         1,
         A[2 * K + 18],
         B[18 * N + 2],
         "step 1, thread (2, 2): A column 18 == K - 1 and B row 18 == K - 1, the last inside"},
        {{1, 1, 2, 4},
         0,
         0.f,
         0.f,
         "block (1, 1), thread (2, 4), step 0: A row 20 == M and B column 18 == N, just outside"},
    };
    for (const Probe& p : probes) {
        sA[p.t.ty][p.t.tx] = sB[p.t.ty][p.t.tx] = -1.f;
        load_tiles(p.t, p.s, M, N, K, A.data(), B.data(), sA, sB);
        const float a = sA[p.t.ty][p.t.tx], b = sB[p.t.ty][p.t.tx];
        const char* hint =
            " (-1: nothing was written; anything else but 0 outside: the bound "
            "lets an index reach the size, <= instead of <, or the check is "
            "missing)";
        const std::string where = p.where;
        CHECK_MESSAGE(a == p.a, where, ": sA[ty][tx] expected ", p.a, ", got ", a,
                      std::string(p.a == 0.f ? hint : ""));
        CHECK_MESSAGE(b == p.b, where, ": sB[ty][tx] expected ", p.b, ", got ", b,
                      std::string(p.b == 0.f ? hint : ""));
    }
}

TEST_CASE("00 step 3b tile_dot: adds this tile's contribution to acc, hand-computed") {
    float sA[kTile][kTile], sB[kTile][kTile];
    for (int i = 0; i < kTile; ++i)
        for (int j = 0; j < kTile; ++j) sA[i][j] = float(i + j), sB[i][j] = float(i - 2 * j);
    double expect = 0.5;
    for (int k = 0; k < kTile; ++k) expect += double(4 + k) * double(k - 2 * 7);  // ty=4, tx=7
    const float got = tile_dot({0, 0, 7, 4}, sA, sB, 0.5f);
    double swapped = 0.5;  // the same with the roles of tx and ty exchanged
    for (int k = 0; k < kTile; ++k) swapped += double(7 + k) * double(k - 2 * 4);
    CHECK_MESSAGE(got == doctest::Approx(expect).epsilon(1e-6),
                  "thread (tx 7, ty 4), acc 0.5: expected ", expect, ", got ", got,
                  std::string(got == doctest::Approx(swapped)        ? ": tx and ty are swapped"
                              : got == doctest::Approx(expect - 0.5) ? ": acc was not added"
                                                                     : ""));
}

TEST_CASE("00 step 3b tiled_matmul: emulated blocks with shared tiles compute A B, ragged sizes") {
    // K spans 4 tile steps, the last one partial; M and N end in partial tiles.
    const std::string r = emulated_matmul_report(true, 37, 45, 50, 6);
    CHECK_MESSAGE(r.empty(), r);
}

TEST_CASE("00 step 4 launch_config: enough blocks for n, clamped to [1, max_blocks]") {
    const struct {
        size_t n;
        unsigned threads, max_blocks, blocks;
        const char* why;
    } cases[] = {
        {1000, 256, 100, 4, "1000 elements, 256 per block: the last block is partial"},
        {1024, 256, 100, 4, "1024 elements, 256 per block: exactly 4, no extra block"},
        {1025, 256, 100, 5, "1025 elements, 256 per block: one element needs a fifth block"},
        {size_t(1) << 30, 256, 4096, 4096, "2^30 elements: at most max_blocks"},
        {0, 256, 100, 1, "0 elements: a launch needs at least one block"},
    };
    for (const auto& c : cases) {
        const Launch l = launch_config(c.n, c.threads, c.max_blocks);
        const std::string why = c.why;
        CHECK_MESSAGE(l.blocks == c.blocks, why, ": expected ", c.blocks, " blocks, got ",
                      l.blocks);
        CHECK_MESSAGE(l.threads == c.threads, why, ": expected ", c.threads,
                      " threads per block, got ", l.threads);
    }
}

TEST_CASE("00 step 4 saxpy_on_gpu: the kernel launched by your host code matches the CPU") {
    // The CPU side first: a wrong kernel must not reach the GPU.
    const std::string r = saxpy_report(launch_config(5000, 128, 8), 5000);
    REQUIRE_MESSAGE(r.empty(), "in the emulation, before any GPU launch: ", r);
    if (!gpu_present()) {
        MESSAGE("no GPU: the GPU half of this test is skipped");
        return;
    }
    const size_t n = (1 << 20) + 3;
    auto x = random_vector(n, 8), y = random_vector(n, 9);
    x.resize(n), y.resize(n);
    const auto out = saxpy_on_gpu(2.5f, x, y);
    REQUIRE_MESSAGE(out.size() == n, "expected ", n, " results, got ", out.size());
    size_t wrong = 0;
    for (size_t i = 0; i < n; ++i)
        wrong += std::fabs(out[i] - (2.5f * x[i] + y[i])) > 1e-5f;  // fma vs mul+add
    CHECK_MESSAGE(wrong == 0, wrong, " of ", n, " GPU results differ from a x + y");
}

TEST_CASE("00 step 2 relu_thread: the ReLU kernel on the GPU matches the CPU (needs a GPU)") {
    const std::string r = relu_report({3, 64}, 999);
    REQUIRE_MESSAGE(r.empty(), "in the emulation, before any GPU launch: ", r);
    if (!gpu_present()) {
        MESSAGE("no GPU: the GPU half of this test is skipped");
        return;
    }
    auto x = random_vector(70 * 80, 10);
    x.resize(70 * 80);
    const auto y = relu_on_gpu(x);
    REQUIRE_MESSAGE(y.size() == x.size(), "expected ", x.size(), " results, got ", y.size());
    size_t wrong = 0;
    for (size_t i = 0; i < x.size(); ++i) wrong += y[i] != std::max(x[i], 0.f);
    CHECK_MESSAGE(wrong == 0, wrong, " of ", x.size(), " GPU results differ from max(x, 0)");
}

// Step 3's GPU check: the emulation first, then (with a GPU) the kernel on the device against
// the CPU reference.
namespace {
void check_gpu_matmul(bool tiled, const char* name) {
    const std::string r = emulated_matmul_report(tiled, 70, 90, 80, 10);
    REQUIRE_MESSAGE(r.empty(), "in the emulation, before any GPU launch: ", r);
    if (!gpu_present()) {
        MESSAGE("no GPU: the GPU half of this test is skipped");
        return;
    }
    const int M = 70, N = 90, K = 80;
    auto A = random_vector(size_t(M) * K, 10), B = random_vector(size_t(K) * N, 11);
    A.resize(size_t(M) * K), B.resize(size_t(K) * N);
    auto C = matmul_on_gpu(tiled, M, N, K, A, B);
    REQUIRE(C.size() == size_t(M) * N);
    C.resize(C.size() + kPad, kGuard);  // the GPU's copy-out has no guard to check
    const std::string g = matmul_report(C, matmul_ref(M, N, K, A, B), N, name);
    CHECK_MESSAGE(g.empty(), g);
}
}  // namespace

TEST_CASE(
    "00 step 3a matmul_naive_thread: the naive kernel on the GPU matches the CPU (needs a GPU)") {
    check_gpu_matmul(false, "naive on the GPU");
}

TEST_CASE("00 step 3b tiled_matmul: the tiled kernel on the GPU matches the CPU (needs a GPU)") {
    check_gpu_matmul(true, "tiled on the GPU");
}
