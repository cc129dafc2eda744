// BLAS products and bias helpers (see ae/linalg.hpp).
#include "ae/linalg.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <xtensor-blas/xlinalg.hpp>

#include "ae/error.hpp"

namespace ae {

void sleep_idle_blas_threads() {
    if (std::getenv("OPENBLAS_THREAD_TIMEOUT")) return;
    const char* preload = std::getenv("LD_PRELOAD");
    if (preload && std::strstr(preload, "vgpreload")) return;  // valgrind would lose the program
    std::ifstream in("/proc/self/cmdline", std::ios::binary);  // the arguments, each ended by \0
    std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (all.empty() || all.back() != '\0') return;
    std::vector<char*> argv;
    for (size_t i = 0; i < all.size(); i += std::strlen(&all[i]) + 1) argv.push_back(&all[i]);
    argv.push_back(nullptr);
    setenv("OPENBLAS_THREAD_TIMEOUT", "4", 0);
    std::fflush(nullptr);
    execv("/proc/self/exe", argv.data());
    // No restart (not Linux, or the binary was replaced): the same run, with spinning helpers.
}

void gemm(const Matrix& A, bool transA, const Matrix& B, bool transB, Matrix& C, float alpha,
          float beta) {
    const size_t m = transA ? A.shape()[1] : A.shape()[0];
    const size_t k = transA ? A.shape()[0] : A.shape()[1];
    const size_t kb = transB ? B.shape()[1] : B.shape()[0];
    const size_t n = transB ? B.shape()[0] : B.shape()[1];
    if (k != kb) {
        throw ShapeError("gemm: inner dimensions differ: op(A) is (" + std::to_string(m) + ", " +
                         std::to_string(k) + "), op(B) is (" + std::to_string(kb) + ", " +
                         std::to_string(n) + ")");
    }
    if (C.shape()[0] != m || C.shape()[1] != n) {
        if (beta != 0.f) {
            throw ShapeError("gemm: C is " + shape_str(C) + " but the product is (" +
                             std::to_string(m) + ", " + std::to_string(n) + ")");
        }
        C.resize({m, n});
    }
    gemm(transA, transB, m, n, k, A.data(), B.data(), C.data(), alpha, beta);
}

void gemm(bool transA, bool transB, size_t m, size_t n, size_t k, const float* A, const float* B,
          float* C, float alpha, float beta) {
    if (m == 0 || n == 0) return;
    if (k == 0) {  // no products: C = beta C (BLAS rejects a leading dimension of 0)
        if (beta == 0.f)
            std::fill_n(C, m * n, 0.f);
        else
            std::for_each(C, C + m * n, [beta](float& c) { c *= beta; });
        return;
    }
    // The transposes are BLAS's flags: no copies. The call xt::blas::gemm makes for a matrix.
    cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans,
                transB ? CblasTrans : CblasNoTrans, int(m), int(n), int(k), alpha, A,
                int(transA ? m : k), B, int(transB ? k : n), beta, C, int(n));
}

Matrix matmul(const Matrix& A, const Matrix& B, bool transA, bool transB) {
    Matrix C({transA ? A.shape()[1] : A.shape()[0], transB ? B.shape()[0] : B.shape()[1]});
    gemm(A, transA, B, transB, C);
    return C;
}

MatrixD matmul(const MatrixD& A, const MatrixD& B, bool transA, bool transB) {
    const size_t k = transA ? A.shape()[0] : A.shape()[1];
    const size_t kb = transB ? B.shape()[1] : B.shape()[0];
    if (k != kb) {
        throw ShapeError("matmul: inner dimensions differ: op(A) has " + std::to_string(k) +
                         " columns, op(B) has " + std::to_string(kb) + " rows");
    }
    if (transA && transB) return xt::linalg::dot(xt::transpose(A), xt::transpose(B));
    if (transA) return xt::linalg::dot(xt::transpose(A), B);
    if (transB) return xt::linalg::dot(A, xt::transpose(B));
    return xt::linalg::dot(A, B);
}

SymmetricEigen symmetric_eigen(const Matrix& a) {
    if (a.shape()[0] != a.shape()[1]) {
        throw ShapeError("symmetric_eigen: the matrix must be square, got " + shape_str(a));
    }
    auto [values, vectors] = xt::linalg::eigh(a);
    SymmetricEigen out;
    out.values.assign(values.begin(), values.end());
    out.vectors = vectors;
    return out;
}

QrD qr_reduced(const MatrixD& a) {
    if (a.shape()[0] < a.shape()[1]) {
        throw ShapeError("qr_reduced: need at least as many rows as columns, got (" +
                         std::to_string(a.shape()[0]) + ", " + std::to_string(a.shape()[1]) + ")");
    }
    auto [q, r] = xt::linalg::qr(a, xt::linalg::qrmode::reduced);
    return {q, r};
}

SvdD svd_thin(const MatrixD& a) {
    auto [u, s, vt] = xt::linalg::svd(a, false);
    SvdD out;
    out.u = u;
    out.s.assign(s.begin(), s.end());
    out.vt = vt;
    return out;
}

Matrix column_sums(const Matrix& x) {
    return column_sums(x.data(), x.shape()[0], x.shape()[1]);
}

Matrix column_sums(const float* x, size_t n, size_t d) {
    Matrix s = xt::zeros<float>({size_t{1}, d});
    // Row by row is cache friendly and vectorises; xtensor's lazy xt::sum(x, {0}) is ~20x slower.
    for (size_t i = 0; i < n; ++i) {
        const float* row = x + i * d;
        float* out = s.data();
        for (size_t j = 0; j < d; ++j) out[j] += row[j];
    }
    return s;
}

Matrix column_means(const Matrix& x) {
    Matrix s = column_sums(x);
    if (x.shape()[0] > 0) s /= static_cast<float>(x.shape()[0]);
    return s;
}

void add_row(Matrix& x, const Matrix& row) {
    const size_t n = x.shape()[0], d = x.shape()[1];
    require_shape(row, 1, d, "add_row: bias row");
    for (size_t i = 0; i < n; ++i) {
        float* r = x.data() + i * d;
        const float* b = row.data();
        for (size_t j = 0; j < d; ++j) r[j] += b[j];
    }
}

}  // namespace ae
