// Lesson 07's k-nearest search (the reference's tuned twin, l07::fast::k_nearest in
// solutions/07_knn/exercise_fast.cpp) on the full shapes: 10,000 test queries against 60,000
// training references, on PCA-32 codes and on raw pixels, against the GEMM alone on the same
// shapes (the arithmetic floor) and, with --baseline, the plain reference l07::k_nearest (all
// distances of a block of 512 queries, then a scan per row).
// Run: build/bin/bench_knn [--k 5] [--baseline] [--reps 3] [--only pca|pca32|pixels] [--quick]
// Prints progress on stderr, a JSON line with the PCA's seconds, and one JSON line per
// representation on stdout: gemm_seconds (the
// products alone, OpenBLAS's threads), seconds (the tuned search, whole), ratio_to_gemm, and with
// --baseline plain_seconds and mismatches_vs_plain (neighbours that differ: 0 expected).
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <string>

#include "07_knn/exercise.hpp"
#include "07_knn/exercise_fast.hpp"
#include "ae/cli.hpp"
#include "ae/data.hpp"
#include "ae/io.hpp"
#include "ae/linalg.hpp"
#include "ae/progress.hpp"

extern "C" int openblas_get_num_threads(void);

using namespace ae;

namespace {

// x: (N, D) -> its first z principal components: (N, Z) codes, centred on mean (as lesson 07).
void pca_codes(const Matrix& train, const Matrix& test, size_t z, Matrix& train_codes,
               Matrix& test_codes) {
    const Matrix mean = column_means(train);
    Matrix xc = train;
    xc -= mean;
    Matrix cov({train.shape()[1], train.shape()[1]});
    gemm(xc, true, xc, false, cov, 1.f / static_cast<float>(train.shape()[0]));
    const SymmetricEigen e = symmetric_eigen(cov);  // ascending: the last z columns
    const size_t d = cov.shape()[0];
    const Matrix w = xt::view(e.vectors, xt::all(), xt::range(d - z, d));
    Matrix tc = test;
    tc -= mean;
    train_codes = matmul(xc, w);
    test_codes = matmul(tc, w);
}

// The GEMM of the search alone: -2 q r^T for blocks of 512 queries against all references.
double gemm_seconds(const Matrix& queries, const Matrix& refs) {
    const size_t n = queries.shape()[0], r = refs.shape()[0], block = 512;
    Matrix out({block, r});
    Timer t;
    for (size_t start = 0; start < n; start += block) {
        const size_t end = std::min(n, start + block);
        const Matrix q = xt::view(queries, xt::range(start, end), xt::all());
        if (out.shape()[0] != end - start) out.resize({end - start, r});
        gemm(q, false, refs, true, out, -2.f);
    }
    return t.seconds();
}

// Every time is the fastest of reps runs (alternated: gemm, search, plain): on a shared machine
// the minimum is the figure least disturbed by other programs.
void bench(const std::string& name, const Matrix& queries, const Matrix& refs, size_t k,
           bool baseline, int reps) {
    std::cerr << name << ": " << shape_str(queries) << " queries, " << shape_str(refs)
              << " references, K = " << k << ", best of " << reps << "\n";
    double gemm_s = 1e30, total_s = 1e30, plain_s = baseline ? 1e30 : 0;
    long mismatches = -1;
    for (int rep = 0; rep < reps; ++rep) {
        gemm_s = std::min(gemm_s, gemm_seconds(queries, refs));
        Timer t;
        const l07::Neighbours nb = l07::fast::k_nearest(queries, refs, k);
        total_s = std::min(total_s, t.seconds());
        if (!baseline) continue;
        Timer tp;
        const l07::Neighbours ref = l07::k_nearest(queries, refs, k);
        plain_s = std::min(plain_s, tp.seconds());
        mismatches = 0;
        for (size_t i = 0; i < nb.index.size(); ++i) mismatches += nb.index[i] != ref.index[i];
    }
    Json line;
    line.set("bench", "knn")
        .set("representation", name)
        .set("queries", queries.shape()[0])
        .set("refs", refs.shape()[0])
        .set("dim", refs.shape()[1])
        .set("k", k)
        .set("gemm_seconds", round_to(gemm_s, 3))
        .set("seconds", round_to(total_s, 3))
        .set("ratio_to_gemm", round_to(total_s / gemm_s, 2))
        .set("plain_seconds", round_to(plain_s, 3))
        .set("mismatches_vs_plain", mismatches)
        .set("reps", reps)
        .set("blas_threads", openblas_get_num_threads());
    std::printf("%s\n", line.dump_line().c_str());
    std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
    return guarded_main([&] {
        Options defaults;
        CommandLine cli({"bench", "bench_knn", "Lesson 07's k-nearest search vs the GEMM alone"},
                        defaults);
        size_t k = 5;
        bool baseline = false;
        int reps = 1;
        std::string only;
        cli.app()
            .add_option("--k", k, "neighbours per query")
            ->check(whole_flag(1, 100, "neighbours per query"));
        cli.app().add_flag(
            "--baseline", baseline,
            "also time the plain reference search (all distances, then a scan) and compare");
        cli.app()
            .add_option("--reps", reps, "runs of each measurement; the fastest is printed")
            ->check(whole_flag(1, 100, "runs of each measurement"));
        cli.app()
            .add_option("--only", only, "one measurement: pca (no search), pca32 or pixels")
            ->check(CLI::IsMember({"pca", "pca32", "pixels"}));
        // Only the data flags apply: the search trains nothing and writes no files.
        cli.without(
            {"--epochs", "--batch-size", "--lr", "--latent", "--seed", "--device", "--out"});
        if (int rc = cli.parse(argc, argv); rc >= 0) return rc;
        const Options& opt = cli.options();
        const DataSplit data = load_data(opt.data_request());
        std::cerr << "Data: " << data.describe() << "\n";
        Matrix train_codes, test_codes;
        Timer pca_t;
        pca_codes(data.train.images, data.test.images, 32, train_codes, test_codes);
        Json line;
        line.set("bench", "pca")
            .set("images", data.train.images.shape()[0])
            .set("dim", data.train.images.shape()[1])
            .set("components", 32)
            .set("seconds", round_to(pca_t.seconds(), 3))
            .set("blas_threads", openblas_get_num_threads());
        std::printf("%s\n", line.dump_line().c_str());
        std::fflush(stdout);
        if (only == "pca") return 0;
        if (only != "pixels") bench("pca32", test_codes, train_codes, k, baseline, reps);
        if (only != "pca32")
            bench("pixels", data.test.images, data.train.images, k, baseline, reps);
        return 0;
    });
}
