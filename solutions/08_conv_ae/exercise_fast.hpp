// Lesson 08, the reference's tuned twins, kept beside the plain reference (exercise.cpp) because
// they make a training step faster: build/bin/bench_conv --kernels plain|tuned times both
// (bench/README.md). Same contracts as exercise.hpp, same numbers: tests/lesson_08_conv_ae.cpp
// compares them (AE_REFERENCE_TESTS, the reference's tests only).
#pragma once
#include "08_conv_ae/exercise.hpp"

namespace ae::l08::fast {

// im2col and col2im by runs: in the channel-last layout the taps kx0..kx1 of one kernel row that
// fall inside the image are contiguous in both matrices, so each run is one copy (3 floats at
// once for a 1-channel 3x3 kernel, instead of one call per tap).
Matrix im2col(const Matrix& x, const ConvGeometry& g);
Matrix col2im(const Matrix& cols, const ConvGeometry& g, size_t n);

// The four convolution functions of exercise.hpp on the two above, for the layers:
// conv_kernels() = fast::kernels() makes every Conv2d and ConvTranspose2d use them (bench_conv
// does). Their products read the buffers as they are, with no reshaping copies.
ConvKernels kernels();

}  // namespace ae::l08::fast
