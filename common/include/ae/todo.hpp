// AE_TODO: the body of every exercise stub. It throws ae::NotImplemented with a message that
// names the lesson, the function and the exact place to write it; it never returns a dummy.
//   Matrix f(const Matrix& x) { AE_TODO("03", "f", x); }
#pragma once
#include <string>

#include "ae/error.hpp"

namespace ae {

[[noreturn]] void throw_todo(const char* lesson, const char* function, const char* file, int line);

template <class... Args>
[[noreturn]] void todo(const char* lesson, const char* function, const char* file, int line,
                       const Args&...) {
    throw_todo(lesson, function, file, line);
}

}  // namespace ae

// The extra arguments are the stub's parameters: naming them keeps -Wunused quiet.
#define AE_TODO(lesson, function, ...) \
    ::ae::todo(lesson, function, __FILE__, __LINE__, ##__VA_ARGS__)
