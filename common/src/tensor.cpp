// Seeded random numbers, row gathering and shape checks (see ae/tensor.hpp).
#include "ae/tensor.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <sstream>

#include "ae/error.hpp"

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

}  // namespace ae
