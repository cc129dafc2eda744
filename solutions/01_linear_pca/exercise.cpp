// Lesson 01, reference solution: PCA by eigendecomposition of the covariance, the linear
// autoencoder's forward pass and hand-derived gradients, and principal angles.
// The factorisations come from ae/linalg.hpp (compiled once in the library): this file rebuilds
// fast.
#include <algorithm>
#include <cmath>

#include "ae/error.hpp"
#include "ae/linalg.hpp"
#include "exercise.hpp"

namespace ae::l01 {

Pca pca(const Matrix& x, size_t k) {
    const size_t n = x.shape()[0], d = x.shape()[1];
    if (k == 0 || k > d || n < 2) {
        throw ShapeError("pca: need 1 <= k <= D and N >= 2, got k = " + std::to_string(k) +
                         " for x " + shape_str(x));
    }
    Pca p;
    p.mean = column_means(x);
    Matrix xc = x;
    add_row(xc, -p.mean);
    Matrix cov({d, d});
    gemm(xc, true, xc, false, cov, 1.f / static_cast<float>(n - 1));  // (D, D)
    // Ascending eigenvalues, eigenvectors in the columns: the top k are the last k columns.
    const SymmetricEigen eig = symmetric_eigen(cov);
    p.components = Matrix({k, d});
    for (size_t j = 0; j < k; ++j) {
        const size_t col = d - 1 - j;
        p.variance.push_back(std::max(0.0, static_cast<double>(eig.values[col])));
        for (size_t i = 0; i < d; ++i) p.components(j, i) = eig.vectors(i, col);
    }
    p.total_variance = 0;
    for (size_t i = 0; i < d; ++i) p.total_variance += cov(i, i);
    return p;
}

Forward forward(const LinearAE& model, const Matrix& x) {
    Forward f;
    f.h = matmul(x, model.We);  // (N, D) (D, Z)
    add_row(f.h, model.be);
    f.x_hat = matmul(f.h, model.Wd);  // (N, Z) (Z, D)
    add_row(f.x_hat, model.bd);
    return f;
}

double mse(const Matrix& x_hat, const Matrix& x) {
    require_shape(x_hat, x.shape()[0], x.shape()[1], "mse: x_hat");
    double s = 0;
    for (size_t i = 0; i < x.size(); ++i) {
        const double e = static_cast<double>(x_hat.data()[i]) - x.data()[i];
        s += e * e;
    }
    return s / static_cast<double>(x.size());
}

LinearAEGrads backward(const LinearAE& model, const Matrix& x, const Forward& fwd) {
    // G = dL/dx_hat for L = sum (x_hat - x)^2 / (N D).
    const Matrix G = (fwd.x_hat - x) * (2.f / static_cast<float>(x.size()));  // (N, D)
    LinearAEGrads g;
    g.Wd = matmul(fwd.h, G, true, false);                // (Z, N) (N, D) -> (Z, D)
    g.bd = column_sums(G);                               // (1, D)
    const Matrix Gh = matmul(G, model.Wd, false, true);  // (N, D) (D, Z) -> (N, Z)
    g.We = matmul(x, Gh, true, false);                   // (D, N) (N, Z) -> (D, Z)
    g.be = column_sums(Gh);                              // (1, Z)
    return g;
}

namespace {
// An orthonormal basis of the row space of A (K, D), as the columns of a (D, K) matrix.
MatrixD orthonormal_basis(const Matrix& A) {
    const MatrixD at = xt::transpose(xt::cast<double>(A));  // (D, K)
    return qr_reduced(at).q;
}
}  // namespace

Angles principal_angles(const Matrix& A, const Matrix& B) {
    if (A.shape()[1] != B.shape()[1]) {
        throw ShapeError("principal_angles: A is " + shape_str(A) + ", B is " + shape_str(B) +
                         "; both need D columns");
    }
    const auto qa = orthonormal_basis(A), qb = orthonormal_basis(B);
    const MatrixD m = matmul(qa, qb, true, false);  // (K1, D) (D, K2) -> (K1, K2)
    Angles out;
    for (double c : svd_thin(m).s) out.cosines.push_back(std::clamp(c, 0.0, 1.0));
    std::sort(out.cosines.rbegin(), out.cosines.rend());
    double sum = 0;
    for (double c : out.cosines) sum += c * c;
    out.mean_cos2 = sum / static_cast<double>(out.cosines.size());
    out.largest_angle_deg = std::acos(out.cosines.back()) * 180.0 / M_PI;
    return out;
}

}  // namespace ae::l01
