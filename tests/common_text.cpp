// Tests of picture labels (ae/text.hpp, common/src/text.cpp and text_fit.cpp): boxes, labels
// fitted to their room (wrapped before they are cut), the font found on this machine. The grid
// that places them: common_image_grid.cpp. Run: ctest --test-dir build -R 'common: text'
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "ae/text.hpp"

using namespace ae;

namespace {

// The real font when one is installed, and the bitmap fallback: both must lay out cleanly.
std::vector<const Font*> fonts() {
    static const Font bitmap("");
    std::vector<const Font*> f{&bitmap};
    if (Font::standard().truetype()) f.push_back(&Font::standard());
    return f;
}

}  // namespace

TEST_CASE("common text: boxes overlap only when they share a pixel") {
    CHECK(boxes_overlap({0, 0, 10, 10}, {9, 9, 5, 5}));
    CHECK_FALSE(boxes_overlap({0, 0, 10, 10}, {10, 0, 5, 5}));  // touching edges share none
    CHECK_FALSE(boxes_overlap({0, 0, 0, 10}, {0, 0, 5, 5}));    // an empty box
    CHECK(box_inside({0, 0, 10, 10}, 10, 10));
    CHECK_FALSE(box_inside({1, 0, 10, 10}, 10, 10));
}

TEST_CASE("common text: a label is fitted to its width, wrapped before it is cut") {
    for (const Font* f : fonts()) {
        CAPTURE(f->truetype());
        const FittedLabel one = fit_label(*f, "Trouser", 400, 13.f);
        CHECK(one.lines == std::vector<std::string>{"Trouser"});
        CHECK(one.px == 13.f);
        // Too wide for one line but two words: wrapped, not cut.
        const int room = f->text_width("Ankle boot", 13.f) - 1;
        const FittedLabel two = fit_label(*f, "Ankle boot", room, 13.f, 2, 13.f);
        CHECK(two.lines == std::vector<std::string>{"Ankle", "boot"});
        // Far too long: every line within the room, at most two lines, ".." says it was cut.
        const FittedLabel cut =
            fit_label(*f, "an unreasonably long class name that cannot fit a small cell", 60, 13.f);
        CHECK(cut.lines.size() <= 2);
        CHECK(cut.box.w <= 60);
        for (const auto& l : cut.lines) CHECK(f->text_width(l, cut.px) <= 60);
        CHECK(cut.lines.back().find("..") != std::string::npos);
    }
}

TEST_CASE("common text: the font found on this machine loads as TrueType") {
    const std::string path = font_file();
    if (path.empty()) {
        MESSAGE("no TrueType font installed (fonts-dejavu-core): labels use the bitmap font");
        CHECK_FALSE(Font::standard().truetype());
    } else {
        CHECK_MESSAGE(Font(path).truetype(), path << " does not load as a TrueType font");
    }
    CHECK_FALSE(Font("/nonexistent/font.ttf").truetype());
}
