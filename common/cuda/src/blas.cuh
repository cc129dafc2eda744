// Row-major products on cuBLAS, shared by the trainers (mlp_trainer.cu, vae_trainer.cu). The
// CPU code is row-major, cuBLAS column-major, where a stored row-major X reads as X^T: so
// C = op(A) op(B) is computed as C^T = op(B)^T op(A)^T, with the operands swapped.
#pragma once
#include <cublas_v2.h>

#include "ae/cuda/check.hpp"

namespace ae::cuda::blas {

// C (M, N) = op(A) op(B) + beta C, row-major; op(A) (M, K), op(B) (K, N); lda, ldb, ldc: the
// stored row lengths of A, B and C.
inline void gemm(cublasHandle_t h, bool ta, bool tb, int M, int N, int K, const float* A, int lda,
                 const float* B, int ldb, float* C, int ldc, float beta = 0.f) {
    const float alpha = 1.f;
    CUBLAS_CHECK(cublasSgemm(h, tb ? CUBLAS_OP_T : CUBLAS_OP_N, ta ? CUBLAS_OP_T : CUBLAS_OP_N, N,
                             M, K, &alpha, B, ldb, A, lda, &beta, C, ldc));
}

// out (N) = column sums of G (rows, N) + beta out: a bias gradient, as a gemv with ones (rows).
inline void column_sums(cublasHandle_t h, const float* G, int rows, int N, const float* ones,
                        float* out, float beta = 0.f) {
    const float alpha = 1.f;
    CUBLAS_CHECK(cublasSgemv(h, CUBLAS_OP_N, N, rows, &alpha, G, N, ones, 1, &beta, out, 1));
}

}  // namespace ae::cuda::blas
