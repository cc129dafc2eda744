// Tests of an image grid's layout (ae/image_grid.hpp, common/src/image_grid.cpp): class headers,
// groups and row labels never overlapping, none on the images, all inside the picture, and a
// known label really drawn. Run: ctest --test-dir build -R 'common: grid'
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "ae/image_grid.hpp"
#include "ae/text.hpp"

using namespace ae;

namespace {

const std::vector<std::string> kFashion{"T-shirt/top", "Trouser",   "Pullover", "Dress",
                                        "Coat",        "Sandal",    "Shirt",    "Sneaker",
                                        "Bag",         "Ankle boot"};

// The real font when one is installed, and the bitmap fallback: both must lay out cleanly.
std::vector<const Font*> fonts() {
    static const Font bitmap("");
    std::vector<const Font*> f{&bitmap};
    if (Font::standard().truetype()) f.push_back(&Font::standard());
    return f;
}

std::vector<Box> label_boxes(const GridLayout& g) {
    std::vector<Box> b{g.title.box};
    for (const auto& l : g.col_labels) b.push_back(l.box);
    for (const auto& l : g.row_labels) b.push_back(l.box);
    return b;
}

void check_disjoint_inside(const GridLayout& g) {
    const std::vector<Box> boxes = label_boxes(g);
    CHECK_MESSAGE(box_inside(g.grid, g.width, g.height), "the images leave the picture");
    for (size_t i = 0; i < boxes.size(); ++i) {
        const Box& a = boxes[i];
        INFO("label " << i << " at (" << a.x << ", " << a.y << "), " << a.w << " x " << a.h);
        CHECK_MESSAGE(box_inside(a, g.width, g.height), "a label leaves the picture");
        CHECK_MESSAGE(!boxes_overlap(a, g.grid), "a label lies on the images");
        for (size_t j = i + 1; j < boxes.size(); ++j)
            CHECK_MESSAGE(!boxes_overlap(a, boxes[j]),
                          "labels " << i << " and " << j << " overlap");
    }
}

}  // namespace

TEST_CASE("common grid: class headers, groups and row labels never overlap, stay inside") {
    for (const Font* f : fonts()) {
        CAPTURE(f->truetype());
        std::vector<std::string> headers = kFashion;
        headers[3] = "a-very-long-class-name-with-no-spaces-at-all";
        check_disjoint_inside(layout_image_grid(*f, 40, 10, 28, 28, 2,
                                                {"original", "  reconstruction", "row", "row"},
                                                "A title long enough to need more room than the "
                                                "grid has, so it must widen or wrap",
                                                headers));
        // Groups of columns (an empty label continues the one before), as lesson 07 draws them.
        std::vector<std::string> groups(13, "");
        groups[0] = "query", groups[2] = "pixel-space neighbours";
        groups[8] = "latent-space neighbours (deep AE)";
        check_disjoint_inside(
            layout_image_grid(*f, 26, 13, 28, 28, 2, {"Sneaker", "Bag"}, "t", groups));
        // Tiny cells with numbers, as lesson 08's feature maps.
        std::vector<std::string> nums;
        for (int c = 0; c < 16; ++c) nums.push_back(std::to_string(c));
        check_disjoint_inside(layout_image_grid(*f, 48, 16, 7, 7, 2, kFashion, "", nums));
    }
}

TEST_CASE("common grid: a known label is drawn inside its box and nothing outside the boxes") {
    for (const Font* f : fonts()) {
        CAPTURE(f->truetype());
        const GridLayout g = layout_image_grid(*f, 10, 10, 28, 28, 2, {"row"}, "Title", kFashion);
        REQUIRE(g.col_labels.size() == 10);
        const Canvas c = draw_image_grid(*f, g, Matrix({10, 784}, 0.f), 28, 28, 2, false);
        const Box b = g.col_labels[1].box;  // "Trouser"
        REQUIRE(b.w > 0);
        size_t ink = 0;
        for (int y = b.y; y < b.y + b.h; ++y)
            for (int x = b.x; x < b.x + b.w; ++x) ink += c.pix[size_t(y * c.width + x)] < 128;
        CHECK_MESSAGE(ink >= 20, "only " << ink << " dark pixels in the box of \"Trouser\"");
        // Outside every label box and the grid, the picture is untouched white.
        const std::vector<Box> boxes = label_boxes(g);
        size_t stray = 0;
        for (int y = 0; y < c.height; ++y)
            for (int x = 0; x < c.width; ++x) {
                bool in = boxes_overlap({x, y, 1, 1}, g.grid);
                for (const Box& l : boxes) in = in || boxes_overlap({x, y, 1, 1}, l);
                stray += !in && c.pix[size_t(y * c.width + x)] != 255;
            }
        CHECK_MESSAGE(stray == 0, stray << " pixels drawn outside the label boxes and the grid");
    }
}
