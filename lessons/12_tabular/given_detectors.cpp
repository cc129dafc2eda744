// Lesson 12, given: the classical anomaly detectors a data scientist tries first on a table (PCA
// reconstruction error, Mahalanobis distance, distance to the k-th nearest training row, an
// isolation forest), each fitted on the normal training rows only. main.cpp compares your
// autoencoder's score with them.
#include <algorithm>
#include <cmath>
#include <functional>

#include "01_linear_pca/exercise.hpp"
#include "ae/linalg.hpp"
#include "lesson.hpp"

namespace ae::l12 {

std::vector<double> pca_scores(const Matrix& train, const Matrix& test, size_t k) {
    const l01::Pca p = l01::pca(train, std::min(k, train.shape()[1]));
    const Matrix r = l01::pca_decode(p, l01::pca_encode(p, test));
    std::vector<double> s(test.shape()[0], 0.0);
    for (size_t i = 0; i < s.size(); ++i)
        for (size_t j = 0; j < test.shape()[1]; ++j)
            s[i] += std::pow(double(r(i, j)) - test(i, j), 2);
    return s;
}

std::vector<double> mahalanobis_scores(const Matrix& train, const Matrix& test, double ridge) {
    const size_t n = train.shape()[0], d = train.shape()[1];
    Matrix mean = column_sums(train) / float(n);  // (1, D)
    const Matrix centred = train - mean;
    Matrix cov = matmul(centred, centred, true, false) / float(n);
    for (size_t j = 0; j < d; ++j) cov(j, j) += float(ridge);
    const SymmetricEigen eig = symmetric_eigen(cov);
    const Matrix proj = matmul(Matrix(test - mean), eig.vectors);  // (M, D) coordinates
    std::vector<double> s(test.shape()[0], 0.0);
    for (size_t i = 0; i < s.size(); ++i)
        for (size_t j = 0; j < d; ++j) s[i] += std::pow(double(proj(i, j)), 2) / eig.values[j];
    return s;
}

std::vector<double> knn_scores(const Matrix& train, const Matrix& test, size_t k) {
    const size_t n = train.shape()[0];
    k = std::clamp(k, size_t(1), n);
    std::vector<double> s, dist(n);
    for (size_t i = 0; i < test.shape()[0]; ++i) {
        for (size_t t = 0; t < n; ++t) {
            double d2 = 0;
            for (size_t j = 0; j < test.shape()[1]; ++j)
                d2 += std::pow(double(test(i, j)) - train(t, j), 2);
            dist[t] = d2;
        }
        std::nth_element(dist.begin(), dist.begin() + long(k - 1), dist.end());
        s.push_back(std::sqrt(dist[k - 1]));
    }
    return s;
}

namespace {

// The average path length of an unsuccessful search in a binary search tree of n points.
double c_factor(double n) {
    return n <= 1 ? 0 : 2 * (std::log(n - 1) + 0.5772156649) - 2 * (n - 1) / n;
}

struct Node {
    int feature = -1;  // -1: a leaf
    float split = 0;
    size_t size = 0;  // leaf: rows that reached it
    int left = -1, right = -1;
};

int grow(std::vector<Node>& tree, const Matrix& x, std::vector<size_t> rows, size_t depth,
         size_t limit, Rng& rng) {
    const int id = int(tree.size());
    tree.push_back({});
    tree[size_t(id)].size = rows.size();
    if (depth >= limit || rows.size() <= 1) return id;
    const size_t f = rng.index(x.shape()[1]);
    float lo = x(rows[0], f), hi = lo;
    for (size_t r : rows) lo = std::min(lo, x(r, f)), hi = std::max(hi, x(r, f));
    if (hi <= lo) return id;  // nothing to split along this feature: a leaf
    const float split = lo + rng.uniform() * (hi - lo);
    std::vector<size_t> l, r;
    for (size_t i : rows) (x(i, f) < split ? l : r).push_back(i);
    const int left = grow(tree, x, std::move(l), depth + 1, limit, rng);
    const int right = grow(tree, x, std::move(r), depth + 1, limit, rng);
    tree[size_t(id)].feature = int(f), tree[size_t(id)].split = split;
    tree[size_t(id)].left = left, tree[size_t(id)].right = right;
    return id;
}

double path_length(const std::vector<Node>& tree, const Matrix& x, size_t i) {
    int node = 0;
    double depth = 0;
    while (tree[size_t(node)].feature >= 0) {
        const Node& nd = tree[size_t(node)];
        node = x(i, size_t(nd.feature)) < nd.split ? nd.left : nd.right, ++depth;
    }
    return depth + c_factor(double(tree[size_t(node)].size));
}

}  // namespace

std::vector<double> isolation_forest_scores(const Matrix& train, const Matrix& test, size_t trees,
                                            size_t sample, uint64_t seed) {
    Rng rng(seed);
    sample = std::min(sample, train.shape()[0]);
    const size_t limit = size_t(std::ceil(std::log2(double(std::max(sample, size_t(2))))));
    std::vector<double> mean_path(test.shape()[0], 0.0);
    for (size_t t = 0; t < trees; ++t) {
        auto perm = rng.permutation(train.shape()[0]);
        perm.resize(sample);
        std::vector<Node> tree;
        grow(tree, train, perm, 0, limit, rng);
        for (size_t i = 0; i < mean_path.size(); ++i)
            mean_path[i] += path_length(tree, test, i) / double(trees);
    }
    std::vector<double> s;
    for (double h : mean_path) s.push_back(std::pow(2.0, -h / c_factor(double(sample))));
    return s;
}

}  // namespace ae::l12
