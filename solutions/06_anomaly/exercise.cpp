// Lesson 06, reference solution: per-image anomaly scores, the ROC curve with tied scores
// grouped, its area by trapezoids and by ranks (Mann-Whitney), and a threshold chosen on normal
// training scores for a target false-positive rate.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "ae/error.hpp"
#include "exercise.hpp"

namespace ae::l06 {

Scores mse_scores(const Matrix& x_hat, const Matrix& x) {
    require_shape(x_hat, x.shape()[0], x.shape()[1], "mse_scores: x_hat");
    const size_t n = x.shape()[0], d = x.shape()[1];
    Scores s(n);
    for (size_t i = 0; i < n; ++i) {
        const float *a = x_hat.data() + i * d, *b = x.data() + i * d;
        double sum = 0;
        for (size_t j = 0; j < d; ++j) sum += double(a[j] - b[j]) * double(a[j] - b[j]);
        s[i] = sum / double(d);
    }
    return s;
}

Scores bce_scores(const Matrix& x_hat, const Matrix& x) {
    require_shape(x_hat, x.shape()[0], x.shape()[1], "bce_scores: x_hat");
    const size_t n = x.shape()[0], d = x.shape()[1];
    Scores s(n);
    for (size_t i = 0; i < n; ++i) {
        double sum = 0;
        for (size_t j = 0; j < d; ++j) {
            const double p = std::clamp(double(x_hat(i, j)), 1e-6, 1 - 1e-6), t = x(i, j);
            sum -= t * std::log(p) + (1 - t) * std::log1p(-p);
        }
        s[i] = sum;
    }
    return s;
}

namespace {
// Counts of anomalies (P) and normal images (Q); both must be present for ROC and AUC.
std::pair<size_t, size_t> count_classes(const Scores& scores, const Labels& anomalous) {
    if (scores.size() != anomalous.size()) {
        throw ShapeError("roc/auc: " + std::to_string(scores.size()) + " scores but " +
                         std::to_string(anomalous.size()) + " labels");
    }
    const size_t p = static_cast<size_t>(std::count(anomalous.begin(), anomalous.end(), 1));
    if (p == 0 || p == anomalous.size()) {
        throw Error("roc/auc: need both anomalies (1) and normal images (0) among the labels");
    }
    return {p, anomalous.size() - p};
}
}  // namespace

Roc roc_curve(const Scores& scores, const Labels& anomalous) {
    const auto [pos, neg] = count_classes(scores, anomalous);
    std::vector<size_t> order(scores.size());
    std::iota(order.begin(), order.end(), size_t{0});
    std::sort(order.begin(), order.end(),
              [&](size_t a, size_t b) { return scores[a] > scores[b]; });
    Roc roc{{0.0}, {0.0}};
    size_t tp = 0, fp = 0;
    for (size_t i = 0; i < order.size(); ++i) {
        (anomalous[order[i]] == 1 ? tp : fp) += 1;
        // Tied scores are flagged together by any threshold: one point after the whole group.
        if (i + 1 < order.size() && scores[order[i + 1]] == scores[order[i]]) continue;
        roc.fpr.push_back(double(fp) / double(neg));
        roc.tpr.push_back(double(tp) / double(pos));
    }
    return roc;
}

double auc(const Roc& roc) {
    double area = 0;
    for (size_t i = 1; i < roc.fpr.size(); ++i) {
        area += (roc.fpr[i] - roc.fpr[i - 1]) * (roc.tpr[i] + roc.tpr[i - 1]) / 2;
    }
    return area;
}

double auc_rank(const Scores& scores, const Labels& anomalous) {
    const auto [pos, neg] = count_classes(scores, anomalous);
    std::vector<size_t> order(scores.size());
    std::iota(order.begin(), order.end(), size_t{0});
    std::sort(order.begin(), order.end(),
              [&](size_t a, size_t b) { return scores[a] < scores[b]; });
    double rank_sum = 0;  // of the anomalies
    for (size_t i = 0; i < order.size();) {
        size_t j = i;
        while (j < order.size() && scores[order[j]] == scores[order[i]]) ++j;
        const double mean_rank = (double(i + 1) + double(j)) / 2;  // ranks i+1 .. j shared
        for (size_t t = i; t < j; ++t) rank_sum += anomalous[order[t]] == 1 ? mean_rank : 0;
        i = j;
    }
    const double p = double(pos), q = double(neg);
    return (rank_sum - p * (p + 1) / 2) / (p * q);
}

double threshold_at_fpr(const Scores& normal_scores, double fpr) {
    if (normal_scores.empty() || !(fpr >= 0 && fpr < 1)) {
        throw Error("threshold_at_fpr: need normal scores and 0 <= fpr < 1, got fpr = " +
                    std::to_string(fpr));
    }
    Scores s = normal_scores;
    std::sort(s.begin(), s.end());
    const size_t n = s.size();
    // At most m normal scores may lie above t (the epsilon guards 0.29 * 100 = 28.999...).
    const size_t m = std::min(n - 1, static_cast<size_t>(std::floor(fpr * double(n) + 1e-9)));
    return s[n - 1 - m];
}

Detection detect(const Scores& scores, const Labels& anomalous, double threshold) {
    if (scores.size() != anomalous.size()) {
        throw ShapeError("detect: " + std::to_string(scores.size()) + " scores but " +
                         std::to_string(anomalous.size()) + " labels");
    }
    Detection d;
    for (size_t i = 0; i < scores.size(); ++i) {
        const bool flagged = scores[i] > threshold, anomaly = anomalous[i] == 1;
        (flagged ? (anomaly ? d.tp : d.fp) : (anomaly ? d.fn : d.tn)) += 1;
    }
    auto ratio = [](size_t a, size_t b) { return b == 0 ? 0.0 : double(a) / double(b); };
    d.precision = ratio(d.tp, d.tp + d.fp);
    d.recall = ratio(d.tp, d.tp + d.fn);
    d.fpr = ratio(d.fp, d.fp + d.tn);
    return d;
}

}  // namespace ae::l06
