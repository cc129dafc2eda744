// The run record shared by the lessons' reports (ae/run_record.hpp).
#include "ae/run_record.hpp"

#include <cmath>
#include <cstdio>
#include <numeric>

#include "ae/error.hpp"
#include "ae/plot.hpp"

namespace ae {

Matrix head(const Matrix& m, size_t n) {
    return xt::view(m, xt::range(0, std::min(n, m.shape()[0])), xt::all());
}

Json& set_sizes(Json& summary, const DataSplit& data) {
    return summary.set("train_images", data.train.size()).set("test_images", data.test.size());
}

Json& set_training(Json& summary, const Options& opt, long long epochs) {
    return summary.set("epochs", epochs >= 0 ? epochs : opt.epochs)
        .set("batch_size", opt.batch_size)
        .set("lr", double(opt.lr))
        .set("seed", double(opt.seed));
}

void finish_run(Json& summary, const std::string& out, const Timer& total,
                const std::string& what) {
    summary.set("seconds", total.seconds());
    summary.save(out + "/summary.json");
    std::printf("\n%s in %s/ (%.1fs in all)\n", what.c_str(), out.c_str(), total.seconds());
}

void save_csv_rows(const std::string& path, const std::vector<std::string>& header,
                   const std::vector<std::vector<double>>& rows) {
    std::vector<std::vector<double>> columns(header.size());
    for (const auto& row : rows) {
        if (row.size() != header.size())
            throw Error("save_csv_rows(" + path + "): a row of " + std::to_string(row.size()) +
                        " values under " + std::to_string(header.size()) + " column names");
        for (size_t c = 0; c < row.size(); ++c) columns[c].push_back(row[c]);
    }
    save_csv(path, header, columns);
}

void save_image_rows(const std::string& png, const std::vector<ImageRow>& rows,
                     const std::string& title, const std::vector<std::string>& col_labels,
                     int scale) {
    if (rows.empty()) throw Error("save_image_rows(" + png + "): no rows");
    const size_t cols = rows[0].images.shape()[0], d = rows[0].images.shape()[1];
    Matrix grid({rows.size() * cols, d});
    std::vector<std::string> labels;
    for (size_t r = 0; r < rows.size(); ++r) {
        if (rows[r].images.shape()[0] != cols || rows[r].images.shape()[1] != d)
            throw Error("save_image_rows(" + png + "): row '" + rows[r].label +
                        "' is not the first row's shape");
        xt::view(grid, xt::range(r * cols, (r + 1) * cols), xt::all()) = rows[r].images;
        labels.push_back(rows[r].label);
    }
    save_image_grid(png, grid, cols, 28, 28, scale, false, labels, title, col_labels);
}

MeanSd mean_sd(const std::vector<double>& v) {
    MeanSd s;
    s.mean = std::accumulate(v.begin(), v.end(), 0.0) / double(v.size());
    double sq = 0;
    for (double x : v) sq += (x - s.mean) * (x - s.mean);
    s.sd = v.size() > 1 ? std::sqrt(sq / double(v.size() - 1)) : 0.0;
    return s;
}

}  // namespace ae
