// Lesson 06: anomaly detection. Your code goes here.
// Read README.md (steps 1-4), then replace each AE_TODO with your implementation.
// Check your work: ./workshop check 06      Run the lesson: ./workshop run 06
#include "ae/todo.hpp"
#include "exercise.hpp"

namespace ae::l06 {

Scores mse_scores(const Matrix& x_hat, const Matrix& x) {
    // TODO(lesson 06, step 1a): for each row i, the mean over the D columns of (x_hat - x)^2.
    AE_TODO("06", "mse_scores", x_hat, x);
}

Scores bce_scores(const Matrix& x_hat, const Matrix& x) {
    // TODO(lesson 06, step 1b): per row -sum [x log p + (1-x) log(1-p)], p clipped (1e-6).
    AE_TODO("06", "bce_scores", x_hat, x);
}

Roc roc_curve(const Scores& scores, const Labels& anomalous) {
    // TODO(lesson 06, step 2): indices by score, descending; (0, 0), then a point per tie group.
    AE_TODO("06", "roc_curve", scores, anomalous);
}

double auc(const Roc& roc) {
    // TODO(lesson 06, step 3a): sum over segments of (fpr[i] - fpr[i-1]) * (tpr[i] + tpr[i-1]) / 2.
    AE_TODO("06", "auc", roc);
}

double auc_rank(const Scores& scores, const Labels& anomalous) {
    // TODO(lesson 06, step 3b): ranks (ties share the mean rank); (R_pos - P(P + 1)/2) / (P Q).
    AE_TODO("06", "auc_rank", scores, anomalous);
}

double threshold_at_fpr(const Scores& normal_scores, double fpr) {
    // TODO(lesson 06, step 4a): sort ascending; m = floor(fpr n); t = the (n - m)-th smallest.
    AE_TODO("06", "threshold_at_fpr", normal_scores, fpr);
}

Detection detect(const Scores& scores, const Labels& anomalous, double threshold) {
    // TODO(lesson 06, step 4b): tp, fp, tn, fn of "flag when score > threshold"; then the rates.
    AE_TODO("06", "detect", scores, anomalous, threshold);
}

}  // namespace ae::l06
