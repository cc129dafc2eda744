// Lesson 07: k-nearest neighbours on the latent space. The contract: the functions you write in
// exercise.cpp, one README step each. The classifier, the label subsets and the four
// representations built on them are in lesson.hpp.
// Check with: ./workshop check 07      Hints: ./workshop hint 07 STEP      Run: ./workshop run 07
#pragma once
#include <vector>

#include "ae/tensor.hpp"

namespace ae::l07 {

// README step 1. a: (Na, D), b: (Nb, D) -> (Na, Nb): every squared Euclidean distance between a
// row of a and a row of b, with ONE matrix product for the expensive part (ae::gemm, in
// ae/linalg.hpp), never a loop over the Na x Nb pairs. Entries are never negative. Throws
// ae::ShapeError when a and b have different D.
Matrix squared_distances(const Matrix& a, const Matrix& b);

// The K nearest reference rows of every query, nearest first.
struct Neighbours {
    size_t k = 0;  // K
    std::vector<size_t>
        index;                 // (N * K), row-major: index[i * K + j] = j-th nearest ref of query i
    std::vector<float> dist2;  // (N * K), their squared distances, ascending along each row
    size_t size() const { return k == 0 ? 0 : index.size() / k; }  // N, the number of queries
};

// README step 2. queries: (N, D), refs: (R, D) -> the K nearest refs of each query, nearest
// first; equal distances: the lower reference index first. Works `block` queries at a time so
// that 10,000 x 60,000 distances never need to be in memory at once; any block >= 1 gives the
// same answer. Requires 1 <= K <= R (K = R is allowed: every reference, sorted); otherwise
// throws ae::Error with a message that names K and R.
Neighbours k_nearest(const Matrix& queries, const Matrix& refs, size_t k, size_t block = 512);

// README step 3. The majority vote of the first k neighbours of each query (k = 0: all K of
// them), with the labels ref_labels (R) of the references -> N predicted labels in
// [0, n_classes). A tie goes to the tied label whose neighbour comes first in the list (the
// nearest), so the result never depends on the order labels are counted in.
Labels knn_vote(const Neighbours& nb, const Labels& ref_labels, size_t k = 0, int n_classes = 10);

// README step 4a. predicted, truth: N each (N > 0) -> the fraction of positions where they agree.
double accuracy(const Labels& predicted, const Labels& truth);

// README step 4b. counts[t][p] = how many examples of true class t were predicted as p;
// (n_classes, n_classes), rows are the true classes.
using Confusion = std::vector<std::vector<size_t>>;
Confusion confusion_matrix(const Labels& predicted, const Labels& truth, int n_classes = 10);

}  // namespace ae::l07
