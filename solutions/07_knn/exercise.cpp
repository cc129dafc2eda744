// Lesson 07, reference solution: squared distances by one GEMM, the K nearest of each query by
// an insertion scan of its row of distances, a block of queries at a time, the majority vote
// with a deterministic tie rule, accuracy and the confusion matrix. The tuned twin of the
// search (tiles that stay in cache, both cores) is beside it in exercise_fast.cpp.
#include <algorithm>
#include <limits>

#include "ae/error.hpp"
#include "ae/linalg.hpp"
#include "exercise.hpp"

namespace ae::l07 {

namespace {
// x: (N, D) -> N squared row norms.
std::vector<float> squared_norms(const Matrix& x) {
    const size_t n = x.shape()[0], d = x.shape()[1];
    std::vector<float> out(n);
    for (size_t i = 0; i < n; ++i) {
        const float* r = x.data() + i * d;
        float s = 0;
        for (size_t j = 0; j < d; ++j) s += r[j] * r[j];
        out[i] = s;
    }
    return out;
}
}  // namespace

Matrix squared_distances(const Matrix& a, const Matrix& b) {
    if (a.shape()[1] != b.shape()[1]) {
        throw ShapeError("squared_distances: a is " + shape_str(a) + ", b is " + shape_str(b) +
                         "; both need D columns");
    }
    const size_t na = a.shape()[0], nb = b.shape()[0];
    Matrix d2({na, nb});
    gemm(a, false, b, true, d2, -2.f);  // -2 a b^T: (Na, D) (D, Nb)
    const std::vector<float> an = squared_norms(a), bn = squared_norms(b);
    for (size_t i = 0; i < na; ++i) {
        float* row = d2.data() + i * nb;
        // The identity cancels large terms: (near-)equal rows can come out slightly below 0.
        for (size_t j = 0; j < nb; ++j) row[j] = std::max(0.f, row[j] + an[i] + bn[j]);
    }
    return d2;
}

Neighbours k_nearest(const Matrix& queries, const Matrix& refs, size_t k, size_t block) {
    const size_t n = queries.shape()[0], r = refs.shape()[0];
    if (k == 0 || k > r) {
        throw ShapeError("k_nearest: need 1 <= K <= R, got K = " + std::to_string(k) + " with " +
                         std::to_string(r) + " references");
    }
    if (queries.shape()[1] != refs.shape()[1]) {
        throw ShapeError("k_nearest: queries are " + shape_str(queries) + ", refs are " +
                         shape_str(refs) + "; both need D columns");
    }
    block = std::max<size_t>(block, 1);
    Neighbours nb;
    nb.k = k;
    nb.index.assign(n * k, r);
    nb.dist2.assign(n * k, std::numeric_limits<float>::infinity());
    for (size_t start = 0; start < n; start += block) {
        const size_t end = std::min(n, start + block);
        const Matrix slab = xt::view(queries, xt::range(start, end), xt::all());  // (B, D)
        const Matrix d2 = squared_distances(slab, refs);                          // (B, R)
        for (size_t i = start; i < end; ++i) {
            const float* row = d2.data() + (i - start) * r;
            float* dist = &nb.dist2[i * k];  // the K best so far, ascending
            size_t* idx = &nb.index[i * k];
            for (size_t j = 0; j < r; ++j) {
                // One comparison rejects almost every reference. Strict: an equal distance
                // never displaces the lower index seen before it.
                if (!(row[j] < dist[k - 1])) continue;
                size_t pos = k - 1;
                for (; pos > 0 && dist[pos - 1] > row[j]; --pos) {
                    dist[pos] = dist[pos - 1];
                    idx[pos] = idx[pos - 1];
                }
                dist[pos] = row[j];
                idx[pos] = j;
            }
        }
    }
    return nb;
}

Labels knn_vote(const Neighbours& nb, const Labels& ref_labels, size_t k, int n_classes) {
    if (k == 0 || k > nb.k) k = nb.k;
    Labels predicted(nb.size());
    std::vector<size_t> count(static_cast<size_t>(n_classes));
    for (size_t i = 0; i < nb.size(); ++i) {
        std::fill(count.begin(), count.end(), 0);
        const size_t* idx = &nb.index[i * nb.k];
        for (size_t j = 0; j < k; ++j) {
            const int label = ref_labels.at(idx[j]);
            if (label < 0 || label >= n_classes) {
                throw Error("knn_vote: label " + std::to_string(label) + " outside [0, " +
                            std::to_string(n_classes) + ")");
            }
            ++count[label];
        }
        // Walking the list nearest first, the first label with the top count wins the tie.
        const size_t top = *std::max_element(count.begin(), count.end());
        for (size_t j = 0; j < k; ++j) {
            if (count[ref_labels[idx[j]]] == top) {
                predicted[i] = ref_labels[idx[j]];
                break;
            }
        }
    }
    return predicted;
}

double accuracy(const Labels& predicted, const Labels& truth) {
    if (predicted.size() != truth.size() || truth.empty()) {
        throw ShapeError("accuracy: " + std::to_string(predicted.size()) + " predictions for " +
                         std::to_string(truth.size()) + " labels; need the same number, > 0");
    }
    size_t right = 0;
    for (size_t i = 0; i < truth.size(); ++i) right += predicted[i] == truth[i];
    return static_cast<double>(right) / static_cast<double>(truth.size());
}

Confusion confusion_matrix(const Labels& predicted, const Labels& truth, int n_classes) {
    if (predicted.size() != truth.size()) {
        throw ShapeError("confusion_matrix: " + std::to_string(predicted.size()) +
                         " predictions for " + std::to_string(truth.size()) + " labels");
    }
    Confusion c(n_classes, std::vector<size_t>(n_classes, 0));
    for (size_t i = 0; i < truth.size(); ++i) ++c.at(truth[i]).at(predicted[i]);
    return c;
}

}  // namespace ae::l07
