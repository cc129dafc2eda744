// Tests of what lesson 10 gives (lessons/10_timeseries/given*.cpp): the ECG generator (beats of
// the P-QRS-T shape, anomalies labelled where they were injected), beat segmentation, and the UCR
// and CSV readers with their errors. Not the learner's: built against the reference, label
// given, left out of the stub check and of ./workshop check's steps (cmake/AeLesson.cmake).
// Run: ctest --test-dir build -L given -R given_10
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "ae/error.hpp"
#include "exercise.hpp"
#include "test_util.hpp"

using namespace ae;
using namespace ae::l10;

namespace {

// The message of the ae::DataError that f throws ("" when it throws none).
template <class F>
std::string data_error(F f) {
    return test::error_of<DataError>(f, "");
}

using test::contains;

}  // namespace

TEST_CASE("10 given read_csv_column: a column by its name, damaged CSV files rejected clearly") {
    const std::string ok = test::temp_file("given-10", "ok.csv",
                                           "time,ecg,resp\n0,0.5,1\n1,1.5,1\n2,-0.25,1\n3,2,1\n");
    const Signal v = read_csv_column(ok, "ecg");
    REQUIRE(v.size() == 4);
    CHECK(v[2] == doctest::Approx(-0.25));
    CHECK(v[0] == doctest::Approx(0.5));
    CHECK(v[3] == doctest::Approx(2));
    CHECK(contains(data_error([&] { read_csv_column(ok, "bp"); }), "no column \"bp\""));
    const std::string bad = test::temp_file("given-10", "bad.csv", "time,ecg\n0,0.5\n1,abc\n");
    CHECK(contains(data_error([&] { read_csv_column(bad, "ecg"); }), "line 3"));
    const std::string nan = test::temp_file("given-10", "nan.csv", "time,ecg\n0,0.5\n1,nan\n");
    CHECK(contains(data_error([&] { read_csv_column(nan, "ecg"); }), "NaN"));
    const std::string empty = test::temp_file("given-10", "empty.csv", "");
    CHECK(contains(data_error([&] { read_csv_column(empty, "ecg"); }), "empty"));
    const std::string f39 = test::temp_file("given-10", "f39.csv", "time,ecg\n0,0.5\n1,1e39\n");
    CHECK(contains(data_error([&] { read_csv_column(f39, "ecg"); }), "beyond the float range"));
}

TEST_CASE("10 given read_ucr: labels and values of a small file, damaged files rejected clearly") {
    const std::string ok = test::temp_file("given-10", "ok_TRAIN.txt",
                                           "1.0000000e+00  1.0 2.0  3.0\n"
                                           "2,0.5,-1.5,4\n"
                                           "  1\t0 0 0\n\n");
    const UcrData u = read_ucr(ok);
    REQUIRE(u.x.shape()[0] == 3);
    REQUIRE(u.x.shape()[1] == 3);
    CHECK(u.label == Labels{1, 2, 1});
    CHECK(u.x(1, 1) == doctest::Approx(-1.5));
    CHECK(u.x(1, 2) == doctest::Approx(4));
    const std::string ragged = test::temp_file("given-10", "ragged.txt", "1 1 2 3\n1 1 2\n");
    const std::string e1 = data_error([&] { read_ucr(ragged); });
    CHECK_MESSAGE(contains(e1, "line 2"), "a short line should be named by its number: " << e1);
    const std::string word = test::temp_file("given-10", "word.txt", "1 1 2 3\n1 1 x 3\n");
    CHECK(contains(data_error([&] { read_ucr(word); }), "line 2"));
    const std::string nan = test::temp_file("given-10", "nan.txt", "1 1 NaN 3\n");
    CHECK(contains(data_error([&] { read_ucr(nan); }), "NaN"));
    const std::string empty = test::temp_file("given-10", "empty.txt", "\n\n");
    CHECK(contains(data_error([&] { read_ucr(empty); }), "empty"));
    // Labels beyond int and values beyond float are refused, a huge token is not echoed whole.
    for (const char* label : {"1e300", "-3000000000", "-08888888888888888888888800"}) {
        const std::string big =
            test::temp_file("given-10", "big.txt", "1 1 2 3\n" + std::string(label) + " 1 2 3\n");
        const std::string e = data_error([&] { read_ucr(big); });
        CHECK_MESSAGE((contains(e, "line 2") && contains(e, "beyond the labels")),
                      label << ": " << e);
    }
    const std::string f39 = test::temp_file("given-10", "f39.txt", "1 1 2 3\n2 1 1e39 3\n");
    CHECK(contains(data_error([&] { read_ucr(f39); }), "beyond the float range"));
    const std::string long_tok = test::temp_file(
        "given-10", "long.txt", "1 1 2 3\n2 1 " + std::string(100000, '9') + "x 3\n");
    const std::string e2 = data_error([&] { read_ucr(long_tok); });
    CHECK_MESSAGE((contains(e2, "(100001 characters)") && e2.size() < 2000), e2.substr(0, 300));
}

TEST_CASE("10 given generate_ecg: beats have the P-QRS-T shape, segment_beats centres each") {
    EcgConfig c;  // two minutes of normal beats
    c.seconds = 120, c.hr_bpm = 72, c.seed = 7;
    const Ecg e = generate_ecg(c);
    // Heart rate from the R peaks: in the requested range around 72 bpm.
    std::vector<double> hr;
    for (size_t k = 1; k < e.r_peaks.size(); ++k)
        hr.push_back(60.0 * e.fs / double(e.r_peaks[k] - e.r_peaks[k - 1]));
    for (double h : hr) CHECK_MESSAGE((h > 60 && h < 86), "a beat at " << h << " bpm");
    std::sort(hr.begin(), hr.end());
    CHECK(hr[hr.size() / 2] == doctest::Approx(72).epsilon(0.04));
    // Each R peak is the highest sample within 0.1 s, about 1 mV above its neighbourhood.
    for (size_t r : e.r_peaks) {
        if (r < 25 || r + 25 >= e.signal.size()) continue;
        const auto it =
            std::max_element(e.signal.begin() + long(r) - 25, e.signal.begin() + long(r) + 25);
        CHECK(std::abs(long(it - e.signal.begin()) - long(r)) <= 2);
    }
    const Beats b = segment_beats(e);
    REQUIRE(b.x.shape()[1] == 140);
    REQUIRE(b.x.shape()[0] == e.r_peaks.size() - 2);
    for (size_t i = 0; i < b.x.shape()[0]; ++i) {
        // The beat spans 40 % of the RR interval before its R peak and 60 % of the one after.
        const double before = 0.4 * double(e.r_peaks[i + 1] - e.r_peaks[i]);
        const double after = 0.6 * double(e.r_peaks[i + 2] - e.r_peaks[i + 1]);
        const double want = 139 * before / (before + after);
        const auto row = xt::row(b.x, long(i));
        const size_t r = size_t(std::max_element(row.begin(), row.end()) - row.begin());
        CHECK_MESSAGE(std::abs(double(r) - want) <= 1.5,
                      "beat " << i << ": R at " << r << ", expected " << want);
    }
}

TEST_CASE("10 given generate_ecg: anomalies are labelled where they were injected") {
    EcgConfig c;
    c.seconds = 600, c.anomaly_rate = 0.1, c.seed = 3;
    const Ecg e = generate_ecg(c);
    std::vector<int> n(KindCount, 0);
    for (int k : e.beat_kind) n[k] += 1;
    for (int k = 0; k < KindCount; ++k)
        CHECK_MESSAGE(n[k] >= 3, kind_name(k) << ": only " << n[k] << " beats");
    // Every event covers the R peak of exactly one beat of its kind, and the labels agree.
    const std::vector<int> lab = step_labels(e);
    for (size_t k = 0; k < e.r_peaks.size(); ++k) CHECK(lab[e.r_peaks[k]] == e.beat_kind[k]);
    for (const Event& ev : e.events) CHECK(ev.begin < ev.end);
    // A PVC comes early: its R-R interval is shorter than the one after it.
    for (size_t k = 1; k + 1 < e.r_peaks.size(); ++k)
        if (e.beat_kind[k] == Pvc)
            CHECK(e.r_peaks[k] - e.r_peaks[k - 1] < e.r_peaks[k + 1] - e.r_peaks[k]);
}
