// Matrix products through BLAS (OpenBLAS via xtensor-blas), without copies for transposes, and
// the LAPACK factorisations the lessons need (symmetric eigendecomposition, reduced QR, thin SVD).
// Every product in the library goes through gemm/matmul. The factorisations are compiled once in
// the library, so a lesson's exercise.cpp that uses them stays quick to rebuild.
#pragma once
#include <vector>

#include "ae/tensor.hpp"

namespace ae {

// OpenBLAS's helper threads spin (sched_yield) for about 2^28 cycles after each product before
// they sleep, so between the many small products of a training step they never sleep, and on 2
// cores they take the core from the step's other work and double its CPU time.
// OPENBLAS_THREAD_TIMEOUT=4 makes them sleep at once, but OpenBLAS reads it as it loads, before
// main: so this starts the program again (exec of /proc/self/exe: same pid and arguments) with
// it set. A value already set is kept, and so is a run under valgrind. Called first by
// guarded_main (ae/cli.hpp); returns only when no restart was needed or possible.
// Figures: bench/README.md.
void sleep_idle_blas_threads();

// C = alpha * op(A) op(B) + beta * C, op = transpose when the flag is set.
// C must already have shape (rows of op(A), cols of op(B)); beta = 1 accumulates into C.
void gemm(const Matrix& A, bool transA, const Matrix& B, bool transB, Matrix& C, float alpha = 1.f,
          float beta = 0.f);

// The same on row-major buffers: C (m, n) = alpha * op(A) op(B) + beta * C, op(A) (m, k), op(B)
// (k, n), for data that has the numbers but not the shape of a matrix (a batch of images seen
// as rows of pixels). The one call to BLAS; with beta = 0, C's old contents are not read.
void gemm(bool transA, bool transB, size_t m, size_t n, size_t k, const float* A, const float* B,
          float* C, float alpha = 1.f, float beta = 0.f);

// op(A) op(B) as a new matrix.
Matrix matmul(const Matrix& A, const Matrix& B, bool transA = false, bool transB = false);
// The same in double precision (xt::linalg::dot on transposed views, no copies).
MatrixD matmul(const MatrixD& A, const MatrixD& B, bool transA = false, bool transB = false);

// The eigendecomposition of a symmetric matrix a: (D, D) (LAPACK through xt::linalg::eigh; only
// the lower triangle is read). values: D eigenvalues in ascending order; vectors: (D, D), the
// eigenvector of values[j] in column j, unit length, with an arbitrary sign.
struct SymmetricEigen {
    std::vector<float> values;
    Matrix vectors;
};
SymmetricEigen symmetric_eigen(const Matrix& a);

// The reduced QR decomposition a = q r of a: (M, K), M >= K (xt::linalg::qr, reduced mode):
// q (M, K) with orthonormal columns spanning the columns of a, r (K, K) upper triangular.
struct QrD {
    MatrixD q, r;
};
QrD qr_reduced(const MatrixD& a);

// The thin SVD a = u diag(s) vt of a: (M, K) (xt::linalg::svd without full matrices), R =
// min(M, K): u (M, R), s: R singular values in descending order (>= 0), vt (R, K).
struct SvdD {
    MatrixD u;
    std::vector<double> s;
    MatrixD vt;
};
SvdD svd_thin(const MatrixD& a);

// x: (N, D) -> (1, D), the sum of each column (bias gradients), added row by row.
Matrix column_sums(const Matrix& x);
// The same for a row-major (rows, cols) buffer.
Matrix column_sums(const float* x, size_t rows, size_t cols);
// x: (N, D) -> (1, D)
Matrix column_means(const Matrix& x);
// x: (N, D) += row: (1, D), broadcast over the rows (bias add).
void add_row(Matrix& x, const Matrix& row);

}  // namespace ae
