// Tests of lesson 07 (k-nearest neighbours). They run against your exercise.cpp
// (./workshop check 07) and against the reference solution (./workshop test).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "01_linear_pca/exercise.hpp"
#include "ae/data.hpp"
#include "exercise.hpp"
#include "test_util.hpp"

using namespace ae;
using namespace ae::l07;

namespace {

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

TEST_CASE("07 squared_distances (step 1): equals the direct computation on random vectors") {
    Rng rng(5);
    const Matrix a = rng.normal(7, 13), b = rng.normal(9, 13, 0.5f, 2.f);
    const Matrix d2 = squared_distances(a, b);
    REQUIRE_MESSAGE(d2.shape()[0] == 7, "squared_distances(a (7, 13), b (9, 13)) must be (7, 9)");
    REQUIRE_MESSAGE(d2.shape()[1] == 9, "squared_distances(a (7, 13), b (9, 13)) must be (7, 9)");
    for (size_t i = 0; i < 7; ++i) {
        for (size_t j = 0; j < 9; ++j) {
            INFO("entry (", i, ", ", j, ")");
            // float32 GEMM on values of size ~10-100: 1e-4 relative is far below any real error.
            CHECK(d2(i, j) == doctest::Approx(direct_distance(a, i, b, j)).epsilon(1e-4));
        }
    }
    // A hand-computed pair: |(1, 2) - (4, 6)|^2 = 9 + 16.
    CHECK(squared_distances(Matrix{{1.f, 2.f}}, Matrix{{4.f, 6.f}})(0, 0) == doctest::Approx(25.0));
}

TEST_CASE("07 squared_distances (step 1): never negative, even for equal rows of large norm") {
    // Rows of norm ~ 1e3: |a|^2 + |b|^2 - 2 a.b cancels ~1e6 to 0 in float32, where rounding
    // leaves +-0.1; the clamp must turn the negative ones into 0.
    Rng rng(11);
    Matrix a = rng.normal(40, 64, 100.f, 30.f);
    const Matrix d2 = squared_distances(a, a);
    const double smallest = *std::min_element(d2.begin(), d2.end());
    CHECK_MESSAGE(smallest >= 0.0, "smallest entry ", smallest, ": clamp the result at 0");
    for (size_t i = 0; i < 40; ++i) {
        INFO("diagonal entry ", i, " (distance of a row to itself) is ", d2(i, i));
        CHECK(d2(i, i) < 1.0);  // next to off-diagonal distances of ~1e5
    }
}

TEST_CASE("07 k_nearest (step 2): nearest first, ties to the lower index, on hand-made points") {
    // References on a line at 0, 1, 2, 3, 5, and again 1 (index 5): query 1.2 -> 1 (idx 1), then
    // 1 (idx 5, same distance: the lower index first), then 2 (idx 2).
    const Matrix refs = {{0.f}, {1.f}, {2.f}, {3.f}, {5.f}, {1.f}};
    const Matrix queries = {{1.25f}, {4.5f}, {-3.f}};
    const Neighbours nb = k_nearest(queries, refs, 3, 2);
    REQUIRE(nb.k == 3);
    REQUIRE_MESSAGE(nb.index.size() == 9, "index must hold N * K = 3 * 3 entries");
    REQUIRE_MESSAGE(nb.dist2.size() == 9, "dist2 must hold N * K = 3 * 3 entries");
    const std::vector<size_t> expected = {1, 5, 2, /**/ 4, 3, 2, /**/ 0, 1, 5};
    const std::vector<float> expected_d2 = {0.0625f, 0.0625f, 0.5625f, 0.25f, 2.25f,
                                            6.25f,   9.f,     16.f,    16.f};
    for (size_t i = 0; i < 9; ++i) {
        INFO("query ", i / 3, ", neighbour ", i % 3);
        CHECK(nb.index[i] == expected[i]);
        CHECK(nb.dist2[i] == doctest::Approx(expected_d2[i]).epsilon(1e-5));
    }
}

TEST_CASE("07 k_nearest (step 2): any block size gives the brute-force answer") {
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
        REQUIRE_MESSAGE(nb.index.size() == 37 * k, "block ", block, ": N * K indices");
        size_t wrong = 0;
        for (size_t i = 0; i < expected.size(); ++i) wrong += nb.index[i] != expected[i];
        CHECK_MESSAGE(
            wrong == 0, "block ", block, ": ", wrong, " of ", expected.size(),
            " neighbours differ from a brute-force sort (is every block's row offset right?)");
    }
}

TEST_CASE("07 knn_vote (step 3): the majority wins and a tie goes to the nearest tied label") {
    const Labels ref_labels = {0, 1, 2, 1, 0, 2, 3};
    SUBCASE("clear majority") {
        // neighbours 1, 3, 0 -> labels 1, 1, 0 -> 1
        CHECK(knn_vote(make_neighbours(3, {{1, 3, 0}}), ref_labels, 0, 4) == Labels{1});
    }
    SUBCASE("tie between two labels: the one with the nearer neighbour") {
        // labels 2, 0, 0, 2 -> 2:2, 0:2; label 2 owns the nearest neighbour (index 2)
        CHECK(knn_vote(make_neighbours(4, {{2, 0, 4, 5}}), ref_labels, 0, 4) == Labels{2});
        // the same neighbours in the other order: now 0 is nearer
        CHECK(knn_vote(make_neighbours(4, {{0, 2, 5, 4}}), ref_labels, 0, 4) == Labels{0});
    }
    SUBCASE("all different: the nearest neighbour's label") {
        CHECK(knn_vote(make_neighbours(3, {{6, 1, 2}}), ref_labels, 0, 4) == Labels{3});
    }
    SUBCASE("k below K uses only the first k neighbours; several queries") {
        // K = 5 stored; k = 1 -> the nearest only; k = 3 -> labels 3, 1, 1 -> 1
        const Neighbours nb = make_neighbours(5, {{6, 1, 3, 0, 4}, {4, 0, 2, 5, 5}});
        CHECK(knn_vote(nb, ref_labels, 1, 4) == Labels{3, 0});
        CHECK(knn_vote(nb, ref_labels, 3, 4) == Labels{1, 0});
        // all 5: labels 3, 1, 1, 0, 0 (1 and 0 tie, 1 is nearer) and 0, 0, 2, 2, 2 (2 wins)
        CHECK(knn_vote(nb, ref_labels, 0, 4) == Labels{1, 2});
    }
}

TEST_CASE("07 accuracy and confusion_matrix (step 4): a hand-made example") {
    const Labels truth = {0, 0, 1, 1, 1, 2, 2, 2};
    const Labels pred = {0, 1, 1, 1, 2, 2, 0, 2};
    CHECK(accuracy(pred, truth) == doctest::Approx(5.0 / 8.0));
    CHECK(accuracy(truth, truth) == doctest::Approx(1.0));
    const Confusion c = confusion_matrix(pred, truth, 3);
    const Confusion expected = {{1, 1, 0}, {0, 2, 1}, {1, 0, 2}};  // rows = true class
    REQUIRE_MESSAGE(c.size() == 3, "confusion_matrix must have n_classes = 3 rows");
    for (size_t t = 0; t < 3; ++t) {
        INFO("true class ", t);
        CHECK(c[t] == expected[t]);
    }
}

TEST_CASE("07 kNN on PCA codes of the data sample is far above chance") {
    DataRequest req;
    req.sample = true;
    const DataSplit data = load_data(req);
    const l01::Pca p = l01::pca(data.train.images, 16);
    const Matrix train = l01::pca_encode(p, data.train.images),
                 test = l01::pca_encode(p, data.test.images);
    const Labels pred = knn_vote(k_nearest(test, train, 5, 128), data.train.labels);
    const double acc = accuracy(pred, data.test.labels);
    INFO("5-NN on PCA-16 codes of the sample (5,000 references): accuracy ", acc);
    // Chance is 0.10; 5-NN on these codes reaches ~0.78 (0.80 on the full set with PCA-32).
    CHECK(acc > 0.7);
    const Confusion c = confusion_matrix(pred, data.test.labels);
    size_t diagonal = 0, total = 0;
    for (size_t t = 0; t < 10; ++t)
        for (size_t q = 0; q < 10; ++q) total += c[t][q], diagonal += t == q ? c[t][q] : 0;
    CHECK(total == data.test.size());
    CHECK(double(diagonal) / double(total) == doctest::Approx(acc));
}
