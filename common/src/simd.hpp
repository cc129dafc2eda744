// Internal to common/src: elementwise loops written once for xsimd batches (AVX-512/AVX2/SSE,
// whatever -march allows) and for the scalar tail. GCC does not vectorise loops with exp, log1p,
// sqrt (errno) or double reductions on its own, so the hot loops of nn/loss/optim use these.
//   simd::for_each(n, [&](size_t i, auto t) { using T = decltype(t); ... load<T>(p + i) ... });
// T is simd::Batch for i = 0, W, 2W, ... and float for the last n % W entries.
#pragma once
#include <cstddef>
#include <xsimd/xsimd.hpp>

namespace ae::simd {

using Batch = xsimd::batch<float>;
constexpr size_t kWidth = Batch::size;

template <class T>
inline T load(const float* p) {
    if constexpr (std::is_same_v<T, float>) {
        return *p;
    } else {
        return Batch::load_unaligned(p);
    }
}
inline void store(float* p, float v) {
    *p = v;
}
inline void store(float* p, const Batch& v) {
    v.store_unaligned(p);
}

// cond ? a : b, lane by lane.
inline float pick(bool cond, float a, float b) {
    return cond ? a : b;
}
inline Batch pick(const xsimd::batch_bool<float>& cond, const Batch& a, const Batch& b) {
    return xsimd::select(cond, a, b);
}

inline float horizontal_sum(float v) {
    return v;
}
inline float horizontal_sum(const Batch& v) {
    return xsimd::hadd(v);
}

template <class F>
inline void for_each(size_t n, F&& f) {
    size_t i = 0;
    for (; i + kWidth <= n; i += kWidth) f(i, Batch(0.f));
    for (; i < n; ++i) f(i, 0.f);
}

// Sum over i of f(i, T) (f may also store results). Lanes add in float over blocks of 1024
// entries, blocks add in double: float rounding stays ~1e-6 relative even for millions of terms.
template <class F>
inline double sum(size_t n, F&& f) {
    double total = 0;
    for (size_t start = 0; start < n; start += 1024) {
        const size_t end = std::min(n, start + 1024);
        Batch acc(0.f);
        float tail = 0.f;
        size_t i = start;
        for (; i + kWidth <= end; i += kWidth) acc += f(i, Batch(0.f));
        for (; i < end; ++i) tail += f(i, 0.f);
        total += static_cast<double>(horizontal_sum(acc)) + tail;
    }
    return total;
}

}  // namespace ae::simd
