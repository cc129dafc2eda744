// Lesson 07: k-nearest neighbours on the latent space. Your code goes here.
// Read README.md (steps 1-4), then replace each AE_TODO with your implementation.
// Check your work: ./workshop check 07      Run the lesson: ./workshop run 07
#include "ae/linalg.hpp"
#include "ae/todo.hpp"
#include "exercise.hpp"

namespace ae::l07 {

Matrix squared_distances(const Matrix& a, const Matrix& b) {
    // TODO(lesson 07, step 1): -2 a b^T by ae::gemm, plus |a_i|^2 + |b_j|^2, clamped at 0.
    AE_TODO("07", "squared_distances", a, b);
}

Neighbours k_nearest(const Matrix& queries, const Matrix& refs, size_t k, size_t block) {
    // TODO(lesson 07, step 2): per block of queries, squared_distances; keep each row's k best.
    AE_TODO("07", "k_nearest", queries, refs, k, block);
}

Labels knn_vote(const Neighbours& nb, const Labels& ref_labels, size_t k, int n_classes) {
    // TODO(lesson 07, step 3): count the first k labels; top count wins, ties to the nearest.
    AE_TODO("07", "knn_vote", nb, ref_labels, k, n_classes);
}

double accuracy(const Labels& predicted, const Labels& truth) {
    // TODO(lesson 07, step 4a): the fraction of positions where predicted equals truth.
    AE_TODO("07", "accuracy", predicted, truth);
}

Confusion confusion_matrix(const Labels& predicted, const Labels& truth, int n_classes) {
    // TODO(lesson 07, step 4b): (n_classes, n_classes) zeros; add 1 at [truth[i]][predicted[i]].
    AE_TODO("07", "confusion_matrix", predicted, truth, n_classes);
}

}  // namespace ae::l07
