// The run record every lesson's report writes the same way: the settings keys of summary.json,
// CSV tables built row by row, labelled rows of images (originals, then one row per model), the
// mean and spread of repeated runs, and the closing "Pictures and summary.json in DIR/" line.
// A lesson's report.cpp keeps only its own pictures and figures.
#pragma once
#include <string>
#include <vector>

#include "ae/cli.hpp"
#include "ae/data.hpp"
#include "ae/io.hpp"
#include "ae/progress.hpp"
#include "ae/tensor.hpp"

namespace ae {

// Rows [0, n) of m (all of m when it has fewer).
Matrix head(const Matrix& m, size_t n);

// Sets "train_images" and "test_images": the sizes of data's two splits.
Json& set_sizes(Json& summary, const DataSplit& data);
// Sets "epochs", "batch_size", "lr" and "seed" of opt, in that order; epochs >= 0 is the number
// of epochs run where that is not opt.epochs (a loaded model: 0).
Json& set_training(Json& summary, const Options& opt, long long epochs = -1);

// Sets "seconds" (total's, last), writes summary as out/summary.json and prints
// "\nWHAT in OUT/ (12.3s in all)\n".
void finish_run(Json& summary, const std::string& out, const Timer& total,
                const std::string& what = "Pictures and summary.json");

// A CSV table given row by row (save_csv takes columns); every row has header.size() values.
void save_csv_rows(const std::string& path, const std::vector<std::string>& header,
                   const std::vector<std::vector<double>>& rows);

// One labelled row of an image grid: (N, h*w) images.
struct ImageRow {
    std::string label;
    Matrix images;
};
// The rows one under the other, as many columns as the first row has images (every row has as
// many), 28 x 28 images drawn scale times larger: originals, then one row of reconstructions per
// model. save_image_grid (ae/plot.hpp) draws it.
void save_image_rows(const std::string& png, const std::vector<ImageRow>& rows,
                     const std::string& title, const std::vector<std::string>& col_labels,
                     int scale = 3);

// The mean of v and its sample standard deviation (n - 1; 0 for a single value); NaN mean for
// an empty v.
struct MeanSd {
    double mean = 0, sd = 0;
};
MeanSd mean_sd(const std::vector<double>& v);

}  // namespace ae
