// Tests of the matrix products (ae/linalg.hpp): gemm and matmul through BLAS against the naive
// triple loop, for every transpose combination; the restart that puts OpenBLAS's idle threads to
// sleep. Run: build/bin/test_common -tc="common linalg*"
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "ae/cli.hpp"
#include "ae/error.hpp"
#include "ae/linalg.hpp"
#include "ae/process.hpp"
#include "test_util.hpp"

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

// sleep_idle_blas_threads, seen from outside: this test binary runs this one case again as a
// child, without OPENBLAS_THREAD_TIMEOUT. In the child (AE_TEST_BLAS_OUT set) the case calls
// guarded_main, which must start the child again with the variable set before the body runs;
// the body writes what it sees. A value the user set must be left alone.
TEST_CASE("common linalg: guarded_main restarts a program with OpenBLAS's idle threads asleep") {
    const std::string name =
        "common linalg: guarded_main restarts a program with OpenBLAS's idle threads asleep";
    if (const char* out = std::getenv("AE_TEST_BLAS_OUT")) {  // the child
        const int rc = guarded_main([&] {
            const char* v = std::getenv("OPENBLAS_THREAD_TIMEOUT");
            std::ofstream(out) << (v ? v : "unset");
            return 0;
        });
        REQUIRE(rc == 0);
        return;
    }
    test::TempDir dir("blas");
    const std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
    const char* saved = std::getenv("OPENBLAS_THREAD_TIMEOUT");
    const std::string keep = saved ? saved : "";
    const auto child_sees = [&](const char* timeout) {
        const std::string out = dir.file(std::string("seen_") + (timeout ? timeout : "unset"));
        if (timeout)
            setenv("OPENBLAS_THREAD_TIMEOUT", timeout, 1);
        else
            unsetenv("OPENBLAS_THREAD_TIMEOUT");
        setenv("AE_TEST_BLAS_OUT", out.c_str(), 1);
        const int rc = run_program({self, "--test-case=" + name, "--no-version"});
        unsetenv("AE_TEST_BLAS_OUT");
        CHECK_MESSAGE(rc == 0, "the child test exited with ", rc);
        std::ifstream in(out);
        return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    };
    CHECK_MESSAGE(child_sees(nullptr) == "4",
                  "a program started without OPENBLAS_THREAD_TIMEOUT should run with it at 4");
    CHECK_MESSAGE(child_sees("7") == "7", "a value the user set should be kept");
    if (saved)
        setenv("OPENBLAS_THREAD_TIMEOUT", keep.c_str(), 1);
    else
        unsetenv("OPENBLAS_THREAD_TIMEOUT");
}
