// Given: the CPU emulation of a CUDA grid for lesson 00, so that your per-thread functions run
// (and are tested) without a GPU. Also the stand-ins for the GPU functions in a build without
// CUDA, and the check of your kernels against the CPU that the program runs first. Used by
// the lesson program and the tests; nothing to write here.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "ae/device.hpp"
#include "ae/error.hpp"
#include "ae/linalg.hpp"  // matmul, the CPU reference
#include "ae/tensor.hpp"
#include "exercise.hpp"
#include "lesson.hpp"

namespace ae::l00 {

void emulate_saxpy(Launch l, size_t n, float a, const float* x, float* y) {
    for (unsigned b = 0; b < l.blocks; ++b)
        for (unsigned t = 0; t < l.threads; ++t)
            saxpy_thread(Thread1D{b, l.threads, t, l.blocks}, n, a, x, y);
}

void emulate_relu(Launch l, size_t n, const float* x, float* y) {
    for (unsigned b = 0; b < l.blocks; ++b)
        for (unsigned t = 0; t < l.threads; ++t)
            relu_thread(Thread1D{b, l.threads, t, l.blocks}, n, x, y);
}

namespace {
unsigned tiles_for(int n) {
    return static_cast<unsigned>((n + kTile - 1) / kTile);
}
}  // namespace

void emulate_matmul_naive(int M, int N, int K, const float* A, const float* B, float* C) {
    for (unsigned by = 0; by < tiles_for(M); ++by)
        for (unsigned bx = 0; bx < tiles_for(N); ++bx)
            for (unsigned ty = 0; ty < kTile; ++ty)
                for (unsigned tx = 0; tx < kTile; ++tx)
                    matmul_naive_thread({bx, by, tx, ty}, M, N, K, A, B, C);
}

// One block at a time, its shared tiles in local arrays; each loop over the block's threads
// ends where the kernel has a __syncthreads().
void emulate_matmul_tiled(int M, int N, int K, const float* A, const float* B, float* C) {
    float sA[kTile][kTile], sB[kTile][kTile];
    std::vector<float> acc(kTile * kTile);  // each thread's register
    for (unsigned by = 0; by < tiles_for(M); ++by) {
        for (unsigned bx = 0; bx < tiles_for(N); ++bx) {
            std::fill(acc.begin(), acc.end(), 0.f);
            for (int s = 0; s < static_cast<int>(tiles_for(K)); ++s) {
                for (unsigned ty = 0; ty < kTile; ++ty)
                    for (unsigned tx = 0; tx < kTile; ++tx)
                        load_tiles({bx, by, tx, ty}, s, M, N, K, A, B, sA, sB);
                for (unsigned ty = 0; ty < kTile; ++ty)
                    for (unsigned tx = 0; tx < kTile; ++tx)
                        acc[ty * kTile + tx] =
                            tile_dot({bx, by, tx, ty}, sA, sB, acc[ty * kTile + tx]);
            }
            for (unsigned ty = 0; ty < kTile; ++ty) {
                for (unsigned tx = 0; tx < kTile; ++tx) {
                    const int row = static_cast<int>(by * kTile + ty),
                              col = static_cast<int>(bx * kTile + tx);
                    if (row < M && col < N) C[row * N + col] = acc[ty * kTile + tx];
                }
            }
        }
    }
}

std::string no_gpu_text() {
    // Plain words; CUDA's own error text only with --verbose (or AE_VERBOSE=1).
    return gpu_status_text(gpu_status(), verbose_enabled()) +
           "\nThe program runs the CPU side and your kernels in the CPU emulation of a grid.";
}

#ifndef AE_HAVE_CUDA
// A build without CUDA: the GPU side says so; gpu_present() is false, so nothing calls the rest.
namespace {
[[noreturn]] void l00_no_cuda(const char* what) {
    throw ae::Error(std::string(what) + ": this build has no CUDA (nvcc was not found)");
}
}  // namespace
bool gpu_present() {
    return false;
}
std::string describe_gpu() {
    return no_gpu_text();
}
std::vector<float> relu_on_gpu(const std::vector<float>&) {
    l00_no_cuda("relu_on_gpu");
}
std::vector<float> matmul_on_gpu(bool, int, int, int, const std::vector<float>&,
                                 const std::vector<float>&) {
    l00_no_cuda("matmul_on_gpu");
}
void launch_saxpy(Launch, size_t, float, const float*, float*) {
    l00_no_cuda("launch_saxpy");
}
void launch_relu(Launch, size_t, const float*, float*) {
    l00_no_cuda("launch_relu");
}
void launch_matmul(bool, int, int, int, const float*, const float*, float*) {
    l00_no_cuda("launch_matmul");
}
ElementwiseTiming time_elementwise_gpu(size_t, int) {
    l00_no_cuda("time_elementwise_gpu");
}
GemmTiming time_gemm_gpu(int, int) {
    l00_no_cuda("time_gemm_gpu");
}
#endif

namespace {

std::vector<float> to_vec(const Matrix& m) {
    return {m.begin(), m.end()};
}

double max_abs_diff(const std::vector<float>& a, const Matrix& ref) {
    double d = 0;
    for (size_t i = 0; i < a.size(); ++i) d = std::max(d, double(std::fabs(a[i] - ref.data()[i])));
    return d;
}

// One PASSED line, or FAILED and an ae::Error that says to run the check.
void verdict(const char* what, double err, double tol) {
    std::printf("  %-44s max |error| %.2e  %s\n", what, err, err <= tol ? "PASSED" : "FAILED");
    if (!(err <= tol))
        throw Error(std::string(what) + ": the result is wrong; run ./workshop check 00");
}

}  // namespace

// Your kernels against the CPU: in the emulated grid always, on the GPU when there is one.
void check_kernels(bool gpu) {
    std::printf("\nYour kernels, checked against the CPU:\n");
    Rng rng(1);
    const size_t n = 100003;
    const Matrix x = rng.uniform(1, n, -1.f, 1.f), y = rng.uniform(1, n, -1.f, 1.f);
    const Matrix saxpy_ref = 2.f * x + y;
    std::vector<float> ys = to_vec(y);
    emulate_saxpy(Launch{64, 128}, n, 2.f, x.data(), ys.data());
    verdict("SAXPY, emulated grid 64 x 128", max_abs_diff(ys, saxpy_ref), 1e-5);
    const int M = 100, N = 120, K = 90;
    const Matrix A = rng.uniform(M, K, -1.f, 1.f), B = rng.uniform(K, N, -1.f, 1.f),
                 C = matmul(A, B);
    std::vector<float> c(size_t(M) * N);
    emulate_matmul_naive(M, N, K, A.data(), B.data(), c.data());
    verdict("naive matmul 100x90 * 90x120, emulated", max_abs_diff(c, C), 1e-4);
    emulate_matmul_tiled(M, N, K, A.data(), B.data(), c.data());
    verdict("tiled matmul, emulated blocks + shared tiles", max_abs_diff(c, C), 1e-4);
    if (!gpu) return;
    verdict("SAXPY on the GPU (your host code)",
            max_abs_diff(saxpy_on_gpu(2.f, to_vec(x), to_vec(y)), saxpy_ref), 1e-5);
    verdict("naive matmul on the GPU",
            max_abs_diff(matmul_on_gpu(false, M, N, K, to_vec(A), to_vec(B)), C), 1e-4);
    verdict("tiled matmul on the GPU",
            max_abs_diff(matmul_on_gpu(true, M, N, K, to_vec(A), to_vec(B)), C), 1e-4);
}

}  // namespace ae::l00
