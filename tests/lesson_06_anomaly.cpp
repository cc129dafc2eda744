// Tests of lesson 06 (anomaly detection), one README step each. They run against your
// exercise.cpp (./workshop check 06) and against the reference solution (./workshop test).
// References are independent of your code: hand-computed values and the Mann-Whitney statistic
// counted pair by pair.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "01_linear_pca/exercise.hpp"
#include "ae/data.hpp"
#include "ae/error.hpp"
#include "exercise.hpp"
#include "lesson.hpp"
#include "test_util.hpp"

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

void check_points(const Roc& roc, const std::vector<double>& fpr, const std::vector<double>& tpr,
                  const std::string& what) {
    REQUIRE_MESSAGE(roc.fpr.size() == fpr.size(), what, ": expected ", fpr.size(),
                    " ROC points, got ", roc.fpr.size(),
                    " (one per distinct score, plus (0, 0); a group of tied scores is one point)");
    REQUIRE_MESSAGE(roc.tpr.size() == tpr.size(), what, ": fpr and tpr must have the same length");
    for (size_t i = 0; i < fpr.size(); ++i) {
        CHECK_MESSAGE(roc.fpr[i] == doctest::Approx(fpr[i]), what, ": point ", i, ": expected fpr ",
                      fpr[i], ", got ", roc.fpr[i]);
        CHECK_MESSAGE(roc.tpr[i] == doctest::Approx(tpr[i]), what, ": point ", i, ": expected tpr ",
                      tpr[i], ", got ", roc.tpr[i]);
    }
}

using test::check_rejects;

}  // namespace

TEST_CASE("06 step 1a mse_scores: one mean squared error per image, by hand") {
    const Matrix x_hat = {{1.f, 2.f}, {0.f, 0.f}, {0.5f, 0.5f}},
                 x = {{0.f, 0.f}, {0.f, 3.f}, {0.5f, 1.5f}};
    const Scores s = mse_scores(x_hat, x);
    REQUIRE_MESSAGE(s.size() == 3, "one score per image (row): expected 3, got ", s.size());
    // (1 + 4) / 2, 9 / 2, 1 / 2
    test::check_close(Matrix{{float(s[0]), float(s[1]), float(s[2])}}, Matrix{{2.5f, 4.5f, 0.5f}},
                      1e-6, "mse_scores of 3 images of D = 2",
                      {{2.0, "the sum over the D pixels: divide by D for the mean"}});
    check_rejects(
        [&] {
            mse_scores(Matrix{{1.f, 2.f}}, Matrix{{1.f, 2.f, 3.f}});
        },
        "x_hat (1, 2) against x (1, 3)");
}

TEST_CASE("06 step 1b bce_scores: summed over each image's pixels, rows kept apart") {
    // Three images of D = 3: each row's sum must use that row's pixels only.
    const Matrix x_hat = {{0.8f, 0.1f, 0.5f}, {0.5f, 0.5f, 0.5f}, {0.9f, 0.9f, 0.2f}};
    const Matrix x = {{1.f, 0.f, 0.5f}, {0.f, 1.f, 0.f}, {1.f, 1.f, 0.f}};
    const Scores s = bce_scores(x_hat, x);
    REQUIRE_MESSAGE(s.size() == 3, "one score per image (row): expected 3, got ", s.size());
    const double ln2 = std::log(2.0);
    const double expected[3] = {-std::log(0.8) - std::log(0.9) + ln2, 3 * ln2,
                                -2 * std::log(0.9) - std::log(0.8)};
    for (int i = 0; i < 3; ++i)
        test::check_value(s[i], expected[i], 1e-5, "bce_scores, image " + std::to_string(i),
                          {{1.0 / 3, "a mean over the D = 3 pixels: the score is the sum"}});
}

TEST_CASE("06 step 1b bce_scores: finite when a pixel is predicted at exactly 0 or 1") {
    // Wrong with certainty: p = 0 for a white pixel and p = 1 for a black one.
    const Scores w = bce_scores(Matrix{{0.f, 1.f}}, Matrix{{1.f, 0.f}});
    REQUIRE(w.size() == 1);
    REQUIRE_MESSAGE(std::isfinite(w[0]), "got ", w[0],
                    ": clip the prediction to [1e-6, 1 - 1e-6] before taking logs");
    // The same two terms with the clip bounds taken in float (1 - 1e-6f rounds to 0.99999899).
    const double in_float = -std::log(double(1e-6f)) - std::log(1.0 - double(1.f - 1e-6f));
    if (std::abs(w[0] - in_float) < 1e-4 * in_float)  // 0.013 from the right value
        FAIL_CHECK("two pixels wrong with certainty: expected "
                   << -2 * std::log(1e-6) << ", got " << w[0]
                   << ": likely the clip done in float, where 1 - 1e-6 is not representable "
                   << "(it becomes 0.99999899); clip in double");
    else
        test::check_value(w[0], -2 * std::log(1e-6), 1e-4, "two pixels wrong with certainty");
}

TEST_CASE("06 step 2 roc_curve: hand-made cases, tied scores make one point") {
    // Descending: 0.8 (anomaly), 0.4 (normal), 0.35 (anomaly), 0.1 (normal).
    check_points(roc_curve({0.1, 0.4, 0.35, 0.8}, {0, 0, 1, 1}), {0, 0, 0.5, 0.5, 1},
                 {0, 0.5, 0.5, 1, 1}, "four distinct scores");
    // The two images scored 1 (one of each kind) are flagged together: a diagonal step.
    check_points(roc_curve({1, 1, 2, 0}, {0, 1, 1, 0}), {0, 0, 0.5, 1}, {0, 0.5, 1, 1},
                 "a tie between a normal image and an anomaly");
    check_rejects([] { roc_curve({0.1, 0.2}, {1, 1}); }, "only anomalies, no normal image");
}

TEST_CASE("06 step 2 roc_curve: starts at (0, 0), ends at (1, 1), never decreases") {
    Scores s;
    Labels a;
    random_problem(500, 1, 1.0, 3, s, a);  // one decimal: many ties
    const Roc roc = roc_curve(s, a);
    REQUIRE_MESSAGE(roc.fpr.size() == roc.tpr.size(), "fpr and tpr must have the same length");
    REQUIRE_MESSAGE(roc.fpr.size() >= 2, "at least (0, 0) and (1, 1)");
    CHECK_MESSAGE(roc.fpr.front() == 0.0, "the first point is (0, 0): nothing flagged");
    CHECK(roc.tpr.front() == 0.0);
    CHECK_MESSAGE(roc.fpr.back() == doctest::Approx(1.0), "the last point is (1, 1), got fpr ",
                  roc.fpr.back(), ": divide false positives by the number of normal images");
    CHECK_MESSAGE(roc.tpr.back() == doctest::Approx(1.0), "the last point is (1, 1), got tpr ",
                  roc.tpr.back(), ": divide true positives by the number of anomalies");
    size_t decreasing = 0;
    for (size_t i = 1; i < roc.fpr.size(); ++i)
        decreasing += roc.fpr[i] < roc.fpr[i - 1] || roc.tpr[i] < roc.tpr[i - 1];
    CHECK_MESSAGE(decreasing == 0, decreasing, " steps go backwards: sort by score, descending");
    Scores distinct = s;
    std::sort(distinct.begin(), distinct.end());
    distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
    CHECK_MESSAGE(roc.fpr.size() == distinct.size() + 1, "expected ", distinct.size() + 1,
                  " points (one per distinct score plus (0, 0)), got ", roc.fpr.size(),
                  ": emit a point only after the last image of a group of equal scores");
}

TEST_CASE("06 step 3a auc: perfect 1, reversed 0, all tied 0.5, a hand-made tie 0.875") {
    const Labels a = {0, 1, 0, 1, 1, 0};
    const Scores perfect = {0.1, 0.9, 0.2, 0.8, 0.7, 0.3},
                 reversed = {0.9, 0.1, 0.8, 0.2, 0.3, 0.7};
    test::check_value(auc(roc_curve(perfect, a)), 1.0, 1e-12, "anomalies all above");
    test::check_value(auc(roc_curve(reversed, a)), 0.0, 1e-12, "anomalies all below");
    test::check_value(auc(roc_curve(Scores(6, 0.42), a)), 0.5, 1e-12,
                      "every score tied (one diagonal step)");
    // 3.5 of the 4 pairs are won: the tie between 1 and 1 counts half.
    test::check_value(auc(roc_curve({1, 1, 2, 0}, {0, 1, 1, 0})), 0.875, 1e-12,
                      "one tie across the classes",
                      {{8.0 / 7,
                        "the step of a tie group counted as a full square, not a "
                        "trapezoid: average the two heights"}});
}

TEST_CASE("06 step 3a auc: equals the pairwise Mann-Whitney statistic, with ties") {
    for (int decimals : {1, 2, 6}) {
        Scores s;
        Labels a;
        random_problem(400, decimals, 0.8, 10 + decimals, s, a);
        // Sums of a few hundred exact fractions: agreement to 1e-10 or there is a mistake.
        test::check_value(auc(roc_curve(s, a)), pairwise_auc(s, a), 1e-10,
                          "400 scores rounded to " + std::to_string(decimals) + " decimals");
    }
}

TEST_CASE("06 step 3b auc_rank: perfect 1, reversed 0, all tied 0.5, a hand-made tie 0.875") {
    const Labels a = {0, 1, 0, 1, 1, 0};
    const double above = auc_rank({0.1, 0.9, 0.2, 0.8, 0.7, 0.3}, a);
    // Distinct scores, Q = 3 normal images: ranks counted from 0 lower the AUC by exactly 1/Q.
    if (std::abs(above - (1.0 - 1.0 / 3)) < 1e-9)
        FAIL_CHECK("anomalies all above (distinct scores): expected 1, got "
                   << above << ", exactly 1/Q below (Q = 3 normal images): likely ranks counted "
                   << "from 0; the smallest score has rank 1");
    else
        test::check_value(above, 1.0, 1e-12, "anomalies all above");
    test::check_value(auc_rank({0.9, 0.1, 0.8, 0.2, 0.3, 0.7}, a), 0.0, 1e-12,
                      "anomalies all below");
    test::check_value(auc_rank(Scores(6, 0.42), a), 0.5, 1e-12,
                      "every score tied (one group of six equal scores)");
    test::check_value(auc_rank({1, 1, 2, 0}, {0, 1, 1, 0}), 0.875, 1e-12,
                      "one tie across the classes (3.5 of 4 pairs won)");
    check_rejects([] { auc_rank({0.1, 0.2}, {0, 0}); }, "only normal images, no anomaly");
}

TEST_CASE("06 step 3b auc_rank: equals the pairwise Mann-Whitney statistic, with ties") {
    for (int decimals : {1, 2, 6}) {
        Scores s;
        Labels a;
        random_problem(400, decimals, 0.8, 10 + decimals, s, a);
        const double got = auc_rank(s, a), want = pairwise_auc(s, a);
        const double q = double(std::count(a.begin(), a.end(), 0));
        const std::string what = "400 scores rounded to " + std::to_string(decimals) + " decimals";
        if (std::abs(got - (want - 1 / q)) < 1e-9)  // 0-based ranks: every anomaly's rank - 1
            FAIL_CHECK(what << ": expected " << want << ", got " << got
                            << ", exactly 1/Q below (Q = " << q
                            << " normal images): likely ranks counted from 0; the smallest "
                            << "score has rank 1");
        else
            test::check_value(
                got, want, 1e-10,
                what + (decimals < 6 ? " (many ties: do they share their mean rank?)" : ""));
    }
}

TEST_CASE("06 step 4a threshold_at_fpr: flags the requested fraction of normal scores") {
    for (size_t n : {size_t{100}, size_t{1000}}) {
        Rng rng(21);
        Scores normal;
        for (size_t i = 0; i < n; ++i) normal.push_back(rng.normal());  // distinct with certainty
        // 0.29 * 100, 0.57 * 100 and 0.58 * 100 come out just below 29, 57, 58 in binary;
        // 0.055, 0.013, 0.3333 and 0.0777 make fpr * n a fraction (5.5, 1.3, 33.33, 7.77 at
        // n = 100): rounding up, and rounding to nearest (7.77 and 77.7: no tie), flag too many.
        for (double fpr :
             {0.0, 0.01, 0.05, 0.1, 0.25, 0.29, 0.5, 0.57, 0.58, 0.055, 0.013, 0.3333, 0.0777}) {
            const double t = threshold_at_fpr(normal, fpr);
            const auto above =
                std::count_if(normal.begin(), normal.end(), [&](double s) { return s > t; });
            const double exact = fpr * double(n);
            const bool whole = std::abs(exact - std::round(exact)) < 1e-6;
            // The largest count that keeps the rate at most fpr (whole products stay themselves).
            const long want = whole ? std::lround(exact) : static_cast<long>(std::floor(exact));
            std::string why;
            if (above == want - 1 && whole)
                why =
                    " (fpr * n in floating point is a hair below the integer: take that into "
                    "account before you truncate)";
            else if (above > want)
                why = " (" + std::to_string(above) + " of " + std::to_string(n) +
                      " is a rate above fpr: the count must stay at or below fpr * n)";
            CHECK_MESSAGE(above == want, "n = ", n, ", fpr ", fpr, " (fpr * n = ", exact,
                          "): expected ", want, " normal scores above the threshold, got ", above,
                          why);
            CHECK_MESSAGE(std::find(normal.begin(), normal.end(), t) != normal.end(), "n = ", n,
                          ", fpr ", fpr, ": the threshold ", t,
                          " must be one of the normal scores");
        }
    }
}

TEST_CASE(
    "06 step 4a threshold_at_fpr: ties, and rejects an empty list or an fpr not in 0 <= fpr < 1") {
    // Ties: 1 1 1 1 2 2 3 3 3 3. At 30% only the threshold 3 keeps the rate (0 above);
    // at 40% the threshold 2 does (the four 3s above).
    const Scores tied = {3, 1, 2, 3, 1, 3, 1, 2, 3, 1};
    test::check_value(threshold_at_fpr(tied, 0.3), 3.0, 0, "ties, fpr 0.3 (a 2 would flag 40%)");
    test::check_value(threshold_at_fpr(tied, 0.4), 2.0, 0, "ties, fpr 0.4");
    check_rejects([&] { threshold_at_fpr(tied, 1.0); },
                  "fpr 1.0 (flagging every normal image needs no threshold)");
    check_rejects([&] { threshold_at_fpr(tied, -0.1); }, "fpr -0.1");
    check_rejects([] { threshold_at_fpr({}, 0.05); }, "no normal scores");
}

TEST_CASE("06 step 4b detect: counts, precision, recall and false-positive rate by hand") {
    const Scores s = {0.1, 0.5, 0.9, 0.3, 0.7};
    const Labels a = {0, 1, 1, 0, 0};
    const Detection d = detect(s, a, 0.4);  // flags 0.5 (tp), 0.9 (tp), 0.7 (fp)
    CHECK_MESSAGE(d.tp == 2, "threshold 0.4: expected tp 2, got ", d.tp);
    CHECK_MESSAGE(d.fp == 1, "threshold 0.4: expected fp 1, got ", d.fp);
    CHECK_MESSAGE(d.tn == 2, "threshold 0.4: expected tn 2, got ", d.tn);
    CHECK_MESSAGE(d.fn == 0, "threshold 0.4: expected fn 0, got ", d.fn);
    test::check_value(d.precision, 2.0 / 3, 1e-12, "precision at 0.4");
    test::check_value(d.recall, 1.0, 1e-12, "recall at 0.4");
    test::check_value(d.fpr, 1.0 / 3, 1e-12, "false-positive rate at 0.4");
    const Detection e = detect(s, a, 0.5);  // a score equal to the threshold is not flagged
    CHECK_MESSAGE(e.tp == 1, "threshold 0.5: the score 0.5 equals it and is not flagged; ",
                  "expected tp 1, got ", e.tp);
    CHECK(e.fn == 1);
    test::check_value(e.precision, 0.5, 1e-12, "precision at 0.5");
    test::check_value(e.recall, 0.5, 1e-12, "recall at 0.5");
    const Detection none = detect(s, a, 1.0);  // nothing flagged: precision 0, not NaN
    test::check_value(none.precision, 0.0, 0, "precision when nothing is flagged");
}

TEST_CASE("06 step 4b detect: a PCA detector on the data sample catches most anomalies") {
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
    // The reference reaches ~0.97 here; chance is 0.5.
    CHECK_MESSAGE(area > 0.85, "AUC of PCA-16 trained on 500 sneakers: ", area,
                  " (expected above 0.85)");
    test::check_value(auc_rank(test, anomalous), area, 1e-9, "rank AUC against trapezoidal AUC");
    // A threshold at 5% FPR on the training scores catches most anomalies on the test set.
    const Scores train = mse_scores(l01::pca_decode(p, l01::pca_encode(p, normal)), normal);
    const Detection d = detect(test, anomalous, threshold_at_fpr(train, 0.05));
    CHECK_MESSAGE(d.recall > 0.5, "recall ", d.recall, " at 5% training FPR (expected > 0.5)");
    // Test normals score a little higher than the training ones, so the test FPR is above 5%.
    CHECK_MESSAGE(d.fpr < 0.25, "test FPR ", d.fpr, " (expected < 0.25)");
}
