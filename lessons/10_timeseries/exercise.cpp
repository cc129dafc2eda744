// Lesson 10: anomaly detection in time series. You write sliding windows, the [0, 1] scaling,
// the classical features and their detector, the reconstruction scores, the thresholds and the
// event metrics. Check with: ./workshop check 10 (one line per step), hints: ./workshop hint 10 S
#include "ae/todo.hpp"
#include "exercise.hpp"

namespace ae::l10 {

Matrix sliding_windows(const Signal& signal, size_t length, size_t stride) {
    // TODO(lesson 10, step 1): see README "Step 1: Sliding windows".
    AE_TODO("10", "sliding_windows", signal, length, stride);
}

Scaler fit_scaler(const Matrix& train, Scaling mode) {
    // TODO(lesson 10, step 2a): see README "Step 2a: Fit the scaling on training data".
    AE_TODO("10", "fit_scaler", train, mode);
}

Matrix apply_scaler(const Scaler& s, const Matrix& x) {
    // TODO(lesson 10, step 2b): see README "Step 2b: Apply the scaling".
    AE_TODO("10", "apply_scaler", s, x);
}

Matrix classical_features(const Matrix& x, double prominence) {
    // TODO(lesson 10, step 3a): see README "Step 3a: Classical features".
    AE_TODO("10", "classical_features", x, prominence);
}

FeatureModel fit_feature_model(const Matrix& features) {
    // TODO(lesson 10, step 3b): see README "Step 3b: The normal features".
    AE_TODO("10", "fit_feature_model", features);
}

std::vector<double> feature_scores(const FeatureModel& m, const Matrix& features) {
    // TODO(lesson 10, step 3c): see README "Step 3c: The feature score".
    AE_TODO("10", "feature_scores", m, features);
}

std::vector<double> row_scores(const Matrix& x_hat, const Matrix& x) {
    // TODO(lesson 10, step 4a): see README "Step 4a: Reconstruction error per beat".
    AE_TODO("10", "row_scores", x_hat, x);
}

std::vector<double> step_scores(const Matrix& errors, size_t stride, size_t n) {
    // TODO(lesson 10, step 4b): see README "Step 4b: Reconstruction error per time step".
    AE_TODO("10", "step_scores", errors, stride, n);
}

double threshold_mean_std(const std::vector<double>& normal, double k) {
    // TODO(lesson 10, step 5): see README "Step 5: The threshold".
    AE_TODO("10", "threshold_mean_std", normal, k);
}

double threshold_quantile(const std::vector<double>& normal, double q) {
    // TODO(lesson 10, step 5): see README "Step 5: The threshold".
    AE_TODO("10", "threshold_quantile", normal, q);
}

EventMetrics event_metrics(const std::vector<int>& flagged, const std::vector<Event>& events) {
    // TODO(lesson 10, step 6): see README "Step 6: Event-level precision and recall".
    AE_TODO("10", "event_metrics", flagged, events);
}

}  // namespace ae::l10
