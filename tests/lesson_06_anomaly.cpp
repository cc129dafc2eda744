// Tests of lesson 06 (anomaly detection). They run against your exercise.cpp
// (./workshop check 06) and against the reference solution (./workshop test).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "01_linear_pca/exercise.hpp"
#include "ae/data.hpp"
#include "exercise.hpp"

using namespace ae;
using namespace ae::l06;

namespace {

// The Mann-Whitney statistic by its definition, over all P x Q pairs: the reference for the AUC.
double pairwise_auc(const Scores& s, const Labels& anomalous) {
    double wins = 0, pairs = 0;
    for (size_t i = 0; i < s.size(); ++i) {
        if (anomalous[i] != 1) continue;
        for (size_t j = 0; j < s.size(); ++j) {
            if (anomalous[j] != 0) continue;
            wins += s[i] > s[j] ? 1.0 : s[i] == s[j] ? 0.5 : 0.0;
            pairs += 1;
        }
    }
    return wins / pairs;
}

// n random scores, rounded to `decimals` so that ties occur; about a third are anomalies,
// shifted up by `shift`.
void random_problem(size_t n, int decimals, double shift, uint64_t seed, Scores& s, Labels& a) {
    Rng rng(seed);
    const double scale = std::pow(10.0, decimals);
    s.clear(), a.clear();
    for (size_t i = 0; i < n; ++i) {
        a.push_back(rng.uniform() < 1.f / 3 ? 1 : 0);
        s.push_back(std::round((rng.normal() + shift * a.back()) * scale) / scale);
    }
}

void check_points(const Roc& roc, const std::vector<double>& fpr, const std::vector<double>& tpr) {
    REQUIRE_MESSAGE(roc.fpr.size() == fpr.size(), "expected ", fpr.size(), " ROC points, got ",
                    roc.fpr.size(), " (one per distinct score, plus (0, 0))");
    REQUIRE(roc.tpr.size() == tpr.size());
    for (size_t i = 0; i < fpr.size(); ++i) {
        INFO("ROC point ", i);
        CHECK(roc.fpr[i] == doctest::Approx(fpr[i]));
        CHECK(roc.tpr[i] == doctest::Approx(tpr[i]));
    }
}

}  // namespace

TEST_CASE("06 mse_scores (step 1a): the per-image mean squared error, by hand") {
    const Matrix x_hat = {{1.f, 2.f}, {0.f, 0.f}}, x = {{0.f, 0.f}, {0.f, 3.f}};
    const Scores s = mse_scores(x_hat, x);
    REQUIRE_MESSAGE(s.size() == 2, "one score per image (row)");
    CHECK(s[0] == doctest::Approx(2.5));  // (1 + 4) / 2 pixels
    CHECK(s[1] == doctest::Approx(4.5));  // 9 / 2
}

TEST_CASE("06 bce_scores (step 1b): summed over the pixels, finite at p = 0 and 1") {
    const Scores s = bce_scores(Matrix{{0.8f, 0.1f, 0.5f}}, Matrix{{1.f, 0.f, 0.5f}});
    REQUIRE(s.size() == 1);
    // -log 0.8 - log 0.9 - (0.5 log 0.5 + 0.5 log 0.5)
    CHECK(s[0] == doctest::Approx(-std::log(0.8) - std::log(0.9) + std::log(2.0)).epsilon(1e-6));
    // Wrong with certainty: p = 0 for a white pixel and p = 1 for a black one, clipped at 1e-6.
    const Scores w = bce_scores(Matrix{{0.f, 1.f}}, Matrix{{1.f, 0.f}});
    CHECK_MESSAGE(std::isfinite(w[0]), "clip p to [1e-6, 1 - 1e-6] before the log");
    CHECK(w[0] == doctest::Approx(-2 * std::log(1e-6)).epsilon(1e-4));
}

TEST_CASE("06 roc_curve (step 2): hand-made cases, tied scores make one point") {
    // Descending: 0.8 (anomaly), 0.4 (normal), 0.35 (anomaly), 0.1 (normal).
    check_points(roc_curve({0.1, 0.4, 0.35, 0.8}, {0, 0, 1, 1}), {0, 0, 0.5, 0.5, 1},
                 {0, 0.5, 0.5, 1, 1});
    // The two images scored 1 (one of each kind) are flagged together: a diagonal step.
    check_points(roc_curve({1, 1, 2, 0}, {0, 1, 1, 0}), {0, 0, 0.5, 1}, {0, 0.5, 1, 1});
}

TEST_CASE("06 roc_curve (step 2): starts at (0, 0), ends at (1, 1), never decreases") {
    Scores s;
    Labels a;
    random_problem(500, 1, 1.0, 3, s, a);  // one decimal: many ties
    const Roc roc = roc_curve(s, a);
    REQUIRE(roc.fpr.size() == roc.tpr.size());
    REQUIRE(roc.fpr.size() >= 2);
    CHECK(roc.fpr.front() == 0.0);
    CHECK(roc.tpr.front() == 0.0);
    CHECK(roc.fpr.back() == doctest::Approx(1.0));
    CHECK(roc.tpr.back() == doctest::Approx(1.0));
    size_t decreasing = 0;
    for (size_t i = 1; i < roc.fpr.size(); ++i)
        decreasing += roc.fpr[i] < roc.fpr[i - 1] || roc.tpr[i] < roc.tpr[i - 1];
    CHECK_MESSAGE(decreasing == 0, decreasing, " steps go backwards: sort by score, descending");
    Scores distinct = s;
    std::sort(distinct.begin(), distinct.end());
    distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
    CHECK_MESSAGE(roc.fpr.size() == distinct.size() + 1,
                  "one point per distinct score plus (0, 0)");
}

TEST_CASE("06 auc and auc_rank (step 3): perfect 1, reversed 0, all tied 0.5") {
    const Labels a = {0, 1, 0, 1, 1, 0};
    const Scores perfect = {0.1, 0.9, 0.2, 0.8, 0.7, 0.3},
                 reversed = {0.9, 0.1, 0.8, 0.2, 0.3, 0.7};
    const Scores tied(6, 0.42);
    CHECK(auc(roc_curve(perfect, a)) == doctest::Approx(1.0));
    CHECK(auc(roc_curve(reversed, a)) == doctest::Approx(0.0));
    CHECK(auc(roc_curve(tied, a)) == doctest::Approx(0.5));
    CHECK(auc_rank(perfect, a) == doctest::Approx(1.0));
    CHECK(auc_rank(reversed, a) == doctest::Approx(0.0));
    CHECK(auc_rank(tied, a) == doctest::Approx(0.5));
    // Hand-made, with a tie across the classes: 3.5 of the 4 pairs are won.
    CHECK(auc(roc_curve({1, 1, 2, 0}, {0, 1, 1, 0})) == doctest::Approx(0.875));
    CHECK(auc_rank({1, 1, 2, 0}, {0, 1, 1, 0}) == doctest::Approx(0.875));
}

TEST_CASE("06 auc and auc_rank (step 3): both equal the pairwise Mann-Whitney statistic") {
    for (int decimals : {1, 2, 6}) {
        Scores s;
        Labels a;
        random_problem(400, decimals, 0.8, 10 + decimals, s, a);
        const double expected = pairwise_auc(s, a);
        INFO("scores rounded to ", decimals, " decimals; pairwise AUC ", expected);
        // Sums of a few hundred exact fractions: agreement to 1e-10 or there is a mistake.
        CHECK(auc(roc_curve(s, a)) == doctest::Approx(expected).epsilon(1e-10));
        CHECK(auc_rank(s, a) == doctest::Approx(expected).epsilon(1e-10));
    }
}

TEST_CASE("06 threshold_at_fpr (step 4a): flags the requested fraction of normal scores") {
    Rng rng(21);
    Scores normal;
    for (int i = 0; i < 1000; ++i) normal.push_back(rng.normal());  // distinct with certainty
    for (double fpr : {0.0, 0.01, 0.05, 0.1, 0.25, 0.5}) {
        const double t = threshold_at_fpr(normal, fpr);
        const auto above =
            std::count_if(normal.begin(), normal.end(), [&](double s) { return s > t; });
        INFO("fpr ", fpr, ": threshold ", t);
        CHECK(above == static_cast<long>(std::lround(fpr * 1000)));
        CHECK_MESSAGE(std::find(normal.begin(), normal.end(), t) != normal.end(),
                      "the threshold is one of the normal scores");
    }
    // Ties: 1 1 1 1 2 2 3 3 3 3. At 30% only the threshold 3 keeps the rate (0 above);
    // at 40% the threshold 2 does (the four 3s above).
    const Scores tied = {3, 1, 2, 3, 1, 3, 1, 2, 3, 1};
    CHECK(threshold_at_fpr(tied, 0.3) == 3.0);
    CHECK(threshold_at_fpr(tied, 0.4) == 2.0);
}

TEST_CASE("06 detect (step 4b): counts, precision, recall and false-positive rate by hand") {
    const Scores s = {0.1, 0.5, 0.9, 0.3, 0.7};
    const Labels a = {0, 1, 1, 0, 0};
    const Detection d = detect(s, a, 0.4);  // flags 0.5 (tp), 0.9 (tp), 0.7 (fp)
    CHECK(d.tp == 2);
    CHECK(d.fp == 1);
    CHECK(d.tn == 2);
    CHECK(d.fn == 0);
    CHECK(d.precision == doctest::Approx(2.0 / 3));
    CHECK(d.recall == doctest::Approx(1.0));
    CHECK(d.fpr == doctest::Approx(1.0 / 3));
    const Detection e = detect(s, a, 0.5);  // a score equal to the threshold is not flagged
    CHECK(e.tp == 1);
    CHECK(e.fn == 1);
    CHECK(e.precision == doctest::Approx(0.5));
    CHECK(e.recall == doctest::Approx(0.5));
}

TEST_CASE("06 a PCA detector on the data sample separates a held-out class better than chance") {
    DataRequest req;
    req.sample = true;
    const DataSplit data = load_data(req);
    const int normal_class = 7;  // sneakers; the nine other classes are the anomalies
    const Matrix normal = select_classes(data.train, {normal_class}).images;  // (500, 784)
    const l01::Pca p = l01::pca(normal, 16);
    const Matrix& x = data.test.images;
    const Scores test = mse_scores(l01::pca_decode(p, l01::pca_encode(p, x)), x);
    const Labels anomalous = anomalous_unless(data.test.labels, normal_class);
    const double area = auc(roc_curve(test, anomalous));
    INFO("AUC of PCA-16 trained on 500 sneakers: ", area, " (chance: 0.5)");
    CHECK(area > 0.85);  // the reference reaches ~0.97 here
    CHECK(auc_rank(test, anomalous) == doctest::Approx(area).epsilon(1e-9));
    // A threshold at 5% FPR on the training scores catches most anomalies on the test set.
    const Scores train = mse_scores(l01::pca_decode(p, l01::pca_encode(p, normal)), normal);
    const Detection d = detect(test, anomalous, threshold_at_fpr(train, 0.05));
    INFO("test FPR ", d.fpr, ", recall ", d.recall, ", precision ", d.precision);
    CHECK(d.recall > 0.5);
    CHECK(d.fpr < 0.25);  // test normals score a little higher than the training ones
}
