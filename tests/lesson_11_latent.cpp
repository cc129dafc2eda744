// Tests of lesson 11 (the latent space), one README step each. They run against your
// exercise.cpp (./workshop check 11) and against the reference solution (./workshop test 11).
// References are independent of your code: sums in double, brute-force ranks, central
// differences, and scores of hand-made tables worked out on paper.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "ae/error.hpp"
#include "exercise.hpp"
#include "test_util.hpp"

using namespace ae;
using namespace ae::l11;

namespace {

using test::check_rejects;
using test::check_value;

// `per` points around each centre (rows of centres), spread sd, seeded; labels = the centre.
Matrix blobs(const Matrix& centres, size_t per, float sd, Labels& labels, uint64_t seed = 7) {
    Rng rng(seed);
    const size_t c = centres.shape()[0], d = centres.shape()[1];
    Matrix x({c * per, d});
    labels.clear();
    for (size_t k = 0; k < c; ++k)
        for (size_t i = 0; i < per; ++i) {
            for (size_t t = 0; t < d; ++t) x(k * per + i, t) = centres(k, t) + sd * rng.normal();
            labels.push_back(int(k));
        }
    return x;
}

double dist2(const Matrix& a, size_t i, const Matrix& b, size_t j) {
    double s = 0;
    for (size_t t = 0; t < a.shape()[1]; ++t) s += std::pow(double(a(i, t)) - double(b(j, t)), 2);
    return s;
}

// The (N, N) matrix of squared distances between the rows of x, in double, stored as float.
Matrix pairwise_d2(const Matrix& x) {
    const size_t n = x.shape()[0];
    Matrix d2({n, n});
    for (size_t i = 0; i < n; ++i)
        for (size_t j = 0; j < n; ++j) d2(i, j) = float(dist2(x, i, x, j));
    return d2;
}

// Every centroid the mean of its rows (and no cluster empty), every row at its nearest
// centroid, inertia the sum of the rows' squared distances to their centroids.
void check_fixed_point(const Matrix& x, const KMeansResult& r, size_t k) {
    const size_t n = x.shape()[0], d = x.shape()[1];
    REQUIRE_MESSAGE(r.assign.size() == n, "one cluster number per row");
    REQUIRE_MESSAGE(r.centroids.shape()[0] == k, "centroids: (K, D) with K = ", k);
    REQUIRE(r.centroids.shape()[1] == d);
    std::vector<std::vector<double>> sum(k, std::vector<double>(d, 0));
    std::vector<size_t> count(k, 0);
    double inertia = 0;
    for (size_t i = 0; i < n; ++i) {
        REQUIRE_MESSAGE((r.assign[i] >= 0 && size_t(r.assign[i]) < k), "row ", i, " in cluster ",
                        r.assign[i], ", outside [0, K)");
        const size_t c = size_t(r.assign[i]);
        count[c]++, inertia += dist2(x, i, r.centroids, c);
        for (size_t t = 0; t < d; ++t) sum[c][t] += x(i, t);
        for (size_t j = 0; j < k; ++j)
            CHECK_MESSAGE(dist2(x, i, r.centroids, c) <= dist2(x, i, r.centroids, j) + 1e-4, "row ",
                          i, " is in cluster ", c, " but centroid ", j, " is nearer");
    }
    for (size_t c = 0; c < k; ++c) {
        CHECK_MESSAGE(count[c] > 0, "cluster ", c, " is empty");
        for (size_t t = 0; count[c] > 0 && t < d; ++t)
            check_value(r.centroids(c, t), sum[c][t] / double(count[c]), 1e-4,
                        "centroid " + std::to_string(c) + " is the mean of its rows");
    }
    check_value(r.inertia, inertia, 1e-4, "inertia of the returned centroids and assignment");
}

// KL(P || Q) of a map, in double, Q the normalised Student-t similarities.
double reference_kl(const Matrix& p, const test::MatD& y) {
    const size_t n = y.size();
    double z = 0, kl = 0;
    auto w = [&](size_t i, size_t j) {
        return 1.0 / (1.0 + std::pow(y[i][0] - y[j][0], 2) + std::pow(y[i][1] - y[j][1], 2));
    };
    for (size_t i = 0; i < n; ++i)
        for (size_t j = 0; j < n; ++j)
            if (i != j) z += w(i, j);
    for (size_t i = 0; i < n; ++i)
        for (size_t j = 0; j < n; ++j)
            if (i != j && p(i, j) > 0) kl += p(i, j) * std::log(p(i, j) / (w(i, j) / z));
    return kl;
}

// A random symmetric joint P over n points: positive off the diagonal, summing to 1.
Matrix random_joint(size_t n, uint64_t seed) {
    Rng rng(seed);
    Matrix p = rng.uniform(n, n, 0.1f, 1.f);
    p = p + xt::transpose(p);
    for (size_t i = 0; i < n; ++i) p(i, i) = 0;
    return p / float(xt::sum(p)());
}

}  // namespace

TEST_CASE("11 step 1a kmeans: finds three well-separated clusters, their means and inertia") {
    Labels truth;
    const Matrix x = blobs({{0.f, 0.f}, {10.f, 0.f}, {0.f, 10.f}}, 20, 0.5f, truth);
    const KMeansResult r = kmeans(x, {3, 3, 100, 1});
    check_fixed_point(x, r, 3);
    for (size_t i = 0; i < x.shape()[0]; ++i)
        for (size_t j = 0; j < i; ++j)
            REQUIRE_MESSAGE((truth[i] == truth[j]) == (r.assign[i] == r.assign[j]), "rows ", i,
                            " and ", j, ": same cluster should mean same blob");
}

TEST_CASE("11 step 1a kmeans: K = 1 gives the mean and the total scatter") {
    Labels truth;
    const Matrix x = blobs({{1.f, 2.f, 3.f}, {-4.f, 0.f, 2.f}}, 15, 1.f, truth);
    const KMeansResult r = kmeans(x, {1, 2, 50, 3});
    check_fixed_point(x, r, 1);
}

TEST_CASE("11 step 1a kmeans: K = N puts every row alone, inertia 0") {
    const Matrix x = {{0.f, 0.f}, {1.f, 0.f}, {0.f, 1.f}, {3.f, 3.f}, {3.f, 4.f}, {9.f, 0.f}};
    const KMeansResult r = kmeans(x, {6, 2, 50, 5});
    check_fixed_point(x, r, 6);
    check_value(r.inertia, 0.0, 1e-6, "inertia with one row per cluster");
}

TEST_CASE("11 step 1a kmeans: random data ends at a fixed point, the same for the same seed") {
    Rng rng(3);
    const Matrix x = rng.normal(300, 5);
    const KMeansResult a = kmeans(x, {8, 2, 200, 11}), b = kmeans(x, {8, 2, 200, 11});
    check_fixed_point(x, a, 8);
    CHECK_MESSAGE(a.assign == b.assign, "two runs with the same seed gave different clusterings");
    CHECK_MESSAGE(a.iterations >= 2, "stopped after ", a.iterations,
                  " round(s): a restart ends when a round changes nothing");
}

TEST_CASE("11 step 1a kmeans: keeps the best of its restarts") {
    Rng rng(5);
    const Matrix x = rng.normal(200, 4);
    std::vector<double> single;
    for (uint64_t s = 1; s <= 9; ++s) single.push_back(kmeans(x, {12, 1, 200, s}).inertia);
    std::sort(single.begin(), single.end());
    const double best_of_20 = kmeans(x, {12, 20, 200, 1}).inertia;
    CHECK_MESSAGE(best_of_20 <= single[4] + 1e-9, "20 restarts gave inertia ", best_of_20,
                  ", worse than the median of 9 single runs (", single[4],
                  "): is the lowest inertia the one kept?");
}

TEST_CASE("11 step 1a kmeans: rejects K = 0 and K > N, naming both") {
    const Matrix x = {{0.f}, {1.f}, {2.f}};
    check_rejects([&] { kmeans(x, {0, 1, 10, 1}); }, "K = 0", {"0", "3"});
    check_rejects([&] { kmeans(x, {5, 1, 10, 1}); }, "K = 5 > N = 3", {"5", "3"});
}

TEST_CASE("11 step 1b purity: matches a contingency table worked out by hand") {
    // truth 0: clusters {1, 1, 0}; truth 1: {0, 0, 2}; truth 2: {2, 2, 2, 1}.
    const Labels truth = {0, 0, 0, 1, 1, 1, 2, 2, 2, 2}, clusters = {1, 1, 0, 0, 0, 2, 2, 2, 2, 1};
    check_value(purity(truth, clusters), 0.7, 1e-9, "purity");
    check_value(nmi(truth, clusters), 0.442701283346, 1e-9, "nmi");
    check_value(ari(truth, clusters), 0.204545454545, 1e-9, "ari");
    check_value(nmi({0, 0, 1, 1}, {0, 0, 1, 2}), 0.8, 1e-9, "nmi of {0,0,1,1} vs {0,0,1,2}");
    check_value(ari({0, 0, 1, 1}, {0, 0, 1, 2}), 4.0 / 7.0, 1e-9, "ari of {0,0,1,1} vs {0,0,1,2}");
}

TEST_CASE("11 step 1b nmi: unchanged when labels and clusters are renamed") {
    Rng rng(9);
    Labels truth(500), clusters(500), t2(500), c2(500);
    const int tname[4] = {7, 3, 11, 0}, cname[5] = {42, 5, 6, 1, 9};
    for (size_t i = 0; i < truth.size(); ++i) {
        truth[i] = int(rng.index(4));
        clusters[i] = rng.uniform() < 0.6f ? truth[i] : int(rng.index(5));
        t2[i] = tname[truth[i]], c2[i] = cname[clusters[i]];
    }
    check_value(nmi(t2, c2), nmi(truth, clusters), 1e-9, "nmi after renaming");
    check_value(ari(t2, c2), ari(truth, clusters), 1e-9, "ari after renaming");
    check_value(purity(t2, c2), purity(truth, clusters), 1e-9, "purity after renaming");
    check_value(nmi(clusters, truth), nmi(truth, clusters), 1e-9, "nmi with the sides swapped");
}

TEST_CASE("11 step 1b ari: 1 for a perfect clustering, 0 for one cluster, near 0 for chance") {
    const Labels truth = {0, 0, 1, 1, 1, 2, 2, 2, 2};
    const Labels renamed = {5, 5, 2, 2, 2, 0, 0, 0, 0}, one(9, 0);
    check_value(ari(truth, renamed), 1.0, 1e-12, "ari of a perfect clustering");
    check_value(nmi(truth, renamed), 1.0, 1e-12, "nmi of a perfect clustering");
    check_value(purity(truth, renamed), 1.0, 1e-12, "purity of a perfect clustering");
    check_value(ari(truth, one), 0.0, 1e-12, "ari of a single cluster");
    check_value(nmi(truth, one), 0.0, 1e-12, "nmi of a single cluster");
    check_value(purity(truth, one), 4.0 / 9.0, 1e-12, "purity of a single cluster");
    check_value(nmi(one, one), 1.0, 1e-12, "nmi of two single-part partitions");
    Rng rng(1);
    Labels a(4000), b(4000);
    for (size_t i = 0; i < a.size(); ++i) a[i] = int(rng.index(10)), b[i] = int(rng.index(10));
    CHECK_MESSAGE(std::abs(ari(a, b)) < 0.01, "ari of independent random labelings is ", ari(a, b),
                  ": the chance correction should bring it near 0");
    check_rejects([&] { ari(a, one); }, "different lengths", {"4000", "9"});
}

TEST_CASE("11 step 2a conditional_p: each row has the asked perplexity and sums to 1") {
    Rng rng(2);
    const Matrix x = rng.normal(40, 5);
    const Matrix d2 = pairwise_d2(x);
    for (float perplexity : {5.f, 15.f}) {
        const Matrix p = conditional_p(d2, perplexity);
        REQUIRE(p.shape() == d2.shape());
        size_t worst = 0;  // the row farthest from the asked perplexity, reported once
        std::vector<double> perp(40);
        for (size_t i = 0; i < 40; ++i) {
            double sum = 0, h = 0;
            for (size_t j = 0; j < 40; ++j) {
                REQUIRE_MESSAGE(p(i, j) >= 0.f, "p(", j, "|", i, ") is negative");
                sum += p(i, j);
                if (p(i, j) > 0) h -= p(i, j) * std::log2(double(p(i, j)));
            }
            REQUIRE_MESSAGE(p(i, i) == 0.f, "p(i|i) of row ", i, " is ", p(i, i), ", not 0");
            perp[i] = std::exp2(h);
            if (std::abs(perp[i] - perplexity) > std::abs(perp[worst] - perplexity)) worst = i;
            check_value(sum, 1.0, 1e-5, "row " + std::to_string(i) + " sum");
        }
        check_value(perp[worst], perplexity, 1e-3,
                    "perplexity of row " + std::to_string(worst) + " (the farthest)");
    }
}

TEST_CASE("11 step 2a conditional_p: each row is a Gaussian of the distances") {
    Rng rng(4);
    const Matrix x = rng.normal(12, 3);
    const Matrix d2 = pairwise_d2(x);
    const Matrix p = conditional_p(d2, 4.f);
    for (size_t i = 0; i < 12; ++i) {
        // log p(j|i) must fall on one straight line of d2(i, j) with a negative slope.
        const size_t a = i == 0 ? 1 : 0, b = i == 11 ? 10 : 11;
        const double slope = (std::log(p(i, b)) - std::log(p(i, a))) / (d2(i, b) - d2(i, a));
        CHECK_MESSAGE(slope < 0, "row ", i, ": p(j|i) should fall with the distance");
        for (size_t j = 0; j < 12; ++j) {
            if (j == i) continue;
            const double line = std::log(p(i, a)) + slope * (d2(i, j) - d2(i, a));
            check_value(std::log(p(i, j)), line, 1e-3,
                        "log p(" + std::to_string(j) + "|" + std::to_string(i) + ")");
        }
    }
    check_rejects([&] { conditional_p(d2, 11.f); }, "perplexity N - 1", {"11", "12"});
}

TEST_CASE("11 step 2b joint_p: symmetric, sums to 1, zero diagonal, from both conditionals") {
    const Matrix cond = {{0.f, 0.7f, 0.3f}, {0.5f, 0.f, 0.5f}, {0.1f, 0.9f, 0.f}};
    const Matrix p = joint_p(cond);
    const Matrix expected = {
        {0.f, 0.2f, 0.4f / 6}, {0.2f, 0.f, 1.4f / 6}, {0.4f / 6, 1.4f / 6, 0.f}};
    test::check_close(p, expected, 1e-6, "joint P of a 3-point conditional table");
    check_value(xt::sum(p)(), 1.0, 1e-6, "sum of the joint P");
}

TEST_CASE("11 step 2c tsne_kl: matches the KL of a small map") {
    const Matrix p = random_joint(7, 1);
    Rng rng(8);
    const Matrix y = rng.normal(7, 2);
    check_value(tsne_kl(p, y), reference_kl(p, test::to_double(y)), 1e-5, "KL(P || Q)");
}

TEST_CASE("11 step 2c tsne_gradient: matches central differences of the KL") {
    const Matrix p = random_joint(6, 2);
    Rng rng(6);
    const Matrix y = rng.normal(6, 2);
    test::MatD yd = test::to_double(y);
    test::check_gradient(
        tsne_gradient(p, y), yd, [&] { return reference_kl(p, yd); }, "dKL/dy of a 6-point map");
}

TEST_CASE("11 step 2d tsne_map: separates three clusters, lowers the KL, centred, repeatable") {
    Labels truth;
    Matrix centres = xt::zeros<float>({size_t(3), size_t(10)});
    centres(0, 0) = 8, centres(1, 1) = 8, centres(2, 2) = 8;
    const Matrix x = blobs(centres, 20, 1.f, truth, 3);
    const Matrix d2 = pairwise_d2(x);
    const Matrix p = joint_p(conditional_p(d2, 10.f));
    TsneOptions opt;
    opt.iterations = 300, opt.exaggerated = 100, opt.learning_rate = 50.f;
    const Matrix y = tsne_map(p, opt);
    REQUIRE_MESSAGE((y.shape()[0] == 60 && y.shape()[1] == 2), "the map is (N, 2)");
    Rng start(opt.seed);
    const double kl0 = tsne_kl(p, start.normal(60, 2, 0.f, 1e-4f)), kl = tsne_kl(p, y);
    CHECK_MESSAGE(kl < 0.5 * kl0, "KL of the map ", kl, " vs ", kl0, " at the start");
    for (size_t i = 0; i < 60; ++i) {
        size_t best = i == 0 ? 1 : 0;
        for (size_t j = 0; j < 60; ++j)
            if (j != i && dist2(y, i, y, j) < dist2(y, i, y, best)) best = j;
        CHECK_MESSAGE(truth[best] == truth[i], "point ", i, "'s nearest map neighbour ", best,
                      " is from another cluster");
    }
    for (size_t c = 0; c < 2; ++c)
        check_value(xt::mean(xt::view(y, xt::all(), c))(), 0.0, 1e-3, "mean of the map");
    CHECK_MESSAGE(tsne_map(p, opt) == y, "two runs with the same seed gave different maps");
}

TEST_CASE("11 step 2e trustworthiness: 1 for a map that keeps every neighbourhood") {
    Rng rng(12);
    const Matrix x = rng.normal(30, 2);
    Matrix turned({30, 2});
    for (size_t i = 0; i < 30; ++i)  // rotated by 90 degrees, scaled by 3, shifted
        turned(i, 0) = -3 * x(i, 1) + 5, turned(i, 1) = 3 * x(i, 0);
    check_value(trustworthiness(x, turned, 5), 1.0, 1e-12, "trustworthiness of a rotated copy");
}

TEST_CASE("11 step 2e trustworthiness: matches brute-force ranks on a lossy map") {
    Rng rng(13);
    const Matrix x = rng.normal(40, 6);
    const Matrix low = xt::view(x, xt::all(), xt::range(0, 2));
    const size_t n = 40;
    for (size_t k : {1, 5, 12}) {
        double penalty = 0;
        for (size_t i = 0; i < n; ++i) {
            std::vector<size_t> hi(n), lo(n);
            std::iota(hi.begin(), hi.end(), 0), std::iota(lo.begin(), lo.end(), 0);
            auto order = [&](std::vector<size_t>& v, const Matrix& m) {
                std::stable_sort(v.begin(), v.end(), [&](size_t a, size_t b) {
                    return (a == i) != (b == i) ? a == i : dist2(m, i, m, a) < dist2(m, i, m, b);
                });
            };
            order(hi, x), order(lo, low);
            for (size_t r = 1; r <= k; ++r) {
                const size_t rank = size_t(std::find(hi.begin(), hi.end(), lo[r]) - hi.begin());
                if (rank > k) penalty += double(rank - k);
            }
        }
        const double expected = 1 - 2.0 / (n * k * (2.0 * n - 3.0 * k - 1)) * penalty;
        check_value(trustworthiness(x, low, k), expected, 1e-9,
                    "trustworthiness at k = " + std::to_string(k));
    }
    check_rejects([&] { trustworthiness(x, low, 20); }, "k = N / 2", {"20", "40"});
}

TEST_CASE("11 step 3a shift_images: moves pixels and fills with zeros") {
    // One 4 x 4 image with pixel (r, c) = (4 r + c + 1) / 16, and its copy times 0.5.
    Matrix x({2, 16});
    for (size_t p = 0; p < 16; ++p) x(0, p) = float(p + 1) / 16, x(1, p) = 0.5f * x(0, p);
    for (auto [dx, dy] : {std::pair{1, 0}, {0, -2}, {-1, 1}, {3, 3}, {4, 0}}) {
        Matrix expected = xt::zeros<float>({2, 16});
        for (int r = 0; r < 4; ++r)
            for (int c = 0; c < 4; ++c)
                if (r - dy >= 0 && r - dy < 4 && c - dx >= 0 && c - dx < 4)
                    for (size_t i = 0; i < 2; ++i)
                        expected(i, size_t(4 * r + c)) = x(i, size_t(4 * (r - dy) + c - dx));
        test::check_close(shift_images(x, dx, dy, 4), expected, 1e-7,
                          "shift by dx = " + std::to_string(dx) + ", dy = " + std::to_string(dy));
    }
}

TEST_CASE("11 step 3a rotate_images: quarter turns permute pixels, a full turn changes nothing") {
    Rng rng(21);
    const Matrix x = rng.uniform(3, 25);
    test::check_close(rotate_images(x, 0.f, 5), x, 1e-6, "a turn by 0 degrees");
    test::check_close(rotate_images(x, 360.f, 5), x, 1e-5, "a turn by 360 degrees");
    Matrix quarter({3, 25});  // counter-clockwise: the right column becomes the top row
    for (size_t i = 0; i < 3; ++i)
        for (size_t r = 0; r < 5; ++r)
            for (size_t c = 0; c < 5; ++c) quarter(i, r * 5 + c) = x(i, c * 5 + (4 - r));
    test::check_close(rotate_images(x, 90.f, 5), quarter, 1e-5, "a turn by 90 degrees");
    test::check_close(rotate_images(rotate_images(x, 90.f, 5), -90.f, 5), x, 1e-5,
                      "90 degrees and back");
}

TEST_CASE("11 step 3a rotate_images: interpolates between pixels, values stay in [0, 1]") {
    // A 3 x 3 image: one bright pixel right of the centre. Turned by 45 degrees, the output
    // pixel above-right of the centre sits at distance sqrt(2) and looks back to (1, 1 + sqrt 2)
    // ... computed here from the definition, in double.
    Matrix x = xt::zeros<float>({1, 9});
    x(0, 5) = 1.f;  // row 1, column 2
    const Matrix y = rotate_images(x, 45.f, 3);
    const double s = std::sqrt(0.5);
    // Output (0, 2): u = 1, v = 1 -> source u' = s + s, v' = -s + s = 0: column 1 + 2s, row 1.
    // Between columns 2 (weight 1 - (2s - 1)) and 3 (outside): (2 - 2s) x 1.
    check_value(y(0, 2), 2 - 2 * s, 1e-5, "pixel (0, 2) after 45 degrees");
    // Output (1, 2): u = 1, v = 0 -> source u' = s, v' = -s: column 1 + s, row 1 + s.
    check_value(y(0, 5), (1 - s) * s, 1e-5, "pixel (1, 2) after 45 degrees");
    Rng rng(22);
    test::check_in_range(rotate_images(rng.uniform(4, 784), 10.f), 0, 1, "a turned 28 x 28 image");
    test::check_in_range(rotate_images(rng.uniform(4, 784), -33.f), 0, 1, "a turned 28 x 28 image");
}

TEST_CASE("11 step 3b distance_ratio: 0 for unmoved codes, a known ratio for a fixed offset") {
    const Matrix codes = {{0.f, 0.f}, {3.f, 0.f}, {0.f, 4.f}};  // pair distances 3, 4, 5
    check_value(distance_ratio(codes, codes), 0.0, 1e-9, "codes that did not move");
    const Matrix moved = codes + Matrix{{0.6f, 0.8f}};  // every code moved by 1
    check_value(distance_ratio(codes, moved), 1.0 / 4.0, 1e-6, "every code moved by 1");
    check_value(distance_ratio(3.f * codes, 3.f * moved), 1.0 / 4.0, 1e-6,
                "the same, all codes scaled by 3");
}

TEST_CASE("11 step 3b retrieval_rate: the share of moved codes nearest their original") {
    const Matrix codes = {{0.f}, {10.f}, {20.f}, {30.f}};
    check_value(retrieval_rate(codes, codes), 1.0, 1e-12, "unmoved codes");
    const Matrix moved = {{1.f}, {16.f}, {24.f}, {29.f}};  // row 1 is now nearest row 2
    check_value(retrieval_rate(codes, moved), 0.75, 1e-12, "one of four moved past its neighbour");
    const Matrix tie = {{5.f}, {10.f}, {20.f}, {30.f}};  // row 0 halfway: the lower row wins
    check_value(retrieval_rate(codes, tie), 1.0, 1e-12, "a tie goes to the lower row");
}

TEST_CASE("11 step 4a code_statistics: moments and correlation of a hand-made column pair") {
    // Column 0: 1 2 3 4 10 (mean 4, sd sqrt 10, skew 1.13842, excess kurtosis -0.212);
    // column 1: 2 1 4 3 0; column 2: constant.
    const Matrix codes = {{1, 2, 7}, {2, 1, 7}, {3, 4, 7}, {4, 3, 7}, {10, 0, 7}};
    const CodeStats s = code_statistics(codes);
    REQUIRE(s.mean.size() == 3);
    REQUIRE(s.kurtosis.size() == 3);
    check_value(s.mean[0], 4.0, 1e-9, "mean of column 0");
    check_value(s.sd[0], std::sqrt(10.0), 1e-6, "sd of column 0 (moments over N)",
                {{std::sqrt(5.0 / 4.0), "divided by N - 1 instead of N"}});
    check_value(s.skew[0], 1.1384199576606167, 1e-5, "skew of column 0");
    check_value(s.kurtosis[0], -0.212, 1e-5, "excess kurtosis of column 0",
                {{-13.150943396226415, "forgot to subtract 3 (a Gaussian has kurtosis 3)"}});
    check_value(s.sd[2], 0.0, 1e-9, "sd of a constant column");
    check_value(s.skew[2], 0.0, 1e-9, "skew of a constant column");
    REQUIRE(s.correlation.shape()[0] == 3);
    check_value(s.correlation(0, 1), -0.5366563145999494, 1e-5, "correlation of columns 0, 1");
    check_value(s.correlation(1, 0), -0.5366563145999494, 1e-5, "correlation of columns 1, 0");
    check_value(s.correlation(1, 1), 1.0, 1e-6, "correlation of a column with itself");
    check_value(s.correlation(0, 2), 0.0, 1e-9, "correlation with a constant column");
}

TEST_CASE("11 step 4a code_statistics: a large Gaussian sample has skew and kurtosis near 0") {
    Rng rng(31);
    const Matrix codes = rng.normal(200000, 2, 1.f, 2.f);
    const CodeStats s = code_statistics(codes);
    // Standard errors at N = 200,000: skew 0.0055, excess kurtosis 0.011; 4 of them allowed.
    CHECK_MESSAGE(std::abs(s.skew[0]) < 0.022, "skew ", s.skew[0]);
    CHECK_MESSAGE(std::abs(s.kurtosis[0]) < 0.044, "excess kurtosis ", s.kurtosis[0]);
    CHECK_MESSAGE(std::abs(s.sd[1] - 2.0) < 0.02, "sd ", s.sd[1], " of N(1, 2^2)");
}

TEST_CASE("11 step 4b sample_fitted_gaussian: samples have the codes' mean and covariance") {
    Rng make(41);
    const Matrix e = make.normal(400, 3);
    Matrix codes({400, 3});  // correlated columns with different scales and means
    for (size_t i = 0; i < 400; ++i)
        codes(i, 0) = 2 * e(i, 0) + 5, codes(i, 1) = e(i, 0) + e(i, 1) - 1,
                 codes(i, 2) = 0.5f * e(i, 2) - 0.5f * e(i, 1);
    Rng rng(42);
    const Matrix s = sample_fitted_gaussian(codes, 100000, rng);
    REQUIRE((s.shape()[0] == 100000 && s.shape()[1] == 3));
    auto cov = [](const Matrix& m, size_t a, size_t b) {
        double ma = 0, mb = 0, c = 0;
        const size_t n = m.shape()[0];
        for (size_t i = 0; i < n; ++i) ma += m(i, a) / n, mb += m(i, b) / n;
        for (size_t i = 0; i < n; ++i) c += (m(i, a) - ma) * (m(i, b) - mb);
        return std::make_pair(c / double(n - 1), ma);
    };
    // Sampling error at 100,000 draws: about 0.3 % of each variance; 2 % allowed.
    for (size_t a = 0; a < 3; ++a)
        for (size_t b = 0; b <= a; ++b) {
            const auto [want, mean_a] = cov(codes, a, b);
            const auto [got, got_mean] = cov(s, a, b);
            const double scale = std::sqrt(cov(codes, a, a).first * cov(codes, b, b).first);
            CHECK_MESSAGE(std::abs(got - want) < 0.02 * scale, "covariance (", a, ", ", b,
                          "): samples ", got, ", codes ", want);
            if (a == b)
                CHECK_MESSAGE(std::abs(got_mean - mean_a) < 0.02 * std::sqrt(want), "mean of ", a,
                              ": samples ", got_mean, ", codes ", mean_a);
        }
    Rng again(42);
    CHECK_MESSAGE(
        sample_fitted_gaussian(codes, 5, again) == xt::view(s, xt::range(0, 5), xt::all()),
        "the same seed should give the same first samples");
}

TEST_CASE("11 step 5a class_means: the mean code of each class, from a table worked out by hand") {
    // Class 0: rows 1 and 4; class 1: row 3; class 2: rows 0, 2 and 5 (three classes, unsorted).
    const Matrix codes = {{1.f, 0.f}, {2.f, 4.f}, {3.f, 3.f}, {-1.f, 7.f}, {0.f, -2.f}, {5.f, 6.f}};
    const Labels labels = {2, 0, 2, 1, 0, 2};
    const Matrix means = class_means(codes, labels, 3);
    test::check_close(means, Matrix{{1.f, 1.f}, {-1.f, 7.f}, {3.f, 3.f}}, 1e-6,
                      "class means (row c: the mean code of class c)");
    // Classes that no row needs to come before: class 0 is the first row even when it is rare.
    const Matrix one = class_means({{4.f}, {8.f}, {9.f}}, {1, 1, 0}, 2);
    test::check_close(one, Matrix{{9.f}, {6.f}}, 1e-6, "class means of a 1-D code");
}

TEST_CASE("11 step 5a class_means: rejects labels outside the classes, empty classes, lengths") {
    const Matrix codes = {{1.f}, {2.f}, {3.f}, {4.f}};
    check_rejects([&] { class_means(codes, {0, 1, 7, 2}, 5); }, "label 7 of 5 classes", {"7", "5"});
    check_rejects([&] { class_means(codes, {0, 1, -1, 2}, 5); }, "label -1", {"-1"});
    check_rejects([&] { class_means(codes, {0, 1, 2, 4}, 5); }, "class 3 has no rows", {"3"});
    check_rejects([&] { class_means(codes, {0, 1, 2}, 3); }, "3 labels for 4 codes", {"3", "4"});
}

TEST_CASE("11 step 5b latent_arithmetic: moves every code by the same step, towards `to`") {
    const Matrix means = {{1.f, 2.f}, {4.f, -1.f}, {0.f, 5.f}};
    const Matrix codes = {{3.f, 0.f}, {5.f, -2.f}, {4.f, 1.f}};
    const Matrix moved = latent_arithmetic(codes, means, 1, 2);
    test::check_close(moved - codes, Matrix{{-4.f, 6.f}, {-4.f, 6.f}, {-4.f, 6.f}}, 1e-6,
                      "the step from class 1's mean to class 2's, for every row",
                      {{-1.0, "the step goes from `to` to `from`: the wrong way"}});
    test::check_close(moved, Matrix{{-1.f, 6.f}, {1.f, 4.f}, {0.f, 7.f}}, 1e-6,
                      "codes of class 1 moved to class 2");
    test::check_close(latent_arithmetic(codes, means, 0, 2) - codes,
                      Matrix{{-1.f, 3.f}, {-1.f, 3.f}, {-1.f, 3.f}}, 1e-6,
                      "the step from class 0's mean to class 2's");
    test::check_close(latent_arithmetic(codes, means, 2, 2), codes, 1e-7, "from == to");
}

TEST_CASE("11 step 5b latent_arithmetic: the moved codes of a class have the target's mean") {
    Rng rng(51);
    const Matrix codes = rng.normal(60, 4, 0.5f, 2.f);
    Labels labels(60);
    for (size_t i = 0; i < 60; ++i) labels[i] = int((i * 7) % 3);
    const Matrix means = class_means(codes, labels, 3);
    for (auto [from, to] : {std::pair<size_t, size_t>{0, 2}, {2, 1}, {1, 0}}) {
        std::vector<size_t> rows;
        for (size_t i = 0; i < 60; ++i)
            if (size_t(labels[i]) == from) rows.push_back(i);
        const Matrix of_class = xt::view(codes, xt::keep(rows), xt::all());
        const Matrix moved = latent_arithmetic(of_class, means, from, to);
        const Matrix mean_moved = xt::mean(moved, {0}, xt::keep_dims);
        test::check_close(mean_moved, xt::view(means, xt::range(to, to + 1), xt::all()), 1e-5,
                          "mean of class " + std::to_string(from) + "'s codes moved to class " +
                              std::to_string(to));
        test::check_close(moved - xt::view(moved, xt::range(0, 1), xt::all()),
                          of_class - xt::view(of_class, xt::range(0, 1), xt::all()), 1e-5,
                          "differences between the moved codes (they move together)");
    }
}

TEST_CASE("11 step 5b latent_arithmetic: rejects a class outside the means and a wrong width") {
    const Matrix means = xt::zeros<float>({size_t(4), size_t(2)});
    const Matrix codes = xt::zeros<float>({size_t(3), size_t(2)});
    check_rejects([&] { latent_arithmetic(codes, means, 1, 6); }, "to = 6 of 4", {"6", "4"});
    check_rejects([&] { latent_arithmetic(codes, means, 9, 0); }, "from = 9 of 4", {"9", "4"});
    const Matrix wide = xt::zeros<float>({size_t(3), size_t(5)});
    check_rejects([&] { latent_arithmetic(wide, means, 0, 1); }, "codes of width 5, means 2",
                  {"5", "2"});
}

TEST_CASE("11 step 5c unit_activity: how much each dimension varies over the images") {
    // Columns: constant far from 0 (varies not at all); 0 and 0.2 alternating; -1 and 1.
    const Matrix means = {{5.f, 0.f, -1.f}, {5.f, 0.2f, 1.f}, {5.f, 0.f, -1.f}, {5.f, 0.2f, 1.f}};
    const std::vector<double> a = unit_activity(means);
    REQUIRE_MESSAGE(a.size() == 3, "one number per dimension (Z = 3, N = 4), got ", a.size());
    check_value(a[0], 0.0, 1e-9, "activity of a dimension that is the same for every image");
    check_value(a[1], 0.01, 1e-6, "activity of a dimension alternating 0 and 0.2",
                {{4.0 / 3.0, "divided by N - 1 instead of N"},
                 {10.0, "the standard deviation, not the variance"}});
    check_value(a[2], 1.0, 1e-6, "activity of a dimension alternating -1 and 1",
                {{4.0 / 3.0, "divided by N - 1 instead of N"}});
}

TEST_CASE("11 step 5c active_units: counts the dimensions that vary more than the threshold") {
    // Over 4 images: 0: constant 3; 1: variance 0.009025 (0.012 over N - 1); 2: variance
    // 0.0025 (standard deviation 0.05); 3: variance 0.25; 4: variance 0.011025.
    const Matrix means = {{3.f, 0.f, 0.f, -0.5f, 0.f},
                          {3.f, 0.19f, 0.1f, 0.5f, 0.21f},
                          {3.f, 0.f, 0.f, -0.5f, 0.f},
                          {3.f, 0.19f, 0.1f, 0.5f, 0.21f}};
    const size_t n = active_units(means, 0.01);
    // A std::string: a const char* from ?: would be printed as an address.
    const std::string why =
        n == 3   ? ": likely the variance divided by N - 1 instead of N (dimension 1 then passes)"
        : n == 4 ? ": compared the standard deviation (or a mean) with the threshold?"
                 : "";
    CHECK_MESSAGE(n == 2, "active units at threshold 0.01: expected 2 (dimensions 3 and 4), got ",
                  n, why);
    CHECK_MESSAGE(active_units(means, 0.001) == 4, "at threshold 0.001: expected 4, got ",
                  active_units(means, 0.001), " (a constant dimension is never active)");
    CHECK_MESSAGE(active_units(means, 0.0) == 4, "at threshold 0: expected 4, got ",
                  active_units(means, 0.0), " (above the threshold, strictly)");
    CHECK_MESSAGE(active_units(means, 0.3) == 0, "at threshold 0.3: expected 0, got ",
                  active_units(means, 0.3));
}

TEST_CASE("11 step 5c traversal_codes: one row per dimension and value, the rest of the base") {
    const Matrix base = {{0.5f, -1.f, 2.f, 0.25f}};
    const Matrix got = traversal_codes(base, {2, 0}, {-3.f, 0.f, 3.f});
    const Matrix expected = {{0.5f, -1.f, -3.f, 0.25f}, {0.5f, -1.f, 0.f, 0.25f},
                             {0.5f, -1.f, 3.f, 0.25f},  {-3.f, -1.f, 2.f, 0.25f},
                             {0.f, -1.f, 2.f, 0.25f},   {3.f, -1.f, 2.f, 0.25f}};
    test::check_close(got, expected, 1e-7,
                      "dimension 2 set to -3, 0, 3, then dimension 0 set to -3, 0, 3");
    test::check_close(traversal_codes(base, {3}, {0.25f}), base, 1e-7,
                      "a dimension set to its own value gives the base back");
    check_rejects(
        [&] {
            traversal_codes(base, {1, 7}, {0.f});
        },
        "dimension 7 of Z = 4", {"7", "4"});
    check_rejects(
        [&] {
            traversal_codes(Matrix{{1.f, 2.f}, {3.f, 4.f}}, {0}, {0.f});
        },
        "a base of 2 rows", {"2"});
}
