// Helpers shared by the tests: independent double-precision references (Gram-Schmidt,
// projectors, central differences), comparisons that say what was expected and what came, and
// the one temporary-folder helper (temp_root, TempDir: unique, under TMPDIR, removed).
#pragma once
#include <doctest/doctest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <stdexcept>
#include <sstream>
#include <string>
#include <vector>

#include "ae/error.hpp"
#include "ae/tensor.hpp"

namespace test {

// This test process's own temporary folder: a unique name (mkdtemp) under $TMPDIR (else /tmp),
// made on first use and removed, with everything in it, when the process exits. Every test that
// writes files puts them here (directly or in a TempDir), so two test binaries running at once
// never share a path and a run leaves nothing behind.
inline const std::filesystem::path& temp_root() {
    struct Root {
        std::filesystem::path path;
        pid_t owner = ::getpid();  // a forked child that exits must not remove it
        Root() {
            const char* env = std::getenv("TMPDIR");
            std::string pattern = std::string(env && *env ? env : "/tmp") + "/ae-test-XXXXXX";
            if (!::mkdtemp(pattern.data()))
                throw std::runtime_error("cannot make a temporary folder " + pattern + ": " +
                                         std::strerror(errno) + " (is TMPDIR writable?)");
            path = pattern;
        }
        ~Root() {
            std::error_code ec;
            if (::getpid() == owner) std::filesystem::remove_all(path, ec);
        }
    };
    static const Root root;
    return root.path;
}

// The folder temp_root()/name, emptied and made anew; it stays until the process exits, so a
// TEST_CASE whose SUBCASEs run it again finds it empty each time (name says which test owns it).
inline std::string fresh_dir(const std::string& name) {
    const std::filesystem::path d = temp_root() / name;
    std::filesystem::remove_all(d);
    std::filesystem::create_directories(d);
    return d.string();
}

// A fresh folder of its own inside temp_root(), removed when it goes out of scope.
class TempDir {
  public:
    explicit TempDir(const std::string& tag = "dir") {
        static int seq = 0;
        path_ = temp_root() / (tag + "-" + std::to_string(++seq));
        std::filesystem::remove_all(path_);
        std::filesystem::create_directories(path_);
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }
    std::string file(const std::string& name) const { return (path_ / name).string(); }
    // Writes text to the file name in this folder and returns its path.
    std::string write(const std::string& name, const std::string& text) const {
        std::ofstream(path_ / name, std::ios::binary) << text;
        return file(name);
    }

  private:
    std::filesystem::path path_;
};

using MatD = std::vector<std::vector<double>>;

inline MatD to_double(const ae::Matrix& m) {
    MatD out(m.shape()[0], std::vector<double>(m.shape()[1]));
    for (size_t i = 0; i < m.shape()[0]; ++i)
        for (size_t j = 0; j < m.shape()[1]; ++j) out[i][j] = m(i, j);
    return out;
}

// Rows of A (K, D) made orthonormal by Gram-Schmidt in double (twice, for stability).
inline ae::Matrix orthonormal_rows(const ae::Matrix& A) {
    MatD q = to_double(A);
    for (int pass = 0; pass < 2; ++pass) {
        for (size_t i = 0; i < q.size(); ++i) {
            for (size_t j = 0; j < i; ++j) {
                double dot = 0;
                for (size_t c = 0; c < q[i].size(); ++c) dot += q[i][c] * q[j][c];
                for (size_t c = 0; c < q[i].size(); ++c) q[i][c] -= dot * q[j][c];
            }
            double norm = 0;
            for (double v : q[i]) norm += v * v;
            norm = std::sqrt(norm);
            for (double& v : q[i]) v /= norm;
        }
    }
    ae::Matrix out(A.shape());
    for (size_t i = 0; i < q.size(); ++i)
        for (size_t j = 0; j < q[i].size(); ++j) out(i, j) = static_cast<float>(q[i][j]);
    return out;
}

// Mean cos^2 of the principal angles between the row spaces of A and B (same K):
// with orthonormal bases Qa, Qb it is |Qa Qb^T|_F^2 / K.
inline double mean_cos2(const ae::Matrix& A, const ae::Matrix& B) {
    const MatD qa = to_double(orthonormal_rows(A)), qb = to_double(orthonormal_rows(B));
    double sum = 0;
    for (const auto& a : qa) {
        for (const auto& b : qb) {
            double dot = 0;
            for (size_t c = 0; c < a.size(); ++c) dot += a[c] * b[c];
            sum += dot * dot;
        }
    }
    return sum / static_cast<double>(std::min(qa.size(), qb.size()));
}

// |P_A - P_B|_F / sqrt(2K) in [0, 1]: 0 when the row spaces agree (signs and bases do not matter).
inline double projector_distance(const ae::Matrix& A, const ae::Matrix& B) {
    const double k = static_cast<double>(std::min(A.shape()[0], B.shape()[0]));
    // |P_A - P_B|_F^2 = K_A + K_B - 2 |Qa Qb^T|_F^2
    const double d2 = static_cast<double>(A.shape()[0] + B.shape()[0]) - 2 * k * mean_cos2(A, B);
    return std::sqrt(std::max(0.0, d2) / (2 * k));
}

// Sample variance (N - 1) of column j.
inline double column_variance(const ae::Matrix& x, size_t j) {
    const size_t n = x.shape()[0];
    double mean = 0, sq = 0;
    for (size_t i = 0; i < n; ++i) mean += x(i, j);
    mean /= static_cast<double>(n);
    for (size_t i = 0; i < n; ++i) sq += (x(i, j) - mean) * (x(i, j) - mean);
    return sq / static_cast<double>(n - 1);
}

// A recognisable wrong answer: got = factor x expected (everywhere), and what it usually means.
// Tests list the ones their step invites, e.g. {double(n), "the sum over the N examples: divide
// by N for the mean"}; a flipped sign and a factor of 2 are looked for wherever more than one
// entry is compared (a test with N = 2 must then use another N, so that the causes differ).
struct Mistake {
    double factor;
    std::string advice;
};

// When got is (nearly) a constant multiple of expected and that factor is a known mistake, the
// advice for it; otherwise "". Entries are compared as doubles; the factor must be within 1e-3.
inline std::string diagnose(const std::vector<double>& got, const std::vector<double>& expected,
                            const std::vector<Mistake>& mistakes) {
    double ge = 0, ee = 0, gg = 0;
    for (size_t i = 0; i < got.size() && i < expected.size(); ++i) {
        if (!std::isfinite(got[i])) return "";
        ge += got[i] * expected[i], ee += expected[i] * expected[i], gg += got[i] * got[i];
    }
    if (ee == 0 || gg == 0) return "";
    const double r = ge / ee;  // least-squares factor; the residual says if it is one factor
    double res = 0;
    for (size_t i = 0; i < got.size() && i < expected.size(); ++i)
        res += (got[i] - r * expected[i]) * (got[i] - r * expected[i]);
    if (res > 1e-6 * gg) return "";
    std::vector<Mistake> all = mistakes;
    // One nonzero expected entry is always "a constant multiple" of itself: the ratio alone
    // cannot tell a missing 2 from any other mistake, so only the test's own list applies.
    size_t nonzero = 0;
    for (size_t i = 0; i < expected.size(); ++i) nonzero += expected[i] != 0;
    if (nonzero > 1) {
        all.push_back({-1.0, "the sign is flipped"});
        all.push_back({2.0, "twice the expected value: a factor 2 (or 1/2) is missing"});
        all.push_back({0.5, "half the expected value: a factor 2 too many (or a missing 2)"});
    }
    for (const auto& m : all) {
        if (std::abs(r - m.factor) <= 1e-3 * std::abs(m.factor)) {
            std::ostringstream s;
            s << "yours is " << r << " x the expected value everywhere: likely " << m.advice;
            return s.str();
        }
    }
    return "";
}

// Every entry of got within tol (absolute + relative to |expected|) of expected; on failure
// reports the shape or the first wrong entry, expected vs got, and the likely mistake when got
// is a known multiple of expected (see Mistake).
template <class E>
void check_close(const ae::Matrix& got, const E& expected_expr, double tol, const std::string& what,
                 const std::vector<Mistake>& mistakes = {}) {
    const ae::Matrix expected = expected_expr;
    if (got.shape() != expected.shape()) {
        FAIL_CHECK(what << ": expected shape " << ae::shape_str(expected) << ", got "
                        << ae::shape_str(got));
        return;
    }
    for (size_t i = 0; i < got.shape()[0]; ++i) {
        for (size_t j = 0; j < got.shape()[1]; ++j) {
            const double g = got(i, j), e = expected(i, j);
            if (!(std::abs(g - e) <= tol * (1 + std::abs(e)))) {
                const std::string why =
                    diagnose(std::vector<double>(got.begin(), got.end()),
                             std::vector<double>(expected.begin(), expected.end()), mistakes);
                FAIL_CHECK(what << ": entry (" << i << ", " << j << ") expected " << e << ", got "
                                << g << " (tolerance " << tol << ")"
                                << (why.empty() ? "" : "\n  " + why));
                return;
            }
        }
    }
}

// A scalar within tol (absolute + relative to |expected|), with the same diagnosis.
inline void check_value(double got, double expected, double tol, const std::string& what,
                        const std::vector<Mistake>& mistakes = {}) {
    if (std::abs(got - expected) <= tol * (1 + std::abs(expected))) return;
    const std::string why = diagnose({got}, {expected}, mistakes);
    FAIL_CHECK(what << ": expected " << expected << ", got " << got << " (tolerance " << tol << ")"
                    << (why.empty() ? "" : "\n  " + why));
}

// Every entry in [lo, hi]; names the first one outside and what it usually means.
inline void check_in_range(const ae::Matrix& got, double lo, double hi, const std::string& what,
                           const std::string& advice = "") {
    for (size_t i = 0; i < got.shape()[0]; ++i) {
        for (size_t j = 0; j < got.shape()[1]; ++j) {
            const double g = got(i, j);
            if (!(g >= lo && g <= hi)) {
                FAIL_CHECK(what << ": entry (" << i << ", " << j << ") is " << g << ", outside ["
                                << lo << ", " << hi << "]"
                                << (advice.empty() ? "" : ": likely " + advice));
                return;
            }
        }
    }
}

// Central differences of loss() over every entry of the double parameter `param` (perturbed in
// place, restored after each entry), with step h.
inline MatD numeric_gradient(MatD& param, const std::function<double()>& loss, double h = 1e-5) {
    MatD numeric = param;
    for (size_t i = 0; i < param.size(); ++i) {
        for (size_t j = 0; j < param[i].size(); ++j) {
            const double saved = param[i][j];
            param[i][j] = saved + h;
            const double up = loss();
            param[i][j] = saved - h;
            const double down = loss();
            param[i][j] = saved;
            numeric[i][j] = (up - down) / (2 * h);
        }
    }
    return numeric;
}

// Compares an analytic gradient (float) with central differences of loss() over the double
// parameter `param` (perturbed in place). Error measure: |a - n| / max(|a| + |n|, floor), with
// floor = 1e-3 x the largest |n|, so entries that are ~0 compare on the gradient's own scale.
// float32 gradients are good to ~1e-5 in it, so tol = 1e-3 flags only real mistakes.
// mistakes: as for check_close (a gradient off by N, by beta, a flipped sign ...).
inline void check_gradient(const ae::Matrix& analytic, MatD& param,
                           const std::function<double()>& loss, const std::string& what,
                           double tol = 1e-3, double h = 1e-5,
                           const std::vector<Mistake>& mistakes = {}) {
    if (analytic.shape()[0] != param.size() || analytic.shape()[1] != param[0].size()) {
        FAIL_CHECK(what << ": expected shape (" << param.size() << ", " << param[0].size()
                        << "), got " << ae::shape_str(analytic));
        return;
    }
    const MatD numeric = numeric_gradient(param, loss, h);
    double largest = 0;
    for (const auto& row : numeric)
        for (const double n : row) largest = std::max(largest, std::abs(n));
    const double floor = std::max(1e-3 * largest, 1e-12);
    double worst = 0, wa = 0, wn = 0;
    size_t wi = 0, wj = 0;
    for (size_t i = 0; i < param.size(); ++i) {
        for (size_t j = 0; j < param[i].size(); ++j) {
            const double a = analytic(i, j), n = numeric[i][j];
            const double rel = std::abs(a - n) / std::max(std::abs(a) + std::abs(n), floor);
            if (rel > worst) worst = rel, wi = i, wj = j, wa = a, wn = n;
        }
    }
    if (worst < tol) return;
    std::vector<double> a, n;
    for (size_t i = 0; i < param.size(); ++i)
        for (size_t j = 0; j < param[i].size(); ++j)
            a.push_back(analytic(i, j)), n.push_back(numeric[i][j]);
    const std::string why = diagnose(a, n, mistakes);
    FAIL_CHECK(what << ": worst entry (" << wi << ", " << wj << "): yours " << wa
                    << ", central difference " << wn << ", relative error " << worst
                    << " (tolerance " << tol << ")" << (why.empty() ? "" : "\n  " + why));
}

// Runs f, which must throw an ae::Error of its own whose message names each of `names` (so the
// caller knows what to change). A stub's "not written yet" (ae::NotImplemented) is let through,
// so the test fails on the stub.
template <class F>
void check_rejects(F&& f, const std::string& what, const std::vector<std::string>& names = {}) {
    try {
        f();
        FAIL_CHECK(what << ": expected an ae::Error, nothing was thrown");
    } catch (const ae::NotImplemented&) {
        throw;
    } catch (const ae::Error& e) {
        const std::string msg = e.what();
        for (const auto& n : names)
            CHECK_MESSAGE(msg.find(n) != std::string::npos, what, ": the message \"", msg,
                          "\" should name ", n, " so the caller knows what to change");
    }
}

// The message of the E that f throws, or `none` when it throws nothing; another exception type
// is not caught, so an error of the wrong kind fails the test.
template <class E = ae::Error, class F>
std::string error_of(F f, const std::string& none = "(no error)") {
    try {
        f();
    } catch (const E& e) {
        return e.what();
    }
    return none;
}

// A file with text in this test process's temporary folder (temp_root() / folder), removed with
// it at exit; returns its path.
inline std::string temp_file(const std::string& folder, const std::string& name,
                             const std::string& text) {
    const std::filesystem::path dir = temp_root() / folder;
    std::filesystem::create_directories(dir);
    const std::string path = (dir / name).string();
    std::ofstream(path) << text;
    return path;
}

inline bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// The KL divergence of N(mu, exp(logvar)) from N(0, I) in double, summed over the columns and
// averaged over the rows: mean_i sum_j 1/2 (mu^2 + e^logvar - 1 - logvar). The reference for the
// library's kl_standard_normal and lesson 05's kl_divergence.
inline double kl_standard_normal_ref(const MatD& mu, const MatD& logvar) {
    double s = 0;
    for (size_t i = 0; i < mu.size(); ++i)
        for (size_t j = 0; j < mu[i].size(); ++j)
            s += 0.5 * (mu[i][j] * mu[i][j] + std::exp(logvar[i][j]) - 1 - logvar[i][j]);
    return s / static_cast<double>(mu.size());
}

}  // namespace test
