// Fashion-MNIST (or MNIST) from the original IDX files, optionally gzip-compressed.
// Where the files are looked for, in order: --data-dir, $AE_DATA_DIR,
// /usr/share/datasets/fashion-mnist (Debian's dataset-fashion-mnist), then the committed
// sample in data/fashion-mnist-sample (500 training and 100 test images per class).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "ae/io.hpp"
#include "ae/tensor.hpp"

namespace ae {

// One split: images (N, rows*cols) scaled to [0, 1], labels in [0, 10).
struct Dataset {
    Matrix images;
    Labels labels;
    size_t rows = 28, cols = 28;
    size_t size() const { return images.shape()[0]; }
    size_t dim() const { return images.shape()[1]; }
};

struct DataSplit {
    Dataset train, test;
    std::string dir;                       // where the files were read from
    bool is_sample = false;                // the small committed sample, not the full set
    std::vector<std::string> class_names;  // 10 names
    std::string describe() const;          // "Fashion-MNIST full set (60000 train, ...) from DIR"
};

// How the summary.json of a lesson on these images starts: its lesson folder, the data
// (describe()) and whether it was the full set ("lesson", "data", "full_data").
inline Json run_summary(const std::string& lesson, const DataSplit& data) {
    return Json()
        .set("lesson", lesson)
        .set("data", data.describe())
        .set("full_data", !data.is_sample);
}

struct DataRequest {
    std::string dir;       // --data-dir; empty = search
    bool sample = false;   // --quick: use the committed sample even if the full set exists
    size_t max_train = 0;  // 0 = all; otherwise the first max_train (balanced if sample)
    size_t max_test = 0;
    std::vector<int> classes;  // empty = all; otherwise keep only these labels
};

// IDX readers (plain or .gz). Throw ae::DataError naming the file and what is wrong.
Matrix read_idx_images(const std::string& path, size_t* rows = nullptr, size_t* cols = nullptr);
Labels read_idx_labels(const std::string& path);
// The same, refusing at the header (before anything is allocated) a file whose images are not
// want_rows x want_cols or that holds no image; the loader asks for 28x28. Every reader refuses
// a header claiming over kMaxIdxPixels pixels (512 MB as float32; the training set is 47 M).
inline constexpr uint64_t kMaxIdxPixels = uint64_t{1} << 27;
Matrix read_idx_images_shaped(const std::string& path, size_t want_rows, size_t want_cols,
                              size_t* rows = nullptr, size_t* cols = nullptr);

// The directory that holds the four files, searched as described above; throws a DataError
// listing every place searched and the command that installs the data.
std::string find_data_dir(const std::string& requested, bool sample);
// Path of the committed sample directory (data/fashion-mnist-sample in the source tree).
std::string sample_data_dir();
// Where a lesson program finds what another lesson's default run wrote (its model), given
// relative to the repository ("out/02_deep_ae/model.ckpt"): as given when the working directory
// is the repository root (so messages and summaries read as before), else the absolute path in
// this repository. ./workshop runs programs in the user's folder, so a default read relative to
// the working directory would miss the repository's out/.
std::string repo_output(const std::string& relative);

DataSplit load_data(const DataRequest& request);

// The index of the first image of each class 0-9 that ds holds, in class order (a class with no
// image is skipped): the one-column-per-class row of the lessons' picture grids.
std::vector<size_t> first_of_each_class(const Dataset& ds);

// Rows of ds whose label is in classes.
Dataset select_classes(const Dataset& ds, const std::vector<int>& classes);
// The first n images of each class (or fewer), in the original order.
Dataset balanced_subset(const Dataset& ds, size_t per_class);

std::vector<std::string> fashion_mnist_class_names();

}  // namespace ae
