// Tests of lesson 00 (GPU basics). Your per-thread functions run in the CPU emulation of a grid
// (given.cpp), so every test runs without a GPU; with a GPU the last two also run your kernels
// and compare them with the CPU. ./workshop check 00 (your code), ./workshop test (reference).
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "ae/tensor.hpp"
#include "exercise.hpp"

using namespace ae::l00;

namespace {

std::vector<float> random_vector(size_t n, uint64_t seed) {
    ae::Rng rng(seed);
    std::vector<float> v(n);
    for (auto& x : v) x = rng.uniform() * 2.f - 1.f;
    return v;
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

// max |C - ref|: a float dot product of K terms of size <= 1 has error ~K * 6e-8; 1e-4 for K < 100.
void check_matmul(const std::vector<float>& C, const std::vector<double>& ref, const char* what) {
    double worst = 0;
    size_t at = 0;
    for (size_t i = 0; i < ref.size(); ++i) {
        const double d = std::fabs(C[i] - ref[i]);
        if (d > worst) worst = d, at = i;
    }
    INFO(what << ": largest |C - A B| is " << worst << " at flat index " << at << " (row-major)");
    CHECK(worst < 1e-4);
}

// SAXPY in the emulated grid vs the same formula on the CPU.
void check_saxpy_emulated(Launch l, size_t n) {
    const auto x = random_vector(n, 1), y0 = random_vector(n, 2);
    auto y = y0;
    emulate_saxpy(l, n, 3.f, x.data(), y.data());
    size_t wrong = 0, first = n;
    for (size_t i = 0; i < n; ++i) {
        if (std::fabs(y[i] - (3.f * x[i] + y0[i])) > 1e-5f) {
            ++wrong;
            first = std::min(first, i);
        }
    }
    INFO("grid of " << l.blocks << " blocks x " << l.threads << " threads over n = " << n << ": "
                    << wrong
                    << " elements wrong (missed, or done twice), the first at i = " << first);
    CHECK(wrong == 0);
}

}  // namespace

TEST_CASE(
    "00 global_index (step 1): block b of size B, thread t is b*B + t, and the stride is the whole "
    "grid") {
    CHECK(global_index({0, 256, 5, 10}) == 5);
    CHECK(global_index({3, 128, 7, 10}) == 3 * 128 + 7);
    CHECK(global_index({70000, 1024, 1023, 80000}) ==
          size_t(70000) * 1024 + 1023);  // > 2^32: no overflow
    CHECK(grid_stride({2, 256, 5, 10}) == 2560);
    CHECK(grid_stride({0, 1024, 0, 5000000}) == size_t(5000000) * 1024);
}

TEST_CASE("00 saxpy_thread (step 2): every element is done exactly once, whatever the grid") {
    check_saxpy_emulated({4, 32}, 1000);  // fewer threads than elements: the loop must stride
    check_saxpy_emulated({10, 64}, 100);  // more threads than elements: the extra ones do nothing
    check_saxpy_emulated({1, 1}, 37);     // one thread does everything
}

TEST_CASE("00 relu_thread (step 2): y = max(x, 0) on every element") {
    const size_t n = 999;
    const auto x = random_vector(n, 3);
    std::vector<float> y(n, -7.f);
    emulate_relu({3, 64}, n, x.data(), y.data());
    size_t wrong = 0;
    for (size_t i = 0; i < n; ++i) wrong += y[i] != std::max(x[i], 0.f);
    INFO(wrong << " of " << n << " outputs differ from max(x, 0)");
    CHECK(wrong == 0);
}

TEST_CASE("00 matmul_naive_thread (step 3a): the emulated grid computes A B, ragged sizes") {
    const int M = 37, N = 45, K = 29;  // not multiples of the tile: edge blocks must stay inside C
    const auto A = random_vector(size_t(M) * K, 4), B = random_vector(size_t(K) * N, 5);
    std::vector<float> C(size_t(M) * N, NAN);
    emulate_matmul_naive(M, N, K, A.data(), B.data(), C.data());
    check_matmul(C, matmul_ref(M, N, K, A, B), "naive");
}

TEST_CASE("00 load_tiles (step 3b): each thread loads its element of both tiles, 0 outside") {
    const int M = 20, N = 18, K = 19;
    std::vector<float> A(size_t(M) * K), B(size_t(K) * N);
    for (size_t i = 0; i < A.size(); ++i) A[i] = float(i);
    for (size_t i = 0; i < B.size(); ++i) B[i] = float(1000 + i);
    float sA[kTile][kTile] = {}, sB[kTile][kTile] = {};
    // Block (bx=1, by=0), thread (tx=1, ty=3), tile step s=0: A[3, 1] and B[3, 16 + 1].
    load_tiles({1, 0, 1, 3}, 0, M, N, K, A.data(), B.data(), sA, sB);
    CHECK(sA[3][1] == A[3 * K + 1]);
    CHECK(sB[3][1] == B[3 * N + 17]);
    // Tile step s=1, thread (tx=5, ty=2): A[2, 21] and B[18, 21] fall outside (K = 19, N = 18).
    sA[2][5] = sB[2][5] = -1.f;
    load_tiles({1, 0, 5, 2}, 1, M, N, K, A.data(), B.data(), sA, sB);
    CHECK(sA[2][5] == 0.f);  // column 21 >= K
    CHECK(sB[2][5] == 0.f);  // B row 18 is inside, column 16 + 5 = 21 >= N
    // Step s=1, thread (tx=2, ty=1) of block (0, 1): A[17, 18] inside, B[17, 2] inside.
    load_tiles({0, 1, 2, 1}, 1, M, N, K, A.data(), B.data(), sA, sB);
    CHECK(sA[1][2] == A[17 * K + 18]);
    CHECK(sB[1][2] == B[17 * N + 2]);
}

TEST_CASE(
    "00 tile_dot (step 3b): row ty of the A tile times column tx of the B tile, added to acc") {
    float sA[kTile][kTile], sB[kTile][kTile];
    for (int i = 0; i < kTile; ++i)
        for (int j = 0; j < kTile; ++j) sA[i][j] = float(i + j), sB[i][j] = float(i - 2 * j);
    double expect = 0.5;
    for (int k = 0; k < kTile; ++k) expect += double(4 + k) * double(k - 2 * 7);  // ty=4, tx=7
    CHECK(tile_dot({0, 0, 7, 4}, sA, sB, 0.5f) == doctest::Approx(expect).epsilon(1e-6));
}

TEST_CASE(
    "00 tiled matmul (step 3b): emulated blocks with shared tiles compute A B, ragged sizes") {
    const int M = 37, N = 45, K = 50;  // K spans 4 tile steps, the last one partial
    const auto A = random_vector(size_t(M) * K, 6), B = random_vector(size_t(K) * N, 7);
    std::vector<float> C(size_t(M) * N, NAN);
    emulate_matmul_tiled(M, N, K, A.data(), B.data(), C.data());
    check_matmul(C, matmul_ref(M, N, K, A, B), "tiled");
}

TEST_CASE("00 launch_config (step 4): ceil(n / threads) blocks, clamped to [1, max_blocks]") {
    CHECK(launch_config(1000, 256, 100).blocks == 4);
    CHECK(launch_config(1024, 256, 100).blocks == 4);
    CHECK(launch_config(1025, 256, 100).blocks == 5);
    CHECK(launch_config(1 << 30, 256, 4096).blocks == 4096);  // the grid-stride loop does the rest
    CHECK(launch_config(0, 256, 100).blocks == 1);
    CHECK(launch_config(1000, 256, 100).threads == 256);
}

TEST_CASE("00 saxpy_on_gpu (step 4): the kernel launched from your host code matches the CPU") {
    check_saxpy_emulated(launch_config(5000, 128, 8), 5000);  // the CPU side first
    if (!gpu_present()) {
        MESSAGE("no GPU: the GPU half of this test is skipped");
        return;
    }
    const size_t n = (1 << 20) + 3;
    const auto x = random_vector(n, 8), y = random_vector(n, 9);
    const auto out = saxpy_on_gpu(2.5f, x, y);
    REQUIRE(out.size() == n);
    size_t wrong = 0;
    for (size_t i = 0; i < n; ++i)
        wrong += std::fabs(out[i] - (2.5f * x[i] + y[i])) > 1e-5f;  // fma vs mul+add
    INFO(wrong << " of " << n << " GPU results differ from a x + y");
    CHECK(wrong == 0);
}

TEST_CASE(
    "00 kernels on the GPU: ReLU, naive and tiled matmul match the CPU (skipped without a GPU)") {
    const int M = 70, N = 90, K = 80;
    const auto A = random_vector(size_t(M) * K, 10), B = random_vector(size_t(K) * N, 11);
    const auto ref = matmul_ref(M, N, K, A, B);
    std::vector<float> C(size_t(M) * N);
    emulate_matmul_tiled(M, N, K, A.data(), B.data(), C.data());  // the CPU side first
    check_matmul(C, ref, "tiled, emulated");
    if (!gpu_present()) {
        MESSAGE("no GPU: the GPU half of this test is skipped");
        return;
    }
    check_matmul(matmul_on_gpu(false, M, N, K, A, B), ref, "naive on the GPU");
    check_matmul(matmul_on_gpu(true, M, N, K, A, B), ref, "tiled on the GPU");
    const auto y = relu_on_gpu(A);
    size_t wrong = 0;
    for (size_t i = 0; i < A.size(); ++i) wrong += y[i] != std::max(A[i], 0.f);
    CHECK(wrong == 0);
}
