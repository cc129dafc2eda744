// Lesson 11, the reference solution: k-means with k-means++ seeding and its three scores, the
// exact t-SNE (perplexity calibration, joint P, KL and its gradient, the optimisation) and
// trustworthiness, the image transforms and the two invariance figures, the codes' moments and
// a fitted Gaussian to draw from, class means and arithmetic with them, active units and
// traversal codes. Same contract as lessons/11_latent/exercise.hpp.
// Test with: ./workshop test 11
#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include "07_knn/exercise.hpp"
#include "ae/error.hpp"
#include "ae/linalg.hpp"
#include "exercise.hpp"

namespace ae::l11 {

namespace {

// x: (N, D) -> K rows of x chosen by k-means++: the first uniformly, each next one with
// probability proportional to its squared distance to the nearest centre chosen so far.
Matrix seed_plus_plus(const Matrix& x, size_t k, Rng& rng) {
    const size_t n = x.shape()[0];
    Matrix c({k, x.shape()[1]});
    std::vector<double> nearest(n, INFINITY);
    size_t pick = rng.index(n);
    for (size_t j = 0; j < k; ++j) {
        xt::view(c, j, xt::all()) = xt::view(x, pick, xt::all());
        const Matrix d = l07::squared_distances(x, xt::view(c, xt::range(j, j + 1), xt::all()));
        double total = 0;
        for (size_t i = 0; i < n; ++i) total += nearest[i] = std::min(nearest[i], double(d(i, 0)));
        if (total <= 0) {  // fewer distinct rows than centres: any row will do
            pick = rng.index(n);
            continue;
        }
        double r = rng.uniform() * total;
        pick = n - 1;
        for (size_t i = 0; i < n; ++i)
            if ((r -= nearest[i]) < 0) {
                pick = i;
                break;
            }
    }
    return c;
}

// One restart of Lloyd's algorithm from centroids c (K, D), updated in place.
KMeansResult lloyd(const Matrix& x, Matrix c, size_t max_iter) {
    const size_t n = x.shape()[0], k = c.shape()[0], dim = x.shape()[1];
    KMeansResult r;
    r.assign.assign(n, -1);
    for (r.iterations = 1; r.iterations <= max_iter; ++r.iterations) {
        const Matrix d = l07::squared_distances(x, c);
        bool changed = false;
        std::vector<size_t> count(k, 0);
        std::vector<float> own(n);
        for (size_t i = 0; i < n; ++i) {
            size_t best = 0;
            for (size_t j = 1; j < k; ++j)
                if (d(i, j) < d(i, best)) best = j;
            changed |= r.assign[i] != int(best);
            r.assign[i] = int(best), own[i] = d(i, best), count[best]++;
        }
        // An empty cluster takes the row farthest from its centroid (taken from a cluster of 2+).
        for (size_t j = 0; j < k; ++j) {
            if (count[j] > 0) continue;
            size_t far = n;
            for (size_t i = 0; i < n; ++i)
                if (count[r.assign[i]] > 1 && (far == n || own[i] > own[far])) far = i;
            if (far == n) break;
            count[r.assign[far]]--, count[j] = 1, r.assign[far] = int(j), own[far] = 0;
            changed = true;
        }
        c.fill(0.f);
        for (size_t i = 0; i < n; ++i)
            xt::view(c, r.assign[i], xt::all()) += xt::view(x, i, xt::all());
        for (size_t j = 0; j < k; ++j)
            if (count[j] > 0) xt::view(c, j, xt::all()) /= float(count[j]);
        if (!changed) break;
    }
    r.iterations = std::min(r.iterations, max_iter);
    r.inertia = 0;
    for (size_t i = 0; i < n; ++i)
        for (size_t t = 0; t < dim; ++t)
            r.inertia += std::pow(double(x(i, t)) - double(c(r.assign[i], t)), 2);
    r.centroids = std::move(c);
    return r;
}

// The contingency table of two labelings: counts per (truth, cluster) pair, and the margins.
struct Table {
    std::map<std::pair<int, int>, double> cells;
    std::map<int, double> rows, cols;
    double n = 0;
};
Table contingency(const Labels& truth, const Labels& clusters) {
    if (truth.size() != clusters.size() || truth.empty())
        throw Error("clustering scores: " + std::to_string(truth.size()) + " labels and " +
                    std::to_string(clusters.size()) +
                    " cluster numbers; give one cluster per labelled row (N > 0)");
    Table t;
    for (size_t i = 0; i < truth.size(); ++i)
        t.cells[{truth[i], clusters[i]}]++, t.rows[truth[i]]++, t.cols[clusters[i]]++;
    t.n = double(truth.size());
    return t;
}

double entropy(const std::map<int, double>& counts, double n) {
    double h = 0;
    for (const auto& [label, c] : counts) h -= c / n * std::log(c / n);
    return h;
}

double pairs(double m) {
    return m * (m - 1) / 2;
}

}  // namespace

KMeansResult kmeans(const Matrix& x, const KMeansOptions& opt) {
    const size_t n = x.shape()[0];
    if (opt.k < 1 || opt.k > n)
        throw Error("kmeans: K = " + std::to_string(opt.k) +
                    " clusters for N = " + std::to_string(n) + " rows; choose 1 <= K <= N");
    Rng rng(opt.seed);
    KMeansResult best;
    for (size_t r = 0; r < std::max<size_t>(opt.restarts, 1); ++r) {
        KMeansResult run = lloyd(x, seed_plus_plus(x, opt.k, rng), opt.max_iter);
        if (r == 0 || run.inertia < best.inertia) best = std::move(run);
    }
    return best;
}

double purity(const Labels& truth, const Labels& clusters) {
    const Table t = contingency(truth, clusters);
    std::map<int, double> top;
    for (const auto& [cell, c] : t.cells) top[cell.second] = std::max(top[cell.second], c);
    double s = 0;
    for (const auto& [cluster, c] : top) s += c;
    return s / t.n;
}

double nmi(const Labels& truth, const Labels& clusters) {
    const Table t = contingency(truth, clusters);
    const double hu = entropy(t.rows, t.n), hv = entropy(t.cols, t.n);
    if (hu + hv <= 0) return 1.0;
    double mi = 0;
    for (const auto& [cell, c] : t.cells)
        mi += c / t.n * std::log(c * t.n / (t.rows.at(cell.first) * t.cols.at(cell.second)));
    return std::clamp(mi / ((hu + hv) / 2), 0.0, 1.0);
}

double ari(const Labels& truth, const Labels& clusters) {
    const Table t = contingency(truth, clusters);
    double index = 0, a = 0, b = 0;
    for (const auto& [cell, c] : t.cells) index += pairs(c);
    for (const auto& [label, c] : t.rows) a += pairs(c);
    for (const auto& [label, c] : t.cols) b += pairs(c);
    const double expected = a * b / pairs(t.n), most = (a + b) / 2;
    if (most == expected) return 1.0;
    return (index - expected) / (most - expected);
}

Matrix conditional_p(const Matrix& d2, float perplexity) {
    const size_t n = d2.shape()[0];
    if (!(perplexity > 1.f && perplexity < float(n) - 1.f))
        throw Error("conditional_p: perplexity " + std::to_string(perplexity) +
                    " for N = " + std::to_string(n) + " points; choose 1 < perplexity < N - 1");
    const double target = std::log(double(perplexity));  // the entropy in nats
    Matrix p = xt::zeros<float>({n, n});
    std::vector<double> row(n);
    for (size_t i = 0; i < n; ++i) {
        double lo = 0, hi = INFINITY, beta = 1, dmin = INFINITY;
        for (size_t j = 0; j < n; ++j)
            if (j != i) dmin = std::min(dmin, double(d2(i, j)));
        for (int it = 0; it < 200; ++it) {
            double z = 0, dz = 0;  // shifted by dmin: the same p, no underflow
            for (size_t j = 0; j < n; ++j) {
                row[j] = j == i ? 0.0 : std::exp(-beta * (double(d2(i, j)) - dmin));
                z += row[j], dz += row[j] * (double(d2(i, j)) - dmin);
            }
            const double h = std::log(z) + beta * dz / z;
            for (size_t j = 0; j < n; ++j) row[j] /= z;
            if (std::abs(h - target) < 1e-6) break;
            if (h > target)  // too flat: a narrower Gaussian
                lo = beta, beta = std::isinf(hi) ? beta * 2 : (beta + hi) / 2;
            else
                hi = beta, beta = (beta + lo) / 2;
        }
        for (size_t j = 0; j < n; ++j) p(i, j) = float(row[j]);
    }
    return p;
}

Matrix joint_p(const Matrix& cond) {
    const double n = double(cond.shape()[0]);
    return (cond + xt::transpose(cond)) / float(2 * n);
}

namespace {
// 1 / (1 + |y_i - y_j|^2) for every pair, 0 on the diagonal, and their sum over i != j.
Matrix student_t(const Matrix& y, double& sum) {
    const size_t n = y.shape()[0];
    Matrix w = xt::zeros<float>({n, n});
    sum = 0;
    for (size_t i = 0; i < n; ++i)
        for (size_t j = i + 1; j < n; ++j) {
            const double a = y(i, 0) - y(j, 0), b = y(i, 1) - y(j, 1);
            w(i, j) = w(j, i) = float(1.0 / (1.0 + a * a + b * b));
            sum += 2.0 * w(i, j);
        }
    return w;
}
}  // namespace

double tsne_kl(const Matrix& p, const Matrix& y) {
    double z = 0;
    const Matrix w = student_t(y, z);
    double kl = 0;
    for (size_t i = 0; i < p.shape()[0]; ++i)
        for (size_t j = 0; j < p.shape()[1]; ++j)
            if (i != j && p(i, j) > 0) kl += p(i, j) * std::log(p(i, j) * z / w(i, j));
    return kl;
}

Matrix tsne_gradient(const Matrix& p, const Matrix& y) {
    const size_t n = y.shape()[0];
    double z = 0;
    const Matrix w = student_t(y, z);
    Matrix g = xt::zeros<float>({n, size_t(2)});
    for (size_t i = 0; i < n; ++i) {
        double g0 = 0, g1 = 0;
        for (size_t j = 0; j < n; ++j) {
            if (j == i) continue;
            const double f = (double(p(i, j)) - w(i, j) / z) * w(i, j);
            g0 += f * (y(i, 0) - y(j, 0)), g1 += f * (y(i, 1) - y(j, 1));
        }
        g(i, 0) = float(4 * g0), g(i, 1) = float(4 * g1);
    }
    return g;
}

Matrix tsne_map(const Matrix& p, const TsneOptions& opt) {
    const size_t n = p.shape()[0];
    Rng rng(opt.seed);
    Matrix y = rng.normal(n, 2, 0.f, 1e-4f);
    Matrix step = xt::zeros<float>({n, size_t(2)}), gains = xt::ones<float>({n, size_t(2)});
    for (int it = 0; it < opt.iterations; ++it) {
        const bool early = it < opt.exaggerated;
        const Matrix g = early ? tsne_gradient(p * opt.exaggeration, y) : tsne_gradient(p, y);
        const float momentum = early ? opt.momentum_start : opt.momentum_end;
        // Gains grow where the gradient keeps pushing against the last step, shrink otherwise.
        gains = xt::where(xt::not_equal(g > 0.f, step > 0.f), gains + 0.2f,
                          xt::maximum(gains * 0.8f, 0.01f));
        step = momentum * step - opt.learning_rate * gains * g;
        y += step;
        y -= xt::view(xt::mean(y, {0}), xt::newaxis(), xt::all());
    }
    return y;
}

double trustworthiness(const Matrix& high, const Matrix& low, size_t k) {
    const size_t n = high.shape()[0];
    if (k < 1 || 2 * k >= n)
        throw Error("trustworthiness: k = " + std::to_string(k) +
                    " neighbours for N = " + std::to_string(n) + " points; choose 1 <= k < N / 2");
    const Matrix dh = l07::squared_distances(high, high), dl = l07::squared_distances(low, low);
    std::vector<size_t> order(n), rank(n);
    double penalty = 0;
    for (size_t i = 0; i < n; ++i) {
        auto by = [&](const Matrix& d) {
            std::iota(order.begin(), order.end(), 0);
            std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
                if (a == i || b == i) return a == i && b != i;  // the point itself ranks 0
                return d(i, a) < d(i, b);
            });
        };
        by(dh);
        for (size_t r = 0; r < n; ++r) rank[order[r]] = r;
        by(dl);
        for (size_t r = 1; r <= k; ++r)
            if (rank[order[r]] > k) penalty += double(rank[order[r]] - k);
    }
    return 1.0 - 2.0 / (double(n) * k * (2.0 * n - 3.0 * k - 1.0)) * penalty;
}

Matrix shift_images(const Matrix& x, int dx, int dy, size_t side) {
    require_shape(x, 0, side * side, "shift_images: x");
    Matrix out = xt::zeros<float>(x.shape());
    const int n = int(side);
    for (size_t i = 0; i < x.shape()[0]; ++i)
        for (int r = 0; r < n; ++r)
            for (int c = 0; c < n; ++c) {
                const int sr = r - dy, sc = c - dx;  // where the pixel comes from
                if (sr >= 0 && sr < n && sc >= 0 && sc < n) out(i, r * n + c) = x(i, sr * n + sc);
            }
    return out;
}

Matrix rotate_images(const Matrix& x, float degrees, size_t side) {
    require_shape(x, 0, side * side, "rotate_images: x");
    Matrix out = xt::zeros<float>(x.shape());
    const double t = degrees * M_PI / 180, cs = std::cos(t), sn = std::sin(t),
                 mid = (side - 1) / 2.0;
    const int n = int(side);
    auto at = [&](size_t i, int r, int c) {
        return r < 0 || r >= n || c < 0 || c >= n ? 0.0 : double(x(i, r * n + c));
    };
    for (int r = 0; r < n; ++r)
        for (int c = 0; c < n; ++c) {
            // (u, v): the output pixel from the centre, v upwards; turned back by -t.
            const double u = c - mid, v = mid - r;
            const double sc = mid + cs * u + sn * v, sr = mid - (-sn * u + cs * v);
            const int r0 = int(std::floor(sr)), c0 = int(std::floor(sc));
            const double fr = sr - r0, fc = sc - c0;
            for (size_t i = 0; i < x.shape()[0]; ++i) {
                const double val = (1 - fr) * ((1 - fc) * at(i, r0, c0) + fc * at(i, r0, c0 + 1)) +
                                   fr * ((1 - fc) * at(i, r0 + 1, c0) + fc * at(i, r0 + 1, c0 + 1));
                out(i, r * n + c) = float(std::clamp(val, 0.0, 1.0));
            }
        }
    return out;
}

double distance_ratio(const Matrix& codes, const Matrix& moved) {
    require_shape(moved, codes.shape()[0], codes.shape()[1], "distance_ratio: moved");
    const size_t n = codes.shape()[0];
    const Matrix d = l07::squared_distances(codes, codes);
    double own = 0, other = 0;
    for (size_t i = 0; i < n; ++i) {
        double s = 0;
        for (size_t t = 0; t < codes.shape()[1]; ++t)
            s += std::pow(double(codes(i, t)) - moved(i, t), 2);
        own += std::sqrt(s);
        for (size_t j = 0; j < n; ++j)
            if (j != i) other += std::sqrt(double(d(i, j)));
    }
    return (own / double(n)) / (other / double(n * (n - 1)));
}

double retrieval_rate(const Matrix& codes, const Matrix& moved) {
    require_shape(moved, codes.shape()[0], codes.shape()[1], "retrieval_rate: moved");
    const Matrix d = l07::squared_distances(moved, codes);
    size_t hits = 0;
    for (size_t i = 0; i < d.shape()[0]; ++i) {
        size_t best = 0;
        for (size_t j = 1; j < d.shape()[1]; ++j)
            if (d(i, j) < d(i, best)) best = j;
        hits += best == i;
    }
    return double(hits) / double(d.shape()[0]);
}

CodeStats code_statistics(const Matrix& codes) {
    const size_t n = codes.shape()[0], z = codes.shape()[1];
    if (n < 2) throw Error("code_statistics: " + std::to_string(n) + " rows; need N >= 2");
    CodeStats s;
    MatrixD c({n, z});  // centred, in double
    for (size_t t = 0; t < z; ++t) {
        double m = 0, m2 = 0, m3 = 0, m4 = 0;
        for (size_t i = 0; i < n; ++i) m += codes(i, t);
        m /= double(n);
        for (size_t i = 0; i < n; ++i) {
            const double d = c(i, t) = codes(i, t) - m;
            m2 += d * d / n, m3 += d * d * d / n, m4 += d * d * d * d / n;
        }
        const bool flat = m2 <= 0;
        s.mean.push_back(m), s.sd.push_back(std::sqrt(m2));
        s.skew.push_back(flat ? 0 : m3 / std::pow(m2, 1.5));
        s.kurtosis.push_back(flat ? 0 : m4 / (m2 * m2) - 3);
    }
    const MatrixD cov = matmul(c, c, true, false);  // (Z, Z), times N
    s.correlation = xt::zeros<float>({z, z});
    for (size_t a = 0; a < z; ++a)
        for (size_t b = 0; b < z; ++b) {
            const double den = std::sqrt(cov(a, a) * cov(b, b));
            s.correlation(a, b) = a == b ? 1.f : den > 0 ? float(cov(a, b) / den) : 0.f;
        }
    return s;
}

Matrix sample_fitted_gaussian(const Matrix& codes, size_t n, Rng& rng) {
    const size_t rows = codes.shape()[0], z = codes.shape()[1];
    const Matrix mean = xt::mean(codes, {0}, xt::keep_dims | xt::evaluation_strategy::immediate);
    const Matrix c = codes - mean;
    const Matrix cov = matmul(c, c, true, false) / float(rows - 1);
    const double jitter = 1e-6 * std::max(1e-12, double(xt::mean(xt::diagonal(cov))()));
    MatrixD l = xt::zeros<double>({z, z});
    for (int attempt = 0; attempt < 2; ++attempt) {  // Cholesky, with jitter the second time
        bool ok = true;
        for (size_t j = 0; j < z && ok; ++j) {
            double d = cov(j, j) + (attempt ? jitter : 0.0);
            for (size_t k = 0; k < j; ++k) d -= l(j, k) * l(j, k);
            if (!(d > 0)) ok = false;
            l(j, j) = std::sqrt(std::max(d, 0.0));
            for (size_t i = j + 1; i < z && ok; ++i) {
                double v = cov(i, j);
                for (size_t k = 0; k < j; ++k) v -= l(i, k) * l(j, k);
                l(i, j) = v / l(j, j);
            }
        }
        if (ok) break;
        l.fill(0.0);
    }
    const Matrix e = rng.normal(n, z);
    Matrix out = matmul(e, xt::cast<float>(l), false, true);  // rows e_i^T L^T = (L e_i)^T
    return out + mean;
}

Matrix class_means(const Matrix& codes, const Labels& labels, size_t classes) {
    const size_t n = codes.shape()[0], z = codes.shape()[1];
    if (labels.size() != n)
        throw Error("class_means: " + std::to_string(labels.size()) + " labels for " +
                    std::to_string(n) + " codes; give one label per row");
    MatrixD sum = xt::zeros<double>({classes, z});
    std::vector<size_t> count(classes, 0);
    for (size_t i = 0; i < n; ++i) {
        if (labels[i] < 0 || size_t(labels[i]) >= classes)
            throw Error("class_means: label " + std::to_string(labels[i]) + " of row " +
                        std::to_string(i) + " is outside [0, " + std::to_string(classes) + ")");
        count[labels[i]]++;
        for (size_t t = 0; t < z; ++t) sum(labels[i], t) += codes(i, t);
    }
    Matrix means({classes, z});
    for (size_t c = 0; c < classes; ++c) {
        if (count[c] == 0)
            throw Error("class_means: class " + std::to_string(c) + " of " +
                        std::to_string(classes) + " has no rows");
        for (size_t t = 0; t < z; ++t) means(c, t) = float(sum(c, t) / double(count[c]));
    }
    return means;
}

Matrix latent_arithmetic(const Matrix& codes, const Matrix& means, size_t from, size_t to) {
    const size_t c = means.shape()[0];
    for (size_t k : {from, to})
        if (k >= c)
            throw Error("latent_arithmetic: class " + std::to_string(k) +
                        " of C = " + std::to_string(c) + " class means; choose a class in [0, C)");
    if (means.shape()[1] != codes.shape()[1])
        throw Error("latent_arithmetic: means of width " + std::to_string(means.shape()[1]) +
                    " for codes of width " + std::to_string(codes.shape()[1]));
    const Matrix step = xt::view(means, xt::range(to, to + 1), xt::all()) -
                        xt::view(means, xt::range(from, from + 1), xt::all());
    return codes + step;
}

std::vector<double> unit_activity(const Matrix& means) {
    const size_t n = means.shape()[0], z = means.shape()[1];
    if (n < 1) throw Error("unit_activity: no rows; need N >= 1");
    std::vector<double> var(z, 0.0);
    for (size_t t = 0; t < z; ++t) {
        double m = 0;
        for (size_t i = 0; i < n; ++i) m += means(i, t);
        m /= double(n);
        for (size_t i = 0; i < n; ++i) var[t] += std::pow(double(means(i, t)) - m, 2) / double(n);
    }
    return var;
}

size_t active_units(const Matrix& means, double threshold) {
    const std::vector<double> a = unit_activity(means);
    return size_t(std::count_if(a.begin(), a.end(), [&](double v) { return v > threshold; }));
}

Matrix traversal_codes(const Matrix& base, const std::vector<size_t>& dims,
                       const std::vector<float>& values) {
    const size_t z = base.shape()[1], nv = values.size();
    if (base.shape()[0] != 1)
        throw Error("traversal_codes: base has " + std::to_string(base.shape()[0]) +
                    " rows; give one code, (1, Z)");
    Matrix out({dims.size() * nv, z});
    for (size_t d = 0; d < dims.size(); ++d) {
        if (dims[d] >= z)
            throw Error("traversal_codes: dimension " + std::to_string(dims[d]) +
                        " of a code with Z = " + std::to_string(z) + "; choose one in [0, Z)");
        for (size_t v = 0; v < nv; ++v) {
            xt::view(out, d * nv + v, xt::all()) = xt::view(base, 0, xt::all());
            out(d * nv + v, dims[d]) = values[v];
        }
    }
    return out;
}

}  // namespace ae::l11
