// Seeded random numbers, row gathering and shape checks (see ae/tensor.hpp). Two parts are there
// only for speed, each marked "fast" with its plain twin beside it: the vectorised normal sampler
// (plain::normal_fast, plain.hpp) and, at the end, the memory advice (the plain version is none).
#include "ae/tensor.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <sstream>

#ifdef __GLIBC__
#include <malloc.h>
#endif
#ifdef __linux__
#include <sys/mman.h>
#endif

#include <xsimd/xsimd.hpp>

#include "ae/error.hpp"
#include "plain.hpp"

namespace ae {

float Rng::uniform() {
    return std::uniform_real_distribution<float>(0.f, 1.f)(gen_);
}

float Rng::normal() {
    return std::normal_distribution<float>(0.f, 1.f)(gen_);
}

size_t Rng::index(size_t n) {
    return std::uniform_int_distribution<size_t>(0, n - 1)(gen_);
}

Matrix Rng::uniform(size_t rows, size_t cols, float lo, float hi) {
    Matrix m({rows, cols});
    std::uniform_real_distribution<float> d(lo, hi);
    for (auto& v : m) v = d(gen_);
    return m;
}

Matrix Rng::normal(size_t rows, size_t cols, float mean, float stddev) {
    Matrix m({rows, cols});
    std::normal_distribution<float> d(mean, stddev);
    for (auto& v : m) v = d(gen_);
    return m;
}

Matrix Rng::normal_fast(size_t rows, size_t cols, float mean, float stddev) {
    Matrix m({rows, cols});
    normal_fast(m.data(), m.size(), mean, stddev);
    return m;
}

// Box-Muller, the plain twin of Rng::normal_fast below: the same uniforms from the same words.
void plain::normal_fast(std::mt19937_64& gen, float* out, size_t n, float mean, float stddev) {
    constexpr double kTwoPi = 6.283185307179586;
    for (size_t i = 0; i < n; i += 2) {
        const uint64_t w = gen();
        const float u1 = static_cast<float>((static_cast<double>(w >> 32) + 0.5) * 0x1p-32);
        const float theta =
            static_cast<float>(static_cast<double>(w & 0xFFFFFFFFu) * 0x1p-32 * kTwoPi);
        const float r = std::sqrt(-2.f * std::log(u1));
        out[i] = mean + stddev * r * std::cos(theta);
        if (i + 1 < n) out[i + 1] = mean + stddev * r * std::sin(theta);
    }
}

// Fast: the same draws as plain::normal_fast, the transcendental half in xsimd batches.
void Rng::normal_fast(float* out, size_t n, float mean, float stddev) {
    // Box-Muller: u1 in (0, 1], theta in [0, 2 pi) -> r cos theta, r sin theta with
    // r = sqrt(-2 ln u1): two independent N(0, 1). Uniforms are drawn in order (scalar, one
    // 64-bit word per pair); the transcendental half runs on whole SIMD batches.
    using Batch = xsimd::batch<float>;
    constexpr size_t kPairs = 256;  // a multiple of every SIMD width
    alignas(64) float u1[kPairs], theta[kPairs];
    constexpr double kTwoPi = 6.283185307179586;
    for (size_t done = 0; done < n;) {
        const size_t pairs = std::min(kPairs, (n - done + 1) / 2);
        for (size_t i = 0; i < pairs; ++i) {
            const uint64_t w = gen_();
            u1[i] = static_cast<float>((static_cast<double>(w >> 32) + 0.5) * 0x1p-32);
            theta[i] = static_cast<float>(static_cast<double>(w & 0xFFFFFFFFu) * 0x1p-32 * kTwoPi);
        }
        const size_t padded = (pairs + Batch::size - 1) / Batch::size * Batch::size;
        std::fill(u1 + pairs, u1 + padded, 1.f);  // unused lanes: finite, no draws
        std::fill(theta + pairs, theta + padded, 0.f);
        alignas(64) float cos_half[kPairs], sin_half[kPairs];
        for (size_t i = 0; i < padded; i += Batch::size) {
            const Batch r = xsimd::sqrt(Batch(-2.f) * xsimd::log(Batch::load_aligned(u1 + i)));
            const auto sc = xsimd::sincos(Batch::load_aligned(theta + i));
            (Batch(mean) + Batch(stddev) * r * sc.second).store_aligned(cos_half + i);
            (Batch(mean) + Batch(stddev) * r * sc.first).store_aligned(sin_half + i);
        }
        // Pair i to out[2i], out[2i + 1], as plain::normal_fast. (Not xsimd::zip_lo/zip_hi: they
        // interleave within 128-bit lanes, which put pairs out of order with AVX2 and AVX-512.)
        const size_t count = std::min(2 * pairs, n - done);
        for (size_t i = 0; 2 * i < count; ++i) {
            out[done + 2 * i] = cos_half[i];
            if (2 * i + 1 < count) out[done + 2 * i + 1] = sin_half[i];
        }
        done += count;
    }
}

std::vector<size_t> Rng::permutation(size_t n) {
    std::vector<size_t> p(n);
    std::iota(p.begin(), p.end(), size_t{0});
    // Fisher-Yates with our own draws: std::shuffle's sequence differs between libraries.
    for (size_t i = n; i > 1; --i) std::swap(p[i - 1], p[index(i)]);
    return p;
}

Rng Rng::split() {
    return Rng(gen_() ^ 0x9E3779B97F4A7C15ull);
}

Matrix gather_rows(const Matrix& x, const std::vector<size_t>& idx, size_t begin, size_t end) {
    const size_t d = x.shape()[1];
    Matrix out({end - begin, d});
    for (size_t i = begin; i < end; ++i) {
        std::copy_n(x.data() + idx[i] * d, d, out.data() + (i - begin) * d);
    }
    return out;
}

Matrix gather_rows(const Matrix& x, const std::vector<size_t>& idx) {
    return gather_rows(x, idx, 0, idx.size());
}

Labels gather(const Labels& labels, const std::vector<size_t>& idx) {
    Labels out(idx.size());
    for (size_t i = 0; i < idx.size(); ++i) out[i] = labels[idx[i]];
    return out;
}

std::string shape_str(const Matrix& m) {
    std::ostringstream s;
    s << "(" << m.shape()[0] << ", " << m.shape()[1] << ")";
    return s.str();
}

void require_shape(const Matrix& m, size_t rows, size_t cols, const std::string& what) {
    if ((rows == 0 || m.shape()[0] == rows) && (cols == 0 || m.shape()[1] == cols)) return;
    auto dim = [](size_t v) { return v == 0 ? std::string("any") : std::to_string(v); };
    throw ShapeError(what + ": expected shape (" + dim(rows) + ", " + dim(cols) + "), got " +
                     shape_str(m));
}

bool all_finite(const Matrix& m) {
    return std::all_of(m.begin(), m.end(), [](float v) { return std::isfinite(v); });
}

// Memory advice, for speed only: the plain version is to give none, and the values are the same
// (tests/common_tensor.cpp checks that advice leaves a matrix's values and freed memory usable).

void keep_freed_memory() {
#ifdef __GLIBC__
    // Blocks up to 32 MB (glibc's largest mmap threshold) come from the heap, and up to 256 MB of
    // freed heap stays mapped. Fixed values also stop glibc's own threshold from moving.
    static const bool done = [] {
        mallopt(M_MMAP_THRESHOLD, 32 << 20);
        mallopt(M_TRIM_THRESHOLD, 256 << 20);
        return true;
    }();
    (void)done;
#endif
}

void prefer_huge_pages(Matrix& m) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    constexpr uintptr_t kHuge = uintptr_t{2} << 20;
    const auto begin = reinterpret_cast<uintptr_t>(m.data());
    const uintptr_t end = begin + m.size() * sizeof(float);
    const uintptr_t first = (begin + kHuge - 1) & ~(kHuge - 1);  // whole huge pages inside m
    if (end > first + kHuge) madvise(reinterpret_cast<void*>(first), end - first, MADV_HUGEPAGE);
#else
    (void)m;
#endif
}

}  // namespace ae
