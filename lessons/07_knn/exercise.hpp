// Lesson 07: k-nearest neighbours on the latent space. The contract between the lesson program,
// the tests and your code: you write the functions marked "you write" in exercise.cpp; the ones
// marked "given" are in given.cpp.
// Check with: ./workshop check 07      Run with: ./workshop run 07
#pragma once
#include <string>
#include <vector>

#include "ae/data.hpp"
#include "ae/tensor.hpp"

namespace ae::l07 {

// Step 1 (you write): all squared Euclidean distances between the rows of a and of b,
// a: (Na, D), b: (Nb, D) -> (Na, Nb), by the identity |a_i - b_j|^2 = |a_i|^2 + |b_j|^2 - 2
// a_i.b_j: the cross terms are one GEMM (ae::gemm). Rounding can make the identity slightly
// negative for (near-)equal rows: clamp every entry at 0.
Matrix squared_distances(const Matrix& a, const Matrix& b);

// The K nearest reference rows of every query, nearest first.
struct Neighbours {
    size_t k = 0;  // K
    std::vector<size_t>
        index;                 // (N * K), row-major: index[i * K + j] = j-th nearest ref of query i
    std::vector<float> dist2;  // (N * K), their squared distances, ascending along each row
    size_t size() const { return k == 0 ? 0 : index.size() / k; }  // N, the number of queries
};

// Step 2 (you write): queries: (N, D), refs: (R, D) -> the K nearest refs of each query.
// Process `block` queries at a time (squared_distances of a (block, R) slab), so that 10,000 x
// 60,000 never needs the full matrix in memory; keep the K best of each row (equal distances:
// the lower reference index first). Requires 1 <= K <= R.
Neighbours k_nearest(const Matrix& queries, const Matrix& refs, size_t k, size_t block = 512);

// Step 3 (you write): the majority vote of the first k neighbours of each query (k = 0: all K
// of them), with the labels ref_labels (R) of the references -> N predicted labels in
// [0, n_classes). A tie goes to the tied label that occurs first in the neighbour list (the one
// with the nearest neighbour), so the result never depends on the order labels are counted in.
Labels knn_vote(const Neighbours& nb, const Labels& ref_labels, size_t k = 0, int n_classes = 10);

// Step 4a (you write): the fraction of predicted[i] == truth[i] (both N long, N > 0).
double accuracy(const Labels& predicted, const Labels& truth);

// Step 4b (you write): counts[t][p] = how many examples of true class t were predicted as p;
// (n_classes, n_classes), rows are the true classes.
using Confusion = std::vector<std::vector<size_t>>;
Confusion confusion_matrix(const Labels& predicted, const Labels& truth, int n_classes = 10);

// ---- Given (given.cpp): built on your functions -----------------------------------------------

// k_nearest + knn_vote: refs (R, D) with labels, queries (N, D) -> N predicted labels.
Labels knn_classify(const Matrix& refs, const Labels& ref_labels, const Matrix& queries,
                    size_t k = 5);

// `per_class` random row numbers of each class of labels (the few labels a learner might have),
// sorted ascending; a class with fewer rows gives all of them.
std::vector<size_t> labelled_subset(const Labels& labels, size_t per_class, Rng& rng,
                                    int n_classes = 10);

// A data set seen through one representation: pixels, PCA codes, AE codes, VAE means.
struct Representation {
    std::string name;    // "raw pixels", "PCA-32", ...
    Matrix train, test;  // (N_train, Z), (N_test, Z)
    std::string source;  // how it was made ("checkpoint out/02_deep_ae/model.ckpt", "trained here")
};

// A table of the confusion matrix with short class names, rows = true class.
std::string format_confusion(const Confusion& c, const std::vector<std::string>& class_names);

// How a model is obtained when its checkpoint is missing (or retrain is set): a short run here.
struct QuickTraining {
    int epochs = 5;
    int batch_size = 128;
    float lr = 1e-3f;
    uint64_t seed = 42;
    bool retrain = false;  // ignore the checkpoints, always train here
};
Representation raw_pixels(const DataSplit& data);
// PCA-K of the training images (lesson 01's pca), codes of both splits.
Representation pca_codes(const DataSplit& data, size_t k);
// Lesson 02's deep autoencoder: codes (N, Z) from the checkpoint, or from a model trained here.
Representation ae_codes(const DataSplit& data, const std::string& checkpoint,
                        const QuickTraining& training);
// Lesson 05's VAE (784-400-20): the encoder means mu (N, Z), checkpoint or trained here.
Representation vae_means(const DataSplit& data, const std::string& checkpoint,
                         const QuickTraining& training);

}  // namespace ae::l07
