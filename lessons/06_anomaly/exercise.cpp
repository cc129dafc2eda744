// Lesson 06: anomaly detection. You write the scores of a detector and the figures that judge it
// (ROC, AUC two ways, a threshold and what it catches), one README step each.
// Check: ./workshop check 06   (./workshop watch 06 reruns on save; ./workshop hint 06 STEP)
#include "ae/todo.hpp"
#include "exercise.hpp"

namespace ae::l06 {

Scores mse_scores(const Matrix& x_hat, const Matrix& x) {
    // TODO(lesson 06, step 1a): see README "Step 1a: Squared error per image".
    AE_TODO("06", "mse_scores", x_hat, x);
}

Scores bce_scores(const Matrix& x_hat, const Matrix& x) {
    // TODO(lesson 06, step 1b): see README "Step 1b: Cross-entropy per image".
    AE_TODO("06", "bce_scores", x_hat, x);
}

Roc roc_curve(const Scores& scores, const Labels& anomalous) {
    // TODO(lesson 06, step 2): see README "Step 2: The ROC curve, ties included".
    AE_TODO("06", "roc_curve", scores, anomalous);
}

double auc(const Roc& roc) {
    // TODO(lesson 06, step 3a): see README "Step 3a: The area under the curve".
    AE_TODO("06", "auc", roc);
}

double auc_rank(const Scores& scores, const Labels& anomalous) {
    // TODO(lesson 06, step 3b): see README "Step 3b: The same area from ranks".
    AE_TODO("06", "auc_rank", scores, anomalous);
}

double threshold_at_fpr(const Scores& normal_scores, double fpr) {
    // TODO(lesson 06, step 4a): see README "Step 4a: A threshold from normal images only".
    AE_TODO("06", "threshold_at_fpr", normal_scores, fpr);
}

Detection detect(const Scores& scores, const Labels& anomalous, double threshold) {
    // TODO(lesson 06, step 4b): see README "Step 4b: What the threshold catches".
    AE_TODO("06", "detect", scores, anomalous, threshold);
}

}  // namespace ae::l06
