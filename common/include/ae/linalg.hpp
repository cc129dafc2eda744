// Matrix products through BLAS (OpenBLAS via xtensor-blas), without copies for transposes.
// Every product in the library goes through these two functions.
#pragma once
#include "ae/tensor.hpp"

namespace ae {

// C = alpha * op(A) op(B) + beta * C, op = transpose when the flag is set.
// C must already have shape (rows of op(A), cols of op(B)); beta = 1 accumulates into C.
void gemm(const Matrix& A, bool transA, const Matrix& B, bool transB, Matrix& C, float alpha = 1.f,
          float beta = 0.f);

// op(A) op(B) as a new matrix.
Matrix matmul(const Matrix& A, const Matrix& B, bool transA = false, bool transB = false);

// x: (N, D) -> (1, D), the sum of each column (bias gradients).
Matrix column_sums(const Matrix& x);
// x: (N, D) -> (1, D)
Matrix column_means(const Matrix& x);
// x: (N, D) += row: (1, D), broadcast over the rows (bias add).
void add_row(Matrix& x, const Matrix& row);

}  // namespace ae
