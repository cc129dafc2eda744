// Lesson 07: k-nearest neighbours. You write the distance computation, the blocked search, the
// vote and the two evaluation figures, one README step each.
// Check: ./workshop check 07   (./workshop watch 07 reruns on save; ./workshop hint 07 STEP)
#include "ae/linalg.hpp"
#include "ae/todo.hpp"
#include "exercise.hpp"

namespace ae::l07 {

Matrix squared_distances(const Matrix& a, const Matrix& b) {
    // TODO(lesson 07, step 1): see README "Step 1: All distances by one matrix product".
    AE_TODO("07", "squared_distances", a, b);
}

Neighbours k_nearest(const Matrix& queries, const Matrix& refs, size_t k, size_t block) {
    // TODO(lesson 07, step 2): see README "Step 2: The K nearest, block by block".
    AE_TODO("07", "k_nearest", queries, refs, k, block);
}

Labels knn_vote(const Neighbours& nb, const Labels& ref_labels, size_t k, int n_classes) {
    // TODO(lesson 07, step 3): see README "Step 3: The vote".
    AE_TODO("07", "knn_vote", nb, ref_labels, k, n_classes);
}

double accuracy(const Labels& predicted, const Labels& truth) {
    // TODO(lesson 07, step 4a): see README "Step 4a: Accuracy".
    AE_TODO("07", "accuracy", predicted, truth);
}

Confusion confusion_matrix(const Labels& predicted, const Labels& truth, int n_classes) {
    // TODO(lesson 07, step 4b): see README "Step 4b: The confusion matrix".
    AE_TODO("07", "confusion_matrix", predicted, truth, n_classes);
}

}  // namespace ae::l07
