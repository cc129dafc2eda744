// The exercise of the driver's tests (exercise_99.hpp): step 2 is written as AE_DRIVER_CASE
// says, the way a learner might get it wrong. Built once per case by tests/driver/CMakeLists.txt
// with the flags of the learner's check build.
#include <cstdlib>

#include "ae/todo.hpp"
#include "exercise_99.hpp"

namespace ae::d99 {

int first() {
    return 1;
}

float second(const std::vector<float>& v) {
    float sum = 0;
#if AE_DRIVER_CASE == 1  // correct
    for (size_t i = 0; i < v.size(); ++i) sum += v[i];
#elif AE_DRIVER_CASE == 2  // leaves the program
    std::exit(0);
#elif AE_DRIVER_CASE == 3  // aborts
    std::abort();
#elif AE_DRIVER_CASE == 4  // writes through a null pointer
    static float* volatile target = nullptr;
    *target = float(v.size());
#elif AE_DRIVER_CASE == 5  // recurses forever
    if (!v.empty()) sum = second(v) + v[0];
#elif AE_DRIVER_CASE == 6  // loops forever
    for (volatile size_t i = 0; i < v.size(); i = i * 0) sum += v[i];
#elif AE_DRIVER_CASE == 7  // reads one past the end
    for (size_t i = 0; i <= v.size(); ++i) sum += v[i];
#else                      // not written yet
    AE_TODO("99", "second", v);
#endif
    return sum;
}

int third() {
    return 3;
}

}  // namespace ae::d99
