// The run record shared by the lessons' reports (ae/run_record.hpp): the summary keys in their
// order, CSV rows, labelled image rows, the mean and spread. Run: build/bin/test_common
// -tc="common run_record*".
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "ae/error.hpp"
#include "ae/io.hpp"
#include "ae/plot.hpp"
#include "ae/run_record.hpp"
#include "test_util.hpp"

using namespace ae;

TEST_CASE("common run_record: head keeps the first n rows, all of them when there are fewer") {
    Matrix m = {{1, 2}, {3, 4}, {5, 6}};
    const Matrix two = head(m, 2);
    REQUIRE(two.shape()[0] == 2);
    CHECK(two(1, 0) == 3);
    CHECK(two(1, 1) == 4);
    CHECK(head(m, 10).shape()[0] == 3);
    CHECK(head(m, 0).shape()[0] == 0);
}

TEST_CASE("common run_record: the settings keys come in their order, with the run's epochs") {
    DataSplit data;
    data.train.images = xt::zeros<float>({size_t(5), size_t(4)});
    data.test.images = xt::zeros<float>({size_t(2), size_t(4)});
    Options opt;
    opt.epochs = 7, opt.batch_size = 64, opt.lr = 0.5f, opt.seed = 3;
    Json s;
    s.set("lesson", "x");
    set_sizes(s, data).set("latent", 8);
    set_training(s, opt).set("after", true);
    CHECK(s.dump_line() ==
          R"({"lesson": "x", "train_images": 5, "test_images": 2, "latent": 8, "epochs": 7, )"
          R"("batch_size": 64, "lr": 0.5, "seed": 3, "after": true})");
    Json loaded;
    set_training(loaded, opt, 0);  // a loaded model: no epoch run here
    CHECK(loaded.dump_line() == R"({"epochs": 0, "batch_size": 64, "lr": 0.5, "seed": 3})");
}

TEST_CASE("common run_record: finish_run writes summary.json with the seconds in their place") {
    const test::TempDir dir("run_record");
    Json s;
    s.set("a", 1).set("seconds", -1.0).set("b", 2);
    finish_run(s, dir.path().string(), Timer());
    const std::string text = read_text(dir.file("summary.json"));
    CHECK(text.find("\"a\"") < text.find("\"seconds\""));
    CHECK(text.find("\"seconds\"") < text.find("\"b\""));
    CHECK(text.find("-1") == std::string::npos);  // set again, to the time taken
    Json fresh;
    fresh.set("a", 1);
    finish_run(fresh, dir.path().string(), Timer(), "Everything");
    const std::string again = read_text(dir.file("summary.json"));
    CHECK(again.find("\"seconds\"") > again.find("\"a\""));
}

TEST_CASE("common run_record: a CSV given row by row is the CSV of its columns") {
    const test::TempDir dir("run_record");
    save_csv_rows(dir.file("rows.csv"), {"a", "b"}, {{1, 2.5}, {3, 4}, {5, 6}});
    save_csv(dir.file("cols.csv"), {"a", "b"}, {{1, 3, 5}, {2.5, 4, 6}});
    CHECK(read_text(dir.file("rows.csv")) == read_text(dir.file("cols.csv")));
    CHECK(read_text(dir.file("rows.csv")) == "a,b\n1,2.5\n3,4\n5,6\n");
    CHECK_THROWS_AS(save_csv_rows(dir.file("bad.csv"), {"a", "b"}, {{1, 2}, {3}}), Error);
}

TEST_CASE("common run_record: labelled image rows are the grid of the rows one under another") {
    const test::TempDir dir("run_record");
    Matrix a = xt::zeros<float>({size_t(3), size_t(784)}),
           b = xt::ones<float>({size_t(3), size_t(784)});
    a(1, 10) = 0.5f, b(2, 300) = 0.25f;
    save_image_rows(dir.file("rows.png"), {{"original", a}, {"model", b}}, "title", {"x", "y", "z"},
                    2);
    const Matrix grid = xt::concatenate(xt::xtuple(a, b), 0);
    save_image_grid(dir.file("grid.png"), grid, 3, 28, 28, 2, false, {"original", "model"}, "title",
                    {"x", "y", "z"});
    CHECK(read_text(dir.file("rows.png")) == read_text(dir.file("grid.png")));
    const Matrix short_row = xt::zeros<float>({size_t(2), size_t(784)});
    CHECK_THROWS_AS(save_image_rows(dir.file("bad.png"), {{"a", a}, {"b", short_row}}, "", {}),
                    Error);
    CHECK_THROWS_AS(save_image_rows(dir.file("none.png"), {}, "", {}), Error);
}

TEST_CASE("common run_record: mean and sample standard deviation") {
    const MeanSd m = mean_sd({1, 2, 3, 4});
    CHECK(m.mean == doctest::Approx(2.5).epsilon(1e-15));
    CHECK(m.sd == doctest::Approx(std::sqrt(5.0 / 3.0)).epsilon(1e-15));  // n - 1, not n
    const MeanSd one = mean_sd({0.7});
    CHECK(one.mean == 0.7);
    CHECK(one.sd == 0);
    CHECK(std::isnan(mean_sd({}).mean));
}
