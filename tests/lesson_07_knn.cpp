// Tests of lesson 07 (k-nearest neighbours), one README step each. They run against your
// exercise.cpp (./workshop check 07) and against the reference solution (./workshop test).
// References are independent of your code: distances summed term by term in double and
// brute-force sorts.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <sstream>
#include <string>

#include "01_linear_pca/exercise.hpp"
#include "ae/data.hpp"
#include "ae/error.hpp"
#include "exercise.hpp"
#ifdef AE_REFERENCE_TESTS
#include "07_knn/exercise_fast.hpp"
#endif
#include "test_util.hpp"

// Labels and confusion rows print as {1, 2, 3} in failure messages (not doctest's "{?}").
namespace doctest {
template <class T>
struct StringMaker<std::vector<T>> {
    static String convert(const std::vector<T>& v) {
        std::ostringstream s;
        s << "{";
        for (size_t i = 0; i < v.size(); ++i) s << (i ? ", " : "") << v[i];
        s << "}";
        return s.str().c_str();
    }
};
}  // namespace doctest

using namespace ae;
using namespace ae::l07;

namespace {

using test::check_rejects;

// |a_i - b_j|^2 summed term by term in double: no cancellation, the reference.
double direct_distance(const Matrix& a, size_t i, const Matrix& b, size_t j) {
    double s = 0;
    for (size_t c = 0; c < a.shape()[1]; ++c) s += std::pow(double(a(i, c)) - double(b(j, c)), 2);
    return s;
}

Neighbours make_neighbours(size_t k, const std::vector<std::vector<size_t>>& rows) {
    Neighbours nb;
    nb.k = k;
    for (const auto& r : rows) {
        for (size_t j = 0; j < k; ++j) {
            nb.index.push_back(r[j]);
            nb.dist2.push_back(float(j));
        }
    }
    return nb;
}

}  // namespace

TEST_CASE("07 step 1 squared_distances: equals the direct computation on random vectors") {
    Rng rng(5);
    const Matrix a = rng.normal(7, 13), b = rng.normal(9, 13, 0.5f, 2.f);
    const Matrix d2 = squared_distances(a, b);
    REQUIRE_MESSAGE(d2.shape()[0] == 7,
                    "squared_distances(a (7, 13), b (9, 13)) must be (7, 9), got ", shape_str(d2));
    REQUIRE_MESSAGE(d2.shape()[1] == 9,
                    "squared_distances(a (7, 13), b (9, 13)) must be (7, 9), got ", shape_str(d2));
    Matrix expected({7, 9});
    for (size_t i = 0; i < 7; ++i)
        for (size_t j = 0; j < 9; ++j) expected(i, j) = float(direct_distance(a, i, b, j));
    // float32 GEMM on values of size ~10-100: 1e-4 relative is far below any real error.
    test::check_close(d2, expected, 1e-4, "squared distances of 7 x 9 random pairs",
                      {{0.5, "half the distance: the cross term needs a factor -2, not -1"}});
    // A hand-computed pair: |(1, 2) - (4, 6)|^2 = 9 + 16.
    test::check_value(squared_distances(Matrix{{1.f, 2.f}}, Matrix{{4.f, 6.f}})(0, 0), 25.0, 1e-6,
                      "(1, 2) against (4, 6)", {{5.0 / 25.0, "the distance, not its square"}});
}

TEST_CASE("07 step 1 squared_distances: never negative, even for equal rows of large norm") {
    // Rows of norm ~ 1e3: |a|^2 + |b|^2 - 2 a.b cancels ~1e6 to 0 in float32, where rounding
    // leaves +-0.1; the clamp must turn the negative ones into 0.
    Rng rng(11);
    Matrix a = rng.normal(40, 64, 100.f, 30.f);
    const Matrix d2 = squared_distances(a, a);
    REQUIRE_MESSAGE(d2.shape()[0] == 40, "a (40, 64) against itself must give (40, 40), got ",
                    shape_str(d2));
    REQUIRE(d2.shape()[1] == 40);
    test::check_in_range(d2, 0, 1e9, "distances of 40 rows of norm ~800 to each other",
                         "rounding in the identity: clamp every entry at 0");
    for (size_t i = 0; i < 40; ++i) {
        // next to off-diagonal distances of ~1e5
        CHECK_MESSAGE(d2(i, i) < 1.0, "the distance of row ", i, " to itself is ", d2(i, i),
                      " (expected below 1: 0 up to float rounding)");
    }
}

TEST_CASE("07 step 2 k_nearest: nearest first, ties to the lower index, on hand-made points") {
    // References on a line at 0, 1, 2, 3, 5, and again 1 (index 5): query 1.25 -> 1 (idx 1),
    // then 1 (idx 5, same distance: the lower index first), then 2 (idx 2).
    const Matrix refs = {{0.f}, {1.f}, {2.f}, {3.f}, {5.f}, {1.f}};
    const Matrix queries = {{1.25f}, {4.5f}, {-3.f}};
    const Neighbours nb = k_nearest(queries, refs, 3, 2);
    REQUIRE_MESSAGE(nb.k == 3, "Neighbours.k must be the K asked for (3), got ", nb.k);
    REQUIRE_MESSAGE(nb.index.size() == 9, "index must hold N * K = 3 * 3 entries, got ",
                    nb.index.size());
    REQUIRE_MESSAGE(nb.dist2.size() == 9, "dist2 must hold N * K = 3 * 3 entries, got ",
                    nb.dist2.size());
    const std::vector<size_t> expected = {1, 5, 2, /**/ 4, 3, 2, /**/ 0, 1, 5};
    const std::vector<float> expected_d2 = {0.0625f, 0.0625f, 0.5625f, 0.25f, 2.25f,
                                            6.25f,   9.f,     16.f,    16.f};
    for (size_t q = 0; q < 3; ++q) {
        const std::vector<size_t> got(nb.index.begin() + q * 3, nb.index.begin() + q * 3 + 3),
            want(expected.begin() + q * 3, expected.begin() + q * 3 + 3);
        CHECK_MESSAGE(
            got == want, "query ", q, ": expected neighbours ", want, ", got ", got,
            std::string(q == 0 ? " (refs 1 and 5 are equally near: the lower index first)" : ""));
        for (size_t j = 0; j < 3; ++j)
            test::check_value(nb.dist2[q * 3 + j], expected_d2[q * 3 + j], 1e-5,
                              "squared distance of query " + std::to_string(q) + ", neighbour " +
                                  std::to_string(j));
    }
}

TEST_CASE("07 step 2 k_nearest: any block size gives the brute-force answer") {
    Rng rng(3);
    const Matrix refs = rng.uniform(200, 6), queries = rng.uniform(37, 6);
    const size_t k = 4;
    // The reference: sort all 200 direct distances of each query (random data: no ties).
    std::vector<size_t> expected;
    for (size_t i = 0; i < 37; ++i) {
        std::vector<size_t> order(200);
        std::iota(order.begin(), order.end(), size_t{0});
        std::sort(order.begin(), order.end(), [&](size_t x, size_t y) {
            return direct_distance(queries, i, refs, x) < direct_distance(queries, i, refs, y);
        });
        expected.insert(expected.end(), order.begin(), order.begin() + k);
    }
    for (size_t block : {size_t{1}, size_t{5}, size_t{16}, size_t{1000}}) {
        const Neighbours nb = k_nearest(queries, refs, k, block);
        REQUIRE_MESSAGE(nb.index.size() == 37 * k, "block ", block, ": expected N * K = ", 37 * k,
                        " indices, got ", nb.index.size());
        size_t wrong = 0;
        for (size_t i = 0; i < expected.size(); ++i) wrong += nb.index[i] != expected[i];
        CHECK_MESSAGE(
            wrong == 0, "block ", block, ": ", wrong, " of ", expected.size(),
            " neighbours differ from a brute-force sort (is every block's row offset right?)");
    }
}

TEST_CASE("07 step 2 k_nearest: K = R returns every reference sorted, K = 0 and K > R throw") {
    // Six references, K = 6: all of them, nearest first (the tie 1 / 1 to the lower index).
    const Matrix refs = {{0.f}, {1.f}, {2.f}, {3.f}, {5.f}, {1.f}};
    const Neighbours nb = k_nearest(Matrix{{1.25f}, {4.5f}}, refs, 6, 512);
    REQUIRE_MESSAGE(nb.index.size() == 12, "K = R = 6 is allowed: expected 2 * 6 indices, got ",
                    nb.index.size());
    const std::vector<size_t> q0(nb.index.begin(), nb.index.begin() + 6),
        q1(nb.index.begin() + 6, nb.index.end());
    const std::vector<size_t> want0 = {1, 5, 2, 0, 3, 4}, want1 = {4, 3, 2, 1, 5, 0};
    CHECK_MESSAGE(q0 == want0, "query 1.25 with K = R: expected ", want0, ", got ", q0);
    CHECK_MESSAGE(q1 == want1, "query 4.5 with K = R: expected ", want1, ", got ", q1);
    check_rejects([&] { k_nearest(Matrix{{1.f}}, refs, 7, 512); }, "K = 7 with R = 6 references",
                  {"7", "6"});
    check_rejects([&] { k_nearest(Matrix{{1.f}}, refs, 0, 512); }, "K = 0", {"0"});
}

#ifdef AE_REFERENCE_TESTS
// The reference's tuned search (solutions/07_knn/exercise_fast.cpp) against its plain one
// (exercise.cpp). Compiled only into the reference's tests: the learner's build has no twin.
TEST_CASE("07 step 2 k_nearest: the tuned twin gives the plain reference's answer, ties included") {
    // Small whole coordinates: every product and sum is exact in float, so both searches see the
    // same numbers and the many equal distances test the tie rule across tiles and threads.
    Rng rng(11);
    auto whole = [&](size_t n, size_t d) {
        Matrix m = rng.uniform(n, d);
        for (float& v : m) v = std::floor(4.f * v);
        return m;
    };
    // 700 x 6,100 is above the size at which the twin splits the queries over two threads (with
    // two cores and two OpenBLAS threads); 6,100 references end in a partial chunk for every
    // block; block 37 gives partial query blocks and chunks of 3,542 references.
    const Matrix queries = whole(700, 8), refs = whole(6100, 8);
    for (size_t block : {size_t{1}, size_t{37}, size_t{256}, size_t{512}}) {
        const size_t k = 7;
        const Neighbours plain = k_nearest(queries, refs, k, block),
                         tuned = fast::k_nearest(queries, refs, k, block);
        REQUIRE(tuned.k == k);
        REQUIRE(tuned.index.size() == plain.index.size());
        size_t wrong = 0;
        for (size_t i = 0; i < plain.index.size(); ++i)
            wrong += tuned.index[i] != plain.index[i] || tuned.dist2[i] != plain.dist2[i];
        CHECK_MESSAGE(wrong == 0, "block ", block, ": ", wrong, " of ", plain.index.size(),
                      " neighbours differ between fast::k_nearest and k_nearest");
    }
    // K = R (every reference, sorted) on a few queries, and the same errors.
    const Matrix few = whole(5, 8), nine = whole(9, 8);
    const Neighbours all_plain = k_nearest(few, nine, 9), all_tuned = fast::k_nearest(few, nine, 9);
    CHECK(all_tuned.index == all_plain.index);
    CHECK(all_tuned.dist2 == all_plain.dist2);
    check_rejects([&] { fast::k_nearest(few, nine, 10); }, "K = 10 with R = 9", {"10", "9"});
    check_rejects([&] { fast::k_nearest(few, nine, 0); }, "K = 0", {"0"});
}
#endif

TEST_CASE("07 step 3 knn_vote: the majority wins and a tie goes to the nearest tied label") {
    const Labels ref_labels = {0, 1, 2, 1, 0, 2, 3};
    auto check_vote = [&](const Neighbours& nb, size_t k, const Labels& want,
                          const std::string& what) {
        const Labels got = knn_vote(nb, ref_labels, k, 4);
        CHECK_MESSAGE(got == want, what, ": expected ", want, ", got ", got);
    };
    SUBCASE("clear majority") {
        check_vote(make_neighbours(3, {{1, 3, 0}}), 0, {1}, "labels 1, 1, 0");
    }
    SUBCASE("tie between two labels: the one with the nearer neighbour") {
        // labels 2, 0, 0, 2 -> 2:2, 0:2; label 2 owns the nearest neighbour (index 2)
        check_vote(make_neighbours(4, {{2, 0, 4, 5}}), 0, {2},
                   "labels 2, 0, 0, 2 tie: the nearest neighbour's label wins, not the smallest");
        // the same neighbours in the other order: now 0 is nearer
        check_vote(make_neighbours(4, {{0, 2, 5, 4}}), 0, {0},
                   "labels 0, 2, 2, 0 tie: the nearest neighbour's label wins");
    }
    SUBCASE("all different: the nearest neighbour's label") {
        check_vote(make_neighbours(3, {{6, 1, 2}}), 0, {3}, "labels 3, 1, 2");
    }
    SUBCASE("k below K uses only the first k neighbours; several queries") {
        // K = 5 stored; k = 1 -> the nearest only; k = 3 -> labels 3, 1, 1 -> 1
        const Neighbours nb = make_neighbours(5, {{6, 1, 3, 0, 4}, {4, 0, 2, 5, 5}});
        check_vote(nb, 1, {3, 0}, "k = 1: the nearest only");
        check_vote(nb, 3, {1, 0}, "k = 3: only the first 3 of the K = 5 neighbours vote");
        // all 5: labels 3, 1, 1, 0, 0 (1 and 0 tie, 1 is nearer) and 0, 0, 2, 2, 2 (2 wins)
        check_vote(nb, 0, {1, 2}, "k = 0: all K = 5 neighbours vote");
    }
}

TEST_CASE("07 step 4a accuracy: the fraction of matches, by hand") {
    const Labels truth = {0, 0, 1, 1, 1, 2, 2, 2};
    const Labels pred = {0, 1, 1, 1, 2, 2, 0, 2};
    test::check_value(accuracy(pred, truth), 5.0 / 8.0, 1e-12, "5 of 8 right",
                      {{8.0, "a count: divide by N for the fraction"}});
    test::check_value(accuracy(truth, truth), 1.0, 1e-12, "all right");
    test::check_value(accuracy(Labels{1, 0}, Labels{0, 1}), 0.0, 1e-12, "all wrong");
}

TEST_CASE("07 step 4b confusion_matrix: rows are the true classes, by hand") {
    const Labels truth = {0, 0, 1, 1, 1, 2, 2, 2};
    const Labels pred = {0, 1, 1, 1, 2, 2, 0, 2};
    const Confusion c = confusion_matrix(pred, truth, 3);
    const Confusion expected = {{1, 1, 0}, {0, 2, 1}, {1, 0, 2}};  // rows = true class
    REQUIRE_MESSAGE(c.size() == 3, "confusion_matrix must have n_classes = 3 rows, got ", c.size());
    const Confusion transposed = {{1, 0, 1}, {1, 2, 0}, {0, 1, 2}};
    for (size_t t = 0; t < 3; ++t) {
        CHECK_MESSAGE(
            c[t] == expected[t], "row of true class ", t, ": expected ", expected[t], ", got ",
            c[t], std::string(c == transposed ? " (transposed: index by [truth][predicted])" : ""));
    }
}

TEST_CASE("07 step 4b confusion_matrix: kNN on PCA codes of the data sample is far above chance") {
    DataRequest req;
    req.sample = true;
    const DataSplit data = load_data(req);
    const l01::Pca p = l01::pca(data.train.images, 16);
    const Matrix train = l01::pca_encode(p, data.train.images),
                 test = l01::pca_encode(p, data.test.images);
    const Labels pred = knn_vote(k_nearest(test, train, 5, 128), data.train.labels);
    const double acc = accuracy(pred, data.test.labels);
    // Chance is 0.10; 5-NN on these codes reaches ~0.78 (0.80 on the full set with PCA-32).
    CHECK_MESSAGE(acc > 0.7, "5-NN on PCA-16 codes of the sample (5,000 references): accuracy ",
                  acc, " (expected above 0.7)");
    const Confusion c = confusion_matrix(pred, data.test.labels);
    size_t diagonal = 0, total = 0;
    for (size_t t = 0; t < 10; ++t)
        for (size_t q = 0; q < 10; ++q) total += c[t][q], diagonal += t == q ? c[t][q] : 0;
    CHECK_MESSAGE(total == data.test.size(), "the confusion matrix counts ", total,
                  " examples, expected ", data.test.size());
    test::check_value(double(diagonal) / double(total), acc, 1e-12,
                      "the diagonal's share against the accuracy");
}
