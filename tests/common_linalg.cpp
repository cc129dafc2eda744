// Tests of the matrix products (ae/linalg.hpp): gemm and matmul through BLAS against the naive
// triple loop, for every transpose combination. Run: build/bin/test_common -tc="common linalg*"
#include <doctest/doctest.h>

#include "ae/error.hpp"
#include "ae/linalg.hpp"

using namespace ae;

TEST_CASE("common linalg: gemm with every transpose combination equals the naive product") {
    Rng rng(5);
    const Matrix a = rng.normal(4, 3), b = rng.normal(3, 5);
    Matrix ref = xt::zeros<float>({size_t{4}, size_t{5}});
    for (size_t i = 0; i < 4; ++i)
        for (size_t j = 0; j < 5; ++j)
            for (size_t k = 0; k < 3; ++k) ref(i, j) += a(i, k) * b(k, j);
    const Matrix at = xt::transpose(a), bt = xt::transpose(b);
    CHECK(xt::allclose(matmul(a, b), ref, 1e-5, 1e-5));
    CHECK(xt::allclose(matmul(at, b, true, false), ref, 1e-5, 1e-5));
    CHECK(xt::allclose(matmul(a, bt, false, true), ref, 1e-5, 1e-5));
    CHECK(xt::allclose(matmul(at, bt, true, true), ref, 1e-5, 1e-5));
    Matrix c = ref;
    gemm(a, false, b, false, c, 2.f, 1.f);  // c = ref + 2 ab = 3 ref
    CHECK(xt::allclose(c, 3.f * ref, 1e-5, 1e-5));
    CHECK_THROWS_AS(matmul(a, a), ShapeError);
    CHECK(xt::allclose(column_sums(a), xt::sum(a, {0}), 1e-5, 1e-5));
}
