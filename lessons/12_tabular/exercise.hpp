// Lesson 12: tabular data. The functions you write in exercise.cpp, one README step each; the
// table, its reader, the model and the baselines are in lesson.hpp.
// Check: ./workshop check 12   Watch: ./workshop watch 12   Hints: ./workshop hint 12 S
#pragma once
#include <vector>

#include "ae/tensor.hpp"
#include "lesson.hpp"

namespace ae::l12 {

// Everything the training rows decide about turning a table (N, C) into the model's matrix
// (N, D). Column c takes the encoded columns [offset[c], offset[c] + width[c]).
//   numeric column:     width 1, the value standardised by mean[c] and std[c]
//   categorical column: one slot per level seen in the training rows (in the order of seen[c]),
//                       then one slot for "a level the training rows never showed" (unseen)
struct Preprocessor {
    std::vector<bool> categorical;       // C, the table's column kinds
    std::vector<double> mean, std;       // C; numeric columns only (categorical: 0 and 1)
    std::vector<std::vector<int>> seen;  // C; categorical: level indices seen, ascending
    std::vector<size_t> offset, width;   // C
    size_t dim = 0;                      // D = the sum of the widths
};

// README step 1a. Fits on the rows `train` of t only. Numeric: mean and standard deviation
// (population: divide by the count) of the present entries; a column with no spread or fewer
// than one present entry gets std 1 (and mean 0 when no entry is present). Categorical: the
// levels present in those rows. Throws ae::Error when train is empty or names a row >= N.
Preprocessor fit_preprocessor(const Table& t, const std::vector<size_t>& train);

// The encoded table and which encoded entries are observed.
struct Encoded {
    Matrix x;     // (N, D): standardised numbers, one-hot groups; a missing entry is 0
    Matrix mask;  // (N, D): 1 where observed, 0 where missing (a categorical group all alike)
};
// README step 1b. values: (N, C) with t's column kinds -> x and mask (N, p.dim). A categorical
// level not in p.seen goes to the unseen slot. Throws ae::ShapeError when C differs from p's.
Encoded encode(const Preprocessor& p, const Matrix& values);

// README step 2. x_hat: (N, D) the decoder's output (numeric slots are values, each categorical
// group holds logits), x, mask: (N, D) from encode. The loss sums, over each row's observed
// columns, the squared error of a numeric column and the softmax cross-entropy (in nats) of a
// categorical group; it is the mean of that sum over the N rows. Missing columns add nothing.
// When grad is not null it receives dL/dx_hat (N, D). Throws ae::ShapeError for other shapes.
double mixed_loss(const Preprocessor& p, const Matrix& x_hat, const Matrix& x, const Matrix& mask,
                  Matrix* grad);

// README step 3a. The same terms as step 2, not summed: contributions (N, C), entry (i, c) is
// column c's term in row i's loss (0 where the column is missing). A row's anomaly score is the
// sum of its row.
Matrix contributions(const Preprocessor& p, const Matrix& x_hat, const Matrix& x,
                     const Matrix& mask);

// README step 3b. contributions: (N, C) -> for every row the k columns with the largest
// contribution, largest first (equal contributions: the lower column first). Throws ae::Error
// when k is 0 or larger than C.
std::vector<std::vector<size_t>> top_features(const Matrix& contributions, size_t k);

// What the masked autoencoder sees in training.
struct Masked {
    Matrix input;    // (N, 2D): [x with hidden entries set to 0, visible]
    Matrix visible;  // (N, D): observed and not hidden
};
// README step 4a. Hides each observed column of each row with probability `rate` (a categorical
// group as one column: all its slots together), one rng.uniform() draw per (row, column) in row
// order, hidden when the draw is < rate, drawn for missing columns too. Throws ae::Error for a
// rate outside [0, 1).
Masked hide_entries(const Preprocessor& p, const Matrix& x, const Matrix& mask, double rate,
                    Rng& rng);

// README step 4b. Fills a table's missing entries from a reconstruction: x, mask: (N, D) from
// encode, x_hat: (N, D) -> (N, D) where observed entries keep x, a missing numeric entry takes
// x_hat and a missing categorical group becomes the one-hot of its largest logit.
Matrix fill_missing(const Preprocessor& p, const Matrix& x, const Matrix& mask,
                    const Matrix& x_hat);

}  // namespace ae::l12
