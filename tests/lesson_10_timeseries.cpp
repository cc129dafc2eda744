// Tests of lesson 10 (anomaly detection in time series). They run against your exercise.cpp
// (./workshop check 10) and against the reference solution (./workshop test). References are
// hand-computed values and direct loops. The given code (ECG generator, UCR and CSV readers)
// feeds some steps here; its own tests are in tests/given_10_timeseries.cpp.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

#include "ae/error.hpp"
#include "exercise.hpp"
#include "test_util.hpp"

using namespace ae;
using namespace ae::l10;

namespace {

Matrix mat(std::initializer_list<std::initializer_list<float>> rows) {
    Matrix m({rows.size(), rows.begin()->size()});
    size_t i = 0;
    for (const auto& r : rows) {
        size_t j = 0;
        for (float v : r) m(i, j++) = v;
        ++i;
    }
    return m;
}

}  // namespace

TEST_CASE("10 step 1 sliding_windows: count, contents and the uncovered tail") {
    const Signal s{0, 1, 2, 3, 4, 5, 6};
    const Matrix w = sliding_windows(s, 3, 2);  // starts 0, 2, 4; steps 0..6 covered
    REQUIRE(w.shape()[0] == 3);
    REQUIRE(w.shape()[1] == 3);
    test::check_close(w, mat({{0, 1, 2}, {2, 3, 4}, {4, 5, 6}}), 1e-6, "windows of 3, stride 2");
    const Matrix t = sliding_windows(s, 4, 2);  // starts 0, 2: step 6 is not covered
    CHECK_MESSAGE(t.shape()[0] == 2,
                  "a window must fit entirely: expected 2 windows, got " << t.shape()[0]);
    CHECK(sliding_windows(s, 7, 5).shape()[0] == 1);
}

TEST_CASE("10 step 1 sliding_windows: rejects stride 0, a window longer than the signal, NaN") {
    const Signal s{0, 1, 2, 3};
    REQUIRE(sliding_windows(s, 4, 1).shape()[0] == 1);  // (a stub's error is an ae::Error too)
    CHECK_THROWS_AS(sliding_windows(s, 2, 0), Error);
    CHECK_THROWS_AS(sliding_windows(s, 5, 1), Error);
    CHECK_THROWS_AS(sliding_windows(s, 0, 1), Error);
    CHECK_THROWS_AS(sliding_windows({0, NAN, 2}, 2, 1), Error);
}

TEST_CASE("10 step 1 sliding_windows: over a column of a CSV file") {
    const std::string ok =
        test::temp_file("l10", "ok.csv", "time,ecg,resp\n0,0.5,1\n1,1.5,1\n2,-0.25,1\n3,2,1\n");
    const Signal v = read_csv_column(ok, "ecg");
    test::check_close(sliding_windows(v, 2, 2), mat({{0.5f, 1.5f}, {-0.25f, 2}}), 1e-6,
                      "windows of the CSV column");
}

TEST_CASE("10 step 2a fit_scaler: the global range of the training rows, constant data rejected") {
    const Scaler g = fit_scaler(mat({{1, 3}, {-1, 2}}), Scaling::Global);
    CHECK(g.mode == Scaling::Global);
    test::check_value(g.lo, -1, 1e-6, "lo: the smallest training value");
    test::check_value(g.hi, 3, 1e-6, "hi: the largest training value");
    CHECK(fit_scaler(mat({{5, 5}}), Scaling::PerWindow).mode == Scaling::PerWindow);
    CHECK_THROWS_AS(fit_scaler(mat({{2, 2}, {2, 2}}), Scaling::Global), Error);
    CHECK_THROWS_AS(fit_scaler(Matrix({0, 3}), Scaling::Global), Error);
}

TEST_CASE("10 step 2a fit_scaler: fitted on a small UCR file") {
    const std::string ok = test::temp_file("l10", "ok_TRAIN.txt",
                                           "1.0000000e+00  1.0 2.0  3.0\n"
                                           "2,0.5,-1.5,4\n"
                                           "  1\t0 0 0\n\n");
    const Scaler s = fit_scaler(read_ucr(ok).x, Scaling::Global);
    CHECK(s.lo == doctest::Approx(-1.5));
    CHECK(s.hi == doctest::Approx(4));
}

TEST_CASE("10 step 2b apply_scaler: global and per-window mapping, constant row rejected") {
    const Matrix x = mat({{1, 3, 5}, {-1, 0, 9}});
    Scaler g;
    g.lo = 1, g.hi = 5;
    test::check_close(apply_scaler(g, x), mat({{0, 0.5f, 1}, {-0.5f, -0.25f, 2}}), 1e-6,
                      "global scaling: the same lo and hi for every row");
    Scaler p;
    p.mode = Scaling::PerWindow;
    test::check_close(apply_scaler(p, x), mat({{0, 0.5f, 1}, {0, 0.1f, 1}}), 1e-6,
                      "per-window scaling: each row by its own range");
    CHECK_THROWS_AS(apply_scaler(p, mat({{1, 2}, {3, 3}})), Error);
}

TEST_CASE("10 step 3a classical_features: hand-computed min, max, mean, median, std, peaks") {
    // Row 0: peaks at 3 (prominence 3 - max(0, 1) = 2) and at 2 (prominence 2 - 1 = 1).
    const Matrix x = mat({{0, 3, 1, 2, 1}, {4, 4, 4, 4, 4}});
    const Matrix f = classical_features(x, 0.5);
    REQUIRE(f.shape()[0] == 2);
    REQUIRE(f.shape()[1] == size_t(FeatureCount));
    test::check_close(f, mat({{0, 3, 1.4f, 1, float(std::sqrt(1.04)), 2}, {4, 4, 4, 4, 0, 0}}),
                      1e-5, "features (min, max, mean, median, std, peaks)",
                      {{std::sqrt(5.0 / 4.0), "the std divides by T - 1; use T"}});
    CHECK_MESSAGE(classical_features(x, 1.5)(0, FPeaks) == 1,
                  "only the peak of prominence 2 rises at least 1.5 above its bases");
    CHECK(classical_features(mat({{1, 2, 2, 1}}), 0.5)(0, FPeaks) == 1);  // a flat top is one peak
    CHECK(classical_features(mat({{0, 1, 0, 3}}), 0.5)(0, FMedian) == doctest::Approx(0.5));
}

TEST_CASE("10 step 3a classical_features: each generated beat has one peak over 0.7 mV, its R") {
    EcgConfig c;  // two minutes of normal beats
    c.seconds = 120, c.hr_bpm = 72, c.seed = 7;
    const Beats b = segment_beats(generate_ecg(c));
    REQUIRE(b.x.shape()[0] > 100);
    const Matrix f = classical_features(b.x, 0.7);
    for (size_t i = 0; i < b.x.shape()[0]; ++i) {
        CHECK_MESSAGE(f(i, FPeaks) == 1,
                      "beat " << i << ": one peak over 0.7 mV (R), got " << f(i, FPeaks));
        CHECK(f(i, FMax) > 0.7);
    }
}

TEST_CASE(
    "10 step 3a classical_features: the generated anomalies show in the features of their beats") {
    EcgConfig c;
    c.seconds = 600, c.anomaly_rate = 0.1, c.seed = 3;
    const Ecg e = generate_ecg(c);
    const Beats b = segment_beats(e);
    const Matrix f = classical_features(b.x, 0.5);
    std::vector<double> mean_of(KindCount, 0), n(KindCount, 0), std_of(KindCount, 0),
        med(KindCount, 0);
    for (size_t i = 0; i < b.kind.size(); ++i) {
        const int k = b.kind[i];
        n[k] += 1, mean_of[k] += f(i, FMax), std_of[k] += f(i, FStd), med[k] += f(i, FMedian);
    }
    for (int k = 0; k < KindCount; ++k) {
        REQUIRE_MESSAGE(n[k] >= 3, kind_name(k) << ": only " << n[k] << " beats");
        mean_of[k] /= n[k], std_of[k] /= n[k], med[k] /= n[k];
    }
    CHECK_MESSAGE(mean_of[MissingBeat] < 0.4, "a missing beat has no R peak");
    CHECK_MESSAGE(med[BaselineJump] > med[Normal] + 0.25, "a baseline jump raises the median");
    CHECK_MESSAGE(std_of[NoiseBurst] > std_of[Normal], "a noise burst spreads the values");
    CHECK_MESSAGE(med[StElevation] > med[Normal] + 0.03, "an ST elevation raises the beat");
}

TEST_CASE("10 step 3b fit_feature_model: mean and spread per column, no spread gets 1") {
    const FeatureModel m = fit_feature_model(mat({{1, 5}, {3, 5}, {5, 5}}));
    REQUIRE(m.mean.size() == 2);
    REQUIRE(m.std.size() == 2);
    test::check_value(m.mean[0], 3, 1e-6, "mean of column 0");
    test::check_value(m.std[0], std::sqrt(8.0 / 3.0), 1e-6, "std of column 0 (population)",
                      {{std::sqrt(3.0 / 2.0), "divided by N - 1; use N"}});
    test::check_value(m.std[1], 1, 1e-9, "a constant column's spread");
    CHECK_THROWS_AS(fit_feature_model(mat({{1, 2}})), Error);
}

TEST_CASE("10 step 3b fit_feature_model: exactly two rows are enough (N >= 2)") {
    FeatureModel m;
    try {
        m = fit_feature_model(mat({{1, 4}, {3, 4}}));
    } catch (const NotImplemented&) {
        throw;
    } catch (const Error& e) {
        const std::string why = "two normal rows were refused (\"" + std::string(e.what()) +
                                "\"): the contract allows N = 2; only N < 2 is refused";
        FAIL(why);
    }
    REQUIRE(m.mean.size() == 2);
    REQUIRE(m.std.size() == 2);
    test::check_value(m.mean[0], 2, 1e-9, "mean of column 0 of two rows");
    test::check_value(m.std[0], 1, 1e-9, "std of column 0 of two rows (population)");
    test::check_value(m.std[1], 1, 1e-9, "a constant column's spread, two rows");
}

TEST_CASE("10 step 3c feature_scores: zero at the centre, hand-computed z-scores") {
    FeatureModel m;
    m.mean = {1, 10}, m.std = {2, 5};
    const std::vector<double> s = feature_scores(m, mat({{1, 10}, {5, 0}, {-1, 15}}));
    REQUIRE(s.size() == 3);
    test::check_value(s[0], 0, 1e-9, "the centre");
    test::check_value(s[1], (4.0 + 4.0) / 2, 1e-6, "z = (2, -2)", {{2.0, "summed; divide by F"}});
    test::check_value(s[2], (1.0 + 1.0) / 2, 1e-6, "z = (-1, 1)");
}

TEST_CASE("10 step 4a row_scores: the mean squared error of each row") {
    const std::vector<double> s = row_scores(mat({{1, 1}, {0, 2}}), mat({{0, 1}, {0, 0}}));
    REQUIRE(s.size() == 2);
    test::check_value(s[0], 0.5, 1e-6, "row 0", {{2.0, "summed; divide by D"}});
    test::check_value(s[1], 2, 1e-6, "row 1");
    CHECK_THROWS_AS(row_scores(mat({{1, 1}}), mat({{1, 1, 1}})), ShapeError);
}

TEST_CASE("10 step 4b step_scores: each step averages the windows covering it, the tail is NaN") {
    // Windows of 3 at stride 2 over 8 steps: starts 0, 2, 4; step 7 is not covered.
    const Matrix e = mat({{1, 2, 3}, {4, 5, 6}, {7, 8, 9}});
    const std::vector<double> s = step_scores(e, 2, 8);
    REQUIRE(s.size() == 8);
    const double want[7] = {1, 2, (3 + 4) / 2.0, 5, (6 + 7) / 2.0, 8, 9};
    for (size_t t = 0; t < 7; ++t)
        CHECK_MESSAGE(s[t] == doctest::Approx(want[t]),
                      "step " << t << ": expected " << want[t] << ", got " << s[t]);
    CHECK_MESSAGE(std::isnan(s[7]), "no window covers step 7: expected NaN, got " << s[7]);
    CHECK_THROWS_AS(step_scores(e, 2, 6), Error);
}

TEST_CASE("10 step 5 threshold_quantile: linear interpolation between sorted scores") {
    const std::vector<double> v{5, 1, 3, 2, 4};
    CHECK(threshold_quantile(v, 0) == doctest::Approx(1));
    CHECK(threshold_quantile(v, 1) == doctest::Approx(5));
    CHECK(threshold_quantile(v, 0.5) == doctest::Approx(3));
    CHECK(threshold_quantile(v, 0.9) == doctest::Approx(4.6));
    CHECK_THROWS_AS(threshold_quantile({}, 0.5), Error);
    CHECK_THROWS_AS(threshold_quantile(v, 1.5), Error);
    CHECK_THROWS_AS(threshold_quantile({1, NAN}, 0.5), Error);
}

TEST_CASE("10 step 5 threshold_mean_std: mean plus k population standard deviations") {
    const std::vector<double> v{1, 3, 5, 7};
    test::check_value(threshold_mean_std(v, 0), 4, 1e-9, "k = 0: the mean");
    test::check_value(
        threshold_mean_std(v, 2), 4 + 2 * std::sqrt(5.0), 1e-9, "k = 2",
        {{(4 + 2 * std::sqrt(20.0 / 3)) / (4 + 2 * std::sqrt(5.0)), "divided by N - 1"}});
    CHECK_THROWS_AS(threshold_mean_std({}, 3), Error);
}

TEST_CASE("10 step 6 event_metrics: found events, true alarms, precision, recall and F1") {
    // Events [2, 4) and [8, 10) and [12, 13); flagged runs [3, 5), [6, 7), [9, 10).
    std::vector<int> f(14, 0);
    f[3] = f[4] = f[6] = f[9] = 1;
    const EventMetrics m = event_metrics(f, {{Pvc, 2, 4}, {NoiseBurst, 8, 10}, {Pvc, 12, 13}});
    CHECK(m.events == 3);
    CHECK(m.found == 2);
    CHECK(m.alarms == 3);
    CHECK(m.true_alarms == 2);
    test::check_value(m.recall, 2.0 / 3, 1e-9, "recall");
    test::check_value(m.precision, 2.0 / 3, 1e-9, "precision (per flagged run, not per step)");
    test::check_value(m.f1, 2.0 / 3, 1e-9, "F1");
    // One long run over two events: both found, and ONE alarm, a true one.
    std::vector<int> g(10, 0);
    for (size_t t = 1; t < 8; ++t) g[t] = 1;
    const EventMetrics one = event_metrics(g, {{Pvc, 2, 3}, {StElevation, 5, 6}});
    CHECK(one.found == 2);
    CHECK(one.alarms == 1);
    CHECK_MESSAGE(one.true_alarms == 1,
                  "a run overlapping two events is still one true alarm, got " << one.true_alarms);
    CHECK(one.precision == doctest::Approx(1));
    const EventMetrics none = event_metrics(std::vector<int>(5, 0), {{Pvc, 1, 2}});
    CHECK(none.precision == 0);
    CHECK(none.f1 == 0);
    CHECK(event_metrics(std::vector<int>(5, 1), {}).recall == 0);
}

TEST_CASE("10 step 6 event_metrics: events are half-open, a run touching an end misses it") {
    // Events [2, 4) and [7, 8); runs [4, 5) (starts at the first event's end) and [6, 7)
    // (ends where the second begins): neither overlaps an event.
    std::vector<int> f(10, 0);
    f[4] = f[6] = 1;
    const EventMetrics m = event_metrics(f, {{Pvc, 2, 4}, {Pvc, 7, 8}});
    CHECK(m.events == 2);
    CHECK(m.alarms == 2);
    CHECK_MESSAGE(m.true_alarms == 0, "expected 0 true alarms, got ", m.true_alarms,
                  ": an event [begin, end) holds the steps begin .. end - 1, so a run starting at "
                  "step 4 does not touch the event [2, 4), nor a run [6, 7) the event [7, 8)");
    CHECK_MESSAGE(m.found == 0, "expected 0 events found, got ", m.found,
                  ": no flagged step lies inside [2, 4) or [7, 8)");
    test::check_value(m.precision, 0, 0, "precision with no true alarm");
}
