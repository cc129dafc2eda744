// Lesson 10: anomaly detection in time series. The functions you write in exercise.cpp, one
// README step each; the data, the model and the readers are in lesson.hpp.
// Check: ./workshop check 10   Watch: ./workshop watch 10   Hints: ./workshop hint 10 S
#pragma once
#include <vector>

#include "ae/tensor.hpp"
#include "lesson.hpp"

namespace ae::l10 {

using Signal = std::vector<double>;

// README step 1. signal: n samples -> windows: (W, length), window w = signal[w*stride ..
// w*stride + length). W is the number of windows that fit entirely (a tail shorter than a window
// is not covered). Throws ae::Error for stride 0, length 0, a window longer than the signal, or
// a NaN/inf in the signal (naming the sample).
Matrix sliding_windows(const Signal& signal, size_t length, size_t stride);

// How rows are mapped to [0, 1] before the autoencoder (its decoder ends in a sigmoid).
//   Global: one lo and hi fitted on the training rows, the same for every row later.
//   PerWindow: every row by its own lo and hi (nothing is fitted).
enum class Scaling { Global, PerWindow };
struct Scaler {
    Scaling mode = Scaling::Global;
    double lo = 0, hi = 1;  // Global only: fitted on the training rows
};

// README step 2a. train: (N, D) -> the scaler for mode. Throws ae::Error when train is empty or
// (Global) constant: no scale can be fitted.
Scaler fit_scaler(const Matrix& train, Scaling mode);
// README step 2b. x: (N, D) -> (N, D), each row mapped by s (Global: lo -> 0, hi -> 1; values
// of other data may fall outside [0, 1]). Throws ae::Error for a constant row under PerWindow.
Matrix apply_scaler(const Scaler& s, const Matrix& x);

// The classical features of one row, in this column order.
enum Feature : size_t { FMin, FMax, FMean, FMedian, FStd, FPeaks, FeatureCount };

// README step 3a. x: (N, T) -> (N, 6): min, max, mean, median, standard deviation (population:
// divide by T), and the number of peaks whose prominence is at least `prominence`. A peak is a
// sample higher than its left neighbour and not lower than its right one (first and last samples
// are never peaks); its prominence is how far it rises above the higher of the two lowest points
// met walking left and right from it until a higher sample or the end of the row.
Matrix classical_features(const Matrix& x, double prominence);

// The normal features' centre and spread, fitted on normal rows only.
struct FeatureModel {
    std::vector<double> mean, std;  // one per feature
};
// README step 3b. features: (N, F) of normal rows, N >= 2 -> mean and standard deviation of each
// column. A column with no spread (every normal row has the same value) gets std 1, so a change
// of that feature counts by its size. Throws ae::Error when N < 2.
FeatureModel fit_feature_model(const Matrix& features);
// README step 3c. features: (N, F) -> N scores: the mean over the F features of the squared
// z-score (a diagonal Mahalanobis distance, squared, divided by F). 0 for a row at the centre.
std::vector<double> feature_scores(const FeatureModel& m, const Matrix& features);

// README step 4a. x_hat, x: (N, D) -> N scores: the mean squared reconstruction error of each row.
// Throws ae::ShapeError when the shapes differ.
std::vector<double> row_scores(const Matrix& x_hat, const Matrix& x);

// README step 4b. errors: (W, L), the error of every step of every window of sliding_windows(...,
// L, stride); n: the signal's length -> n scores: each step the mean of the errors the windows
// covering it give it. A step no window covers (the tail) is NaN. Throws ae::Error when the
// windows do not fit in n.
std::vector<double> step_scores(const Matrix& errors, size_t stride, size_t n);

// README step 5. normal: the scores of normal validation data (not the training data).
// threshold_mean_std: mean + k standard deviations (population). threshold_quantile: the q-th
// quantile, q in [0, 1], interpolating linearly between the sorted scores (as numpy's default).
// Both throw ae::Error for an empty list, a NaN, or q outside [0, 1].
double threshold_mean_std(const std::vector<double>& normal, double k);
double threshold_quantile(const std::vector<double>& normal, double q);

// Event-level detection: an event is found when at least one of its steps is flagged; a flagged
// run (maximal stretch of consecutive flagged steps) is a true alarm when it overlaps an event.
struct EventMetrics {
    size_t events = 0, found = 0;              // recall = found / events
    size_t alarms = 0, true_alarms = 0;        // precision = true_alarms / alarms
    double precision = 0, recall = 0, f1 = 0;  // a ratio with denominator 0 is 0
};
// README step 6. flagged: n steps (1 = flagged), events inside [0, n) -> the counts and rates.
EventMetrics event_metrics(const std::vector<int>& flagged, const std::vector<Event>& events);

}  // namespace ae::l10
