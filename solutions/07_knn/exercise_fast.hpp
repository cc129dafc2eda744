// Lesson 07, the reference's tuned twin of k_nearest, kept beside the plain reference
// (exercise.cpp) because it is much faster on the full data: build/bin/bench_knn --baseline
// times both (bench/README.md). Same contract as l07::k_nearest (exercise.hpp), same answer:
// tests/lesson_07_knn.cpp compares the two (AE_REFERENCE_TESTS, the reference's tests only).
#pragma once
#include "07_knn/exercise.hpp"

namespace ae::l07::fast {

// The K nearest refs of each query, as l07::k_nearest: for blocks of up to 256 queries and
// chunks of references, one GEMM fills a tile that stays in the core's cache and each row is
// scanned at once (no (block, R) matrix is written); two halves of the queries run on two
// threads (one OpenBLAS thread each) when the work is large enough.
Neighbours k_nearest(const Matrix& queries, const Matrix& refs, size_t k, size_t block = 512);

}  // namespace ae::l07::fast
