// A lesson-shaped exercise for the driver's tests (tests/driver/check-verdicts.sh): three steps,
// the second one written well or badly (exit, abort, a null write, endless recursion or loop, a
// read past the end), to prove that ./workshop check gives it a verdict and never a pass.
#pragma once
#include <vector>

namespace ae::d99 {
int first();
float second(const std::vector<float>& v);  // the sum of v
int third();
}  // namespace ae::d99
