// Lesson 07, the reference's tuned twin of k_nearest (exercise_fast.hpp says why it is kept):
// the K nearest over cache-sized tiles on both cores. Tested equal to the plain reference
// (tests/lesson_07_knn.cpp, AE_REFERENCE_TESTS); timed against it by build/bin/bench_knn.
#include "07_knn/exercise_fast.hpp"

#include <algorithm>
#include <exception>
#include <limits>
#include <thread>

#include "ae/error.hpp"
#include "ae/linalg.hpp"

// OpenBLAS's thread count (the library links OpenBLAS: cmake sets BLA_VENDOR).
extern "C" int openblas_get_num_threads(void);
extern "C" void openblas_set_num_threads(int);

namespace ae::l07::fast {

namespace {
// x: (N, D) -> N squared row norms.
std::vector<float> squared_norms(const Matrix& x) {
    const size_t n = x.shape()[0], d = x.shape()[1];
    std::vector<float> out(n);
    for (size_t i = 0; i < n; ++i) {
        const float* r = x.data() + i * d;
        float s = 0;
        for (size_t j = 0; j < d; ++j) s += r[j] * r[j];
        out[i] = s;
    }
    return out;
}

// The search below, tile by tile: for a block of Bq queries and a chunk of Cr references, one
// GEMM writes the (Bq, Cr) products into a tile that stays in the core's cache (Bq x Cr x 4
// bytes = 512 kB), and each query's row of it is scanned at once. No (N, R) matrix is ever
// written: the cost is the GEMM plus one pass over L2-resident numbers.
constexpr size_t kTileFloats = size_t{1} << 17;
constexpr size_t kMaxBlock = 256;  // queries per tile, at most: the chunk keeps >= 512 refs

// The K best so far of one query, ascending, ties to the lower index (k entries each).
// Candidates come in increasing reference order, so the strict < keeps an earlier equal one.
void insert_candidate(float d, size_t j, size_t k, size_t* index, float* dist2) {
    size_t pos = k - 1;
    while (pos > 0 && dist2[pos - 1] > d) {
        dist2[pos] = dist2[pos - 1];
        index[pos] = index[pos - 1];
        --pos;
    }
    dist2[pos] = d;
    index[pos] = j;
}

// Queries [q0, q1) against every reference: their K nearest, written to nb. an, bn: squared
// norms of queries and refs. Runs on one core (OpenBLAS set to 1 thread by the caller when two
// of these run side by side).
void search_range(const Matrix& queries, const Matrix& refs, const std::vector<float>& an,
                  const std::vector<float>& bn, size_t q0, size_t q1, size_t block,
                  Neighbours& nb) {
    const size_t r = refs.shape()[0], k = nb.k;
    const size_t bq = std::min(block, kMaxBlock), cr = std::max<size_t>(1, kTileFloats / bq);
    std::fill(nb.dist2.begin() + q0 * k, nb.dist2.begin() + q1 * k,
              std::numeric_limits<float>::infinity());
    std::fill(nb.index.begin() + q0 * k, nb.index.begin() + q1 * k, r);
    // The blocks of queries are copied once; each chunk of references once, then met by every
    // block (references in increasing order for every query: the tie rule holds).
    std::vector<Matrix> qs;
    for (size_t start = q0; start < q1; start += bq)
        qs.push_back(xt::view(queries, xt::range(start, std::min(q1, start + bq)), xt::all()));
    Matrix rs, tile;
    for (size_t c0 = 0; c0 < r; c0 += cr) {
        const size_t c1 = std::min(r, c0 + cr), cn = c1 - c0;
        rs = xt::view(refs, xt::range(c0, c1), xt::all());  // (Cr, D)
        for (size_t b = 0; b < qs.size(); ++b) {
            const size_t start = q0 + b * bq, rows = qs[b].shape()[0];
            if (tile.shape()[0] != rows || tile.shape()[1] != cn) tile.resize({rows, cn});
            gemm(qs[b], false, rs, true, tile, -2.f);  // -2 q r^T: (Bq, D) (D, Cr)
            for (size_t i = start; i < start + rows; ++i) {
                const float* g = tile.data() + (i - start) * cn;
                float* dist2 = &nb.dist2[i * k];
                size_t* index = &nb.index[i * k];
                const float a = an[i];
                float worst = dist2[k - 1];
                for (size_t j = c0; j < c1; ++j) {
                    // One comparison rejects almost every candidate; the rounding is that of
                    // squared_distances, so both give the same numbers.
                    const float dd = g[j - c0] + a + bn[j];
                    if (!(dd < worst)) continue;
                    const float clamped = std::max(0.f, dd);
                    if (!(clamped < worst)) continue;
                    insert_candidate(clamped, j, k, index, dist2);
                    worst = dist2[k - 1];
                }
            }
        }
    }
}

// While two searches run side by side, each gets one BLAS thread (no oversubscription).
struct OneBlasThread {
    int saved = openblas_get_num_threads();
    OneBlasThread() { openblas_set_num_threads(1); }
    ~OneBlasThread() { openblas_set_num_threads(saved); }
};
}  // namespace

Neighbours k_nearest(const Matrix& queries, const Matrix& refs, size_t k, size_t block) {
    const size_t n = queries.shape()[0], r = refs.shape()[0];
    if (k == 0 || k > r) {
        throw ShapeError("k_nearest: need 1 <= K <= R, got K = " + std::to_string(k) + " with " +
                         std::to_string(r) + " references");
    }
    if (queries.shape()[1] != refs.shape()[1]) {
        throw ShapeError("k_nearest: queries are " + shape_str(queries) + ", refs are " +
                         shape_str(refs) + "; both need D columns");
    }
    block = std::max<size_t>(block, 1);
    Neighbours nb;
    nb.k = k;
    nb.index.resize(n * k);
    nb.dist2.resize(n * k);
    const std::vector<float> an = squared_norms(queries), bn = squared_norms(refs);
    // Two halves of the queries on two cores, when both cores are there and the work is worth
    // a thread (a few million distances); otherwise here, with OpenBLAS's own threads.
    const bool two = std::thread::hardware_concurrency() >= 2 && openblas_get_num_threads() >= 2 &&
                     n >= 2 * kMaxBlock && n * r >= (size_t{1} << 22);
    if (!two) {
        search_range(queries, refs, an, bn, 0, n, block, nb);
        return nb;
    }
    const size_t half = n / 2;
    std::exception_ptr failed;
    {
        OneBlasThread one;
        std::thread other([&] {
            try {
                search_range(queries, refs, an, bn, half, n, block, nb);
            } catch (...) {
                failed = std::current_exception();
            }
        });
        try {
            search_range(queries, refs, an, bn, 0, half, block, nb);
        } catch (...) {
            other.join();
            throw;
        }
        other.join();
    }
    if (failed) std::rethrow_exception(failed);
    return nb;
}

}  // namespace ae::l07::fast
