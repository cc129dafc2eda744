// Image grids, laid out and drawn: where each image, the title, the column labels (one per
// column or group of columns) and the row labels go, so that no two overlap and each label fits
// its room (ae/text.hpp). save_image_grid (ae/plot.hpp) draws with this and writes the PNG.
#pragma once
#include <string>
#include <vector>

#include "ae/tensor.hpp"
#include "ae/text.hpp"

namespace ae {

// Where everything of a grid of n images goes, in a canvas of width x height pixels.
struct GridLayout {
    int width = 0, height = 0;
    size_t rows = 0, cols = 0;
    int cell_w = 0, cell_h = 0;  // one image and its 1 px gap
    Box grid;                    // the images with their grey gaps
    FittedLabel title;
    std::vector<FittedLabel> col_labels, row_labels;  // placed; an empty label has no lines
    // The top-left pixel of image k.
    int image_x(size_t k) const { return grid.x + 1 + int(k % cols) * cell_w; }
    int image_y(size_t k) const { return grid.y + 1 + int(k / cols) * cell_h; }
};

// n images of h x w pixels drawn scale times larger, cols per row (at most n). A column label
// spans the columns after it whose labels are empty (a group of columns) and is fitted to that
// width; row labels sit left of their row; the title above everything.
GridLayout layout_image_grid(const Font& font, size_t n, size_t cols, size_t h, size_t w, int scale,
                             const std::vector<std::string>& row_labels, const std::string& title,
                             const std::vector<std::string>& col_labels);

// images: (N, h*w) -> the canvas of layout (made for N images of h x w), white with grey gaps,
// each image clipped to [0, 1] (normalize: stretched to [0, 1] first), labels in black.
Canvas draw_image_grid(const Font& font, const GridLayout& layout, const Matrix& images, size_t h,
                       size_t w, int scale, bool normalize);

}  // namespace ae
